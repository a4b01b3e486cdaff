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
}
