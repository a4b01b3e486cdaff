import LyrebirdPluginAPI

extension ToolChoice {
    /// A `tool_choice` given as a string: `none`, `auto` or `required`.
    init(openAIMode mode: String) throws(ReplyError) {
        switch mode {
        case "none": self = .none
        case "auto": self = .auto
        case "required": self = .required
        default: throw RequestFields.invalidValue("tool_choice", mode, supported: ["none", "auto", "required"])
        }
    }

    /// An `allowed_tools` choice: `auto` lets the model choose; `required` forces a call to one of
    /// the allowed functions, which the canonical choice names as the first of them (as Gemini's
    /// `ANY` with several `allowedFunctionNames` does). Hosted tools in the list have no name and
    /// cannot be called by fixtures; with only those, any offered tool is required.
    init(openAIAllowedMode mode: String, functionNames: [String], param: String) throws(ReplyError) {
        switch mode {
        case "auto": self = .auto
        case "required": self = functionNames.first.map { .function(name: $0) } ?? .required
        default: throw RequestFields.invalidValue("\(param).mode", mode, supported: ["auto", "required"])
        }
    }
}
