import LyrebirdPluginAPI

/// A part of a request that conditions test as text. Some parts hold one text (the model),
/// others several (every message, every declared tool): a condition on those passes when any
/// one of their texts does.
public enum MatchField: Hashable, Sendable {
    /// The model id.
    case model
    /// The text of the last user message.
    case user
    /// System and developer instructions, joined by newlines.
    case system
    /// The text of the last message, whatever its role.
    case lastMessage
    /// The text of messages with `role` (any role when `nil`); with `fromEnd`, only the message
    /// that many places before the last among them (0 is the last).
    case message(role: Message.Role?, fromEnd: Int?)
    /// The names of the tools the request declares.
    case toolNames
    /// The tool choice: `none`, `auto`, `required`, or the name of the function it forces.
    case toolChoice
    /// The content of tool results (messages with the role `tool`).
    case toolResult
    /// The call ids tool results answer.
    case toolResultCallID
    /// The names of the tools that tool results answer: the result's own name, or the name of
    /// the call with its id.
    case toolResultName
    /// The route's operation: `chat.completions`, `responses`, `embeddings`, `completions`,
    /// `messages`, `generateContent`, any plugin's.
    case endpoint
    /// A request header, by its lower-cased name.
    case header(String)
    /// The value at a path in the request body: strings as they are, other values as JSON.
    case body(JSONPath)
    /// The response format asked for: `text`, `json_object` or `json_schema`.
    case responseFormat
    /// The context id that keeps parallel tests apart (`CanonicalRequest.contextID`).
    case context

    /// The texts of this part of `request`.
    func values(of request: CanonicalRequest) -> [String] {
        switch self {
        case .model: return [request.model]
        case .user: return [request.lastUserText]
        case .system: return [request.systemText]
        case .lastMessage: return request.messages.last.map { [$0.text] } ?? []
        case .message(let role, let fromEnd):
            let messages = role.map { role in request.messages.filter { $0.role == role } } ?? request.messages
            guard let fromEnd else { return messages.map(\.text) }
            guard fromEnd >= 0, fromEnd < messages.count else { return [] }
            return [messages[messages.count - 1 - fromEnd].text]
        case .toolNames: return request.tools.map(\.name)
        case .toolChoice:
            switch request.toolChoice {
            case .none: return ["none"]
            case .auto: return ["auto"]
            case .required: return ["required"]
            case .function(let name): return [name]
            }
        case .toolResult: return request.messages.filter { $0.role == .tool }.map(\.text)
        case .toolResultCallID: return request.messages.compactMap { $0.role == .tool ? $0.toolCallID : nil }
        case .toolResultName: return Self.answeredToolNames(request.messages)
        case .endpoint: return [request.operation]
        case .header(let name): return request.headers.filter { $0.name == name }.map(\.value)
        case .body(let path):
            guard let value = path.value(in: request.body) else { return [] }
            return [value.stringValue ?? value.serialized]
        case .responseFormat:
            switch request.responseFormat {
            case .text: return ["text"]
            case .jsonObject: return ["json_object"]
            case .jsonSchema: return ["json_schema"]
            }
        case .context: return [request.contextID]
        }
    }

    /// The field in the words fixtures use, for explanations.
    var name: String {
        switch self {
        case .model: return "model"
        case .user: return "user"
        case .system: return "system"
        case .lastMessage: return "last_message"
        case .message(let role, let fromEnd):
            let roleName = role.map { " (role \($0.rawValue))" } ?? ""
            let index = fromEnd.map { ", index \($0) from the end" } ?? ""
            return "message\(roleName)\(index)"
        case .toolNames: return "tools"
        case .toolChoice: return "tool_choice"
        case .toolResult: return "tool_result"
        case .toolResultCallID: return "tool_result.call_id"
        case .toolResultName: return "tool_result.name"
        case .endpoint: return "endpoint"
        case .header(let name): return "header \(name)"
        case .body(let path): return "body \(path.source)"
        case .responseFormat: return "response_format"
        case .context: return "context"
        }
    }

    /// The tool names the tool results in `messages` answer, found through an index of calls by
    /// id, so that a long conversation costs its length once. A result answers a call made
    /// before it: calls a tool message carries itself are indexed only after it is named.
    private static func answeredToolNames(_ messages: [Message]) -> [String] {
        var callNames: [String: String] = [:]
        var names: [String] = []
        for message in messages {
            if message.role == .tool, let name = message.name ?? message.toolCallID.flatMap({ callNames[$0] }) { names.append(name) }
            for call in message.toolCalls { callNames[call.id] = call.name }
        }
        return names
    }
}
