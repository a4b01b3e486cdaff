extension PluginJSON {
    /// Reads a canonical request from the JSON that crosses the plugin ABI: the counterpart of
    /// ``requestBytes(_:)``, and the same reading as `decode(CanonicalRequest.self, from:)`, with
    /// the same defaults for absent members and the same error messages.
    ///
    /// Read member by member rather than through `Decodable`: a provider plugin's request crosses
    /// the ABI twice (decoded, then handed back with its reply), and the generic decoder's
    /// containers cost more than the rest of such a request. The rarely set members (tools, tool
    /// choice, response format, sampling, reply kind) still go through their `Decodable` forms.
    public static func request(from bytes: some Collection<UInt8>) throws(PluginJSONError) -> CanonicalRequest {
        let document = try parse(bytes)
        // Members are read in the order the `Decodable` form reads them, so that a request with
        // several faults is refused for the same one.
        let request = try PluginJSONMemberReader(document, path: "")
        let operation = try request.string("operation")
        let model = try request.string("model")
        var messages: [Message] = []
        for (index, message) in try request.array("messages").enumerated() {
            messages.append(try Self.message(message, path: "messages[\(index)]"))
        }
        let tools = try request.decoded("tools", [ToolDefinition].self, common: (.array([]), [])) ?? []
        let toolChoice = try request.decoded("tool_choice", ToolChoice.self, common: Common.toolChoice) ?? .auto
        let responseFormat = try request.decoded("response_format", ResponseFormat.self, common: Common.responseFormat) ?? .text
        let sampling = try request.decoded("sampling", SamplingParameters.self, common: Common.sampling) ?? SamplingParameters()
        let choiceCount = try request.optionalInteger("n") ?? 1
        let stream = try request.optionalBool("stream") ?? false
        let includeUsage = try request.optionalBool("include_usage") ?? false
        let mockResponse = try request.optionalString("mock_response")
        let user = try request.optionalString("user")
        var headers: [Header] = []
        for (index, header) in try (request.optionalArray("headers") ?? []).enumerated() {
            let fields = try PluginJSONMemberReader(header, path: "headers[\(index)]")
            headers.append(Header(name: try fields.string("name"), value: try fields.string("value")))
        }
        return CanonicalRequest(
            operation: operation, model: model, messages: messages, tools: tools, toolChoice: toolChoice, responseFormat: responseFormat,
            sampling: sampling, choiceCount: choiceCount, stream: stream, includeUsage: includeUsage, mockResponse: mockResponse,
            user: user, body: request.members["body"] ?? .null, headers: headers,
            replyKind: try request.decoded("reply_kind", ReplyKind.self, common: Common.replyKind) ?? .message)
    }

    /// The JSON of the values most requests have, with the values, parsed once.
    private enum Common {
        static let toolChoice = pair(ToolChoice.auto)
        static let responseFormat = pair(ResponseFormat.text)
        static let sampling = pair(SamplingParameters())
        static let replyKind = pair(ReplyKind.message)

        private static func pair<Value: Codable>(_ value: Value) -> (JSONValue, Value) {
            ((try? JSONValue.parse(encode(value))) ?? .null, value)
        }
    }

    private static func message(_ value: JSONValue, path: String) throws(PluginJSONError) -> Message {
        let fields = try PluginJSONMemberReader(value, path: path)
        let roleName = try fields.string("role")
        guard let role = Message.Role(rawValue: roleName) else {
            throw PluginJSONError(message: "Cannot initialize Role from invalid String value \(roleName) at \(path).role")
        }
        var content: [ContentPart] = []
        for (index, part) in try fields.array("content").enumerated() {
            content.append(try contentPart(part, path: "\(path).content[\(index)]"))
        }
        let name = try fields.optionalString("name")
        var toolCalls: [ToolCall] = []
        for (index, call) in try (fields.optionalArray("tool_calls") ?? []).enumerated() {
            toolCalls.append(try toolCall(call, path: "\(path).tool_calls[\(index)]"))
        }
        return Message(
            role: role, content: content, name: name, toolCalls: toolCalls, toolCallID: try fields.optionalString("tool_call_id"))
    }

    /// `{"id", "name", "arguments"}`, all required.
    static func toolCall(_ value: JSONValue, path: String) throws(PluginJSONError) -> ToolCall {
        let call = try PluginJSONMemberReader(value, path: path)
        return ToolCall(id: try call.string("id"), name: try call.string("name"), arguments: try call.string("arguments"))
    }

    /// The forms `ContentPart.init(from:)` reads: a part whose `value` is there is another kind,
    /// whatever its type's name.
    private static func contentPart(_ value: JSONValue, path: String) throws(PluginJSONError) -> ContentPart {
        let fields = try PluginJSONMemberReader(value, path: path)
        let type = try fields.string("type")
        let other = fields.members["value"]
        switch type {
        case "text" where other == nil: return .text(try fields.string("text"))
        case "image" where other == nil: return .image(url: try fields.string("url"))
        default:
            guard let other else { throw PluginJSONError(message: "missing \(path).value") }
            return .other(type: type, value: other)
        }
    }
}
