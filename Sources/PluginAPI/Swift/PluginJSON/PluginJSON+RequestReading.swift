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
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes, maximumDepth: maximumDepth)
        } catch {
            throw PluginJSONError(message: error.message)
        }
        let request = try MemberReader(document, path: "")
        var messages: [Message] = []
        for (index, message) in try request.array("messages").enumerated() {
            messages.append(try Self.message(message, path: "messages[\(index)]"))
        }
        var headers: [Header] = []
        for (index, header) in try (request.optionalArray("headers") ?? []).enumerated() {
            let fields = try MemberReader(header, path: "headers[\(index)]")
            headers.append(Header(name: try fields.string("name"), value: try fields.string("value")))
        }
        return CanonicalRequest(
            operation: try request.string("operation"),
            model: try request.string("model"),
            messages: messages,
            tools: try request.decoded("tools", [ToolDefinition].self, common: (.array([]), [])) ?? [],
            toolChoice: try request.decoded("tool_choice", ToolChoice.self, common: Common.toolChoice) ?? .auto,
            responseFormat: try request.decoded("response_format", ResponseFormat.self, common: Common.responseFormat) ?? .text,
            sampling: try request.decoded("sampling", SamplingParameters.self, common: Common.sampling) ?? SamplingParameters(),
            choiceCount: try request.optionalInteger("n") ?? 1,
            stream: try request.optionalBool("stream") ?? false,
            includeUsage: try request.optionalBool("include_usage") ?? false,
            mockResponse: try request.optionalString("mock_response"),
            user: try request.optionalString("user"),
            body: request.members["body"] ?? .null,
            headers: headers,
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
        let fields = try MemberReader(value, path: path)
        let roleName = try fields.string("role")
        guard let role = Message.Role(rawValue: roleName) else {
            throw PluginJSONError(message: "Cannot initialize Role from invalid String value \(roleName) at \(path).role")
        }
        var content: [ContentPart] = []
        for (index, part) in try fields.array("content").enumerated() {
            content.append(try contentPart(part, path: "\(path).content[\(index)]"))
        }
        var toolCalls: [ToolCall] = []
        for (index, call) in try (fields.optionalArray("tool_calls") ?? []).enumerated() {
            let call = try MemberReader(call, path: "\(path).tool_calls[\(index)]")
            toolCalls.append(ToolCall(id: try call.string("id"), name: try call.string("name"), arguments: try call.string("arguments")))
        }
        return Message(
            role: role, content: content, name: try fields.optionalString("name"), toolCalls: toolCalls,
            toolCallID: try fields.optionalString("tool_call_id"))
    }

    /// The forms `ContentPart.init(from:)` reads: a part whose `value` is there is another kind,
    /// whatever its type's name.
    private static func contentPart(_ value: JSONValue, path: String) throws(PluginJSONError) -> ContentPart {
        let fields = try MemberReader(value, path: path)
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

/// The members of one JSON object of a canonical request, read as `JSONValueDecoder` reads
/// them: a required member that is absent is `missing`, one of the wrong type (null included)
/// is a `wrong type`; an optional member that is absent or null is `nil`.
private struct MemberReader {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws(PluginJSONError) {
        guard case .object(let members) = value else {
            throw PluginJSONError(
                message: "wrong type at \(path.isEmpty ? "the top level" : path): expected an object, found \(value.typeName)")
        }
        self.members = members
        self.path = path
    }

    private func place(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func required(_ key: String) throws(PluginJSONError) -> JSONValue {
        guard let value = members[key] else { throw PluginJSONError(message: "missing \(place(key))") }
        return value
    }

    private func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    private func mismatch(_ key: String, _ expected: String, _ value: JSONValue) -> PluginJSONError {
        PluginJSONError(message: "wrong type at \(place(key)): expected \(expected), found \(value.typeName)")
    }

    func string(_ key: String) throws(PluginJSONError) -> String {
        let value = try required(key)
        guard case .string(let text) = value else { throw mismatch(key, "a string", value) }
        return text
    }

    func optionalString(_ key: String) throws(PluginJSONError) -> String? {
        guard let value = optional(key) else { return nil }
        guard case .string(let text) = value else { throw mismatch(key, "a string", value) }
        return text
    }

    func array(_ key: String) throws(PluginJSONError) -> [JSONValue] {
        let value = try required(key)
        guard case .array(let elements) = value else { throw mismatch(key, "an array", value) }
        return elements
    }

    func optionalArray(_ key: String) throws(PluginJSONError) -> [JSONValue]? {
        guard let value = optional(key) else { return nil }
        guard case .array(let elements) = value else { throw mismatch(key, "an array", value) }
        return elements
    }

    func optionalBool(_ key: String) throws(PluginJSONError) -> Bool? {
        guard let value = optional(key) else { return nil }
        guard case .bool(let flag) = value else { throw mismatch(key, "a boolean", value) }
        return flag
    }

    func optionalInteger(_ key: String) throws(PluginJSONError) -> Int? {
        guard let value = optional(key) else { return nil }
        let exact: Int?
        switch value {
        case .integer(let number): exact = Int(exactly: number)
        case .number(let number): exact = Int(exactly: number)
        default: throw mismatch(key, "an integer", value)
        }
        guard let exact else { throw mismatch(key, "an integer that fits Int", value) }
        return exact
    }

    /// An optional member through its `Decodable` form, unless it is the `common` value.
    func decoded<Value: Decodable>(_ key: String, _ type: Value.Type, common: (JSONValue, Value)) throws(PluginJSONError) -> Value? {
        guard let value = optional(key) else { return nil }
        if value == common.0 { return common.1 }
        return try PluginJSON.decode(type, from: value, at: place(key))
    }
}
