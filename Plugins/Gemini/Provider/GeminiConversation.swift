import LyrebirdPluginAPI

/// Turns `systemInstruction` and `contents` into canonical messages.
///
/// - `systemInstruction` is a `system` message.
/// - `model` turns are `assistant` messages; their `functionCall` parts are its tool calls.
/// - `user` turns (and turns without a role) are `user` messages; each `functionResponse` part
///   is a `tool` message of its own, before the rest of the turn, named after the function.
/// - A `functionResponse` answers the call with its `id`, or else the earliest unanswered call of
///   the same name: the Python client's automatic function calling sends no ids. A call without
///   an id gets `call_<turn>_<part>`, so the same conversation always has the same ids.
struct GeminiConversation {
    private(set) var messages: [Message] = []
    /// Calls not yet answered, oldest first.
    private var pendingCalls = PendingToolCalls()

    init(system: GeminiObject?, contents: [GeminiObject]) throws(ReplyError) {
        if let system {
            var texts: [ContentPart] = []
            for part in try system.objects("parts") {
                if let text = try part.string("text") { texts.append(.text(text)) }
            }
            if !texts.isEmpty { messages.append(Message(role: .system, content: texts)) }
        }
        for (index, content) in contents.enumerated() {
            try add(content, turn: index)
        }
    }

    private mutating func add(_ content: GeminiObject, turn: Int) throws(ReplyError) {
        let role = try content.string("role") ?? "user"
        let isModel: Bool
        switch role {
        case "model": isModel = true
        // Early versions of the API gave function responses a role of their own.
        case "user", "function", "tool": isModel = false
        default: throw GeminiErrors.invalidArgument("Please use a valid role: user, model.", param: content.path(of: "role"))
        }
        let parts = try content.objects("parts")
        guard !parts.isEmpty else { throw content.invalid(content.path(of: "parts"), "contents.parts must not be empty.") }

        var contentParts: [ContentPart] = []
        var toolCalls: [ToolCall] = []
        var toolResults: [Message] = []
        for (index, part) in parts.enumerated() {
            if let text = try part.string("text") {
                contentParts.append(try part.bool("thought") == true ? .other(type: "thought", value: .object(part.members)) : .text(text))
            } else if isModel, let call = try part.object("functionCall") {
                toolCalls.append(try toolCall(call, fallbackID: "call_\(turn)_\(index)"))
            } else if !isModel, let response = try part.object("functionResponse") {
                toolResults.append(try toolResult(response))
            } else if let inline = try part.object("inlineData") {
                let mimeType = try inline.string("mimeType") ?? ""
                let data = try inline.string("data") ?? ""
                contentParts.append(
                    mimeType.hasPrefix("image/")
                        ? .image(url: "data:\(mimeType);base64,\(data)") : .other(type: "inline_data", value: .object(inline.members)))
            } else if let file = try part.object("fileData") {
                let mimeType = try file.string("mimeType") ?? ""
                let uri = try file.string("fileUri") ?? ""
                contentParts.append(
                    mimeType.hasPrefix("image/") ? .image(url: uri) : .other(type: "file_data", value: .object(file.members)))
            } else {
                let type = part.members.keys.sorted().first.map(GeminiObject.protoName) ?? "part"
                contentParts.append(.other(type: type, value: .object(part.members)))
            }
        }
        messages += toolResults
        if !contentParts.isEmpty || !toolCalls.isEmpty || toolResults.isEmpty {
            messages.append(Message(role: isModel ? .assistant : .user, content: contentParts, toolCalls: toolCalls))
        }
    }

    private mutating func toolCall(_ call: GeminiObject, fallbackID: String) throws(ReplyError) -> ToolCall {
        guard let name = try call.string("name") else { throw call.invalid(call.path(of: "name"), "Name cannot be empty.") }
        let arguments = try call.object("args")?.members ?? [:]
        let id = try call.string("id") ?? fallbackID
        pendingCalls.append(id: id, name: name)
        return ToolCall(id: id, name: name, arguments: JSONValue.object(arguments).serialized)
    }

    private mutating func toolResult(_ response: GeminiObject) throws(ReplyError) -> Message {
        guard let name = try response.string("name") else {
            throw response.invalid(response.path(of: "name"), "Name cannot be empty.")
        }
        let id = try response.string("id")
        let callID = id.map { pendingCalls.answer(id: $0) ?? $0 } ?? pendingCalls.answer(name: name)
        let result = try response.object("response")?.members ?? [:]
        return Message(role: .tool, content: [.text(Self.resultText(result))], name: name, toolCallID: callID)
    }

    /// A function's result as text: the string itself when the response holds only a `result`,
    /// `output` or `content` string (the Python client sends `{"result": ...}`), else its JSON.
    static func resultText(_ response: [String: JSONValue]) -> String {
        if response.count == 1, let (key, value) = response.first, ["result", "output", "content"].contains(key),
            case .string(let text) = value
        {
            return text
        }
        return JSONValue.object(response).serialized
    }
}
