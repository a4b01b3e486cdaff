extension ToolChoice {
    /// Whether the choice leaves the model no option but to call a tool: `required`, or a named
    /// function.
    package var forcesCall: Bool {
        switch self {
        case .required, .function: return true
        default: return false
        }
    }
}
