import LyrebirdPluginAPI

/// Turns the `messages` of a chat request into canonical messages.
///
/// Roles are read case-insensitively, as Ollama does. An assistant's `tool_calls` become its
/// tool calls (arguments are an object on the wire, JSON text in the canonical model). A `tool`
/// message answers the call its `tool_call_id` names, or else the earliest unanswered call of
/// its `tool_name`, or else the earliest unanswered call: older clients send neither. A call
/// without an id gets `call_<message>_<call>`, so the same conversation always has the same ids.
struct OllamaConversation {
    private(set) var messages: [Message] = []
    /// Calls not yet answered, oldest first.
    private var pendingCalls = PendingToolCalls()

    init(_ items: [OllamaObject]) throws(ReplyError) {
        for (index, item) in items.enumerated() {
            try add(item, index: index)
        }
    }

    private mutating func add(_ item: OllamaObject, index: Int) throws(ReplyError) {
        let roleName = (try item.string("role") ?? "").lowercased()
        guard let role = Message.Role(rawValue: roleName) else {
            throw OllamaErrors.badRequest(
                "invalid message role \"\(roleName)\": use system, user, assistant or tool", param: "messages[\(index)].role")
        }
        var content: [ContentPart] = []
        // Thinking sent back with an assistant's turn is kept, but not as text fixtures test.
        if let thinking = try item.string("thinking"), !thinking.isEmpty {
            content.append(.other(type: "thinking", value: .string(thinking)))
        }
        content.append(.text(try item.string("content") ?? ""))
        for image in try item.strings("images") { content.append(.image(url: Self.dataURL(ofBase64Image: image))) }
        var toolCalls: [ToolCall] = []
        for (position, call) in try item.objects("tool_calls", of: "api.ToolCall").enumerated() where role == .assistant {
            toolCalls.append(try toolCall(call, fallbackID: "call_\(index)_\(position)"))
        }
        var name: String?
        var toolCallID: String?
        if role == .tool {
            name = try item.string("tool_name")
            toolCallID = answer(id: try item.string("tool_call_id"), name: name)
        }
        messages.append(Message(role: role, content: content, name: name, toolCalls: toolCalls, toolCallID: toolCallID))
    }

    private mutating func toolCall(_ call: OllamaObject, fallbackID: String) throws(ReplyError) -> ToolCall {
        let function = try call.object("function", of: "api.ToolCallFunction") ?? OllamaObject([:], path: "\(call.path).function")
        let name = try function.string("name") ?? ""
        let arguments: String
        switch function["arguments"] {
        case .none: arguments = "{}"
        // Some clients send the arguments as JSON text, as OpenAI's API does.
        case .string(let text): arguments = text
        case .object(let members): arguments = JSONValue.object(members).serialized
        case .some(let value): throw function.wrongType("arguments", value, "api.ToolCallFunctionArguments")
        }
        let id = try call.string("id") ?? fallbackID
        pendingCalls.append(id: id, name: name)
        return ToolCall(id: id, name: name, arguments: arguments)
    }

    /// The id of the call a tool message answers, which is then answered.
    private mutating func answer(id: String?, name: String?) -> String? {
        if let id { return pendingCalls.answer(id: id) ?? id }
        if let name { return pendingCalls.answer(name: name) }
        return pendingCalls.answerOldest()
    }

    /// Ollama's images are bare base64; the canonical model wants a URL, so they become `data:`
    /// URLs with the media type their first bytes show.
    static func dataURL(ofBase64Image data: String) -> String {
        let signatures = [("iVBORw0KGgo", "image/png"), ("/9j/", "image/jpeg"), ("R0lGOD", "image/gif"), ("UklGR", "image/webp")]
        let mediaType = signatures.first { data.hasPrefix($0.0) }?.1 ?? "application/octet-stream"
        return "data:\(mediaType);base64,\(data)"
    }
}
