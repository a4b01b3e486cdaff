import LyrebirdPluginAPI

extension ResponseItem {
    /// Appends the canonical form of `items` to `messages`, in the shape a chat completions
    /// request of the same conversation has: function calls join the assistant message before
    /// them (or make one), and each function call output is a `tool` message answering its call
    /// id. Items of other types are left out.
    static func appendCanonical(_ items: [ResponseItem], to messages: inout [Message]) {
        for item in items {
            switch item {
            case .message(_, let role, _, let content):
                messages.append(Message(role: role, content: content.map(\.canonical)))
            case .functionCall(_, let callID, let name, let arguments, _):
                let call = ToolCall(id: callID, name: name, arguments: arguments)
                if messages.last?.role == .assistant {
                    messages[messages.count - 1].toolCalls.append(call)
                } else {
                    messages.append(Message(role: .assistant, content: [], toolCalls: [call]))
                }
            case .functionCallOutput(_, let callID, let output):
                let content: [ContentPart]
                switch output {
                case .text(let text): content = [.text(text)]
                case .parts(let parts): content = parts.map(\.canonical)
                }
                messages.append(Message(role: .tool, content: content, toolCallID: callID))
            case .reasoning, .other:
                continue
            }
        }
    }
}
