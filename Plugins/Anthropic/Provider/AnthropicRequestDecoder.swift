import LyrebirdPluginAPI

/// Reads a Messages request body (wire-format.md §8.1) into the canonical model. Problems are
/// 400s worded as Anthropic words them: `<param path>: <what is wrong>`.
package enum AnthropicRequestDecoder {
    /// - Parameter countOnly: Whether the body is a token count's, which has no `max_tokens` or
    ///   `stream`.
    static func decode(_ request: WireRequest, operation: String, countOnly: Bool) throws(ReplyError) -> CanonicalRequest {
        try decode(RequestFields(parsing: request.body), headers: request.headers, operation: operation, countOnly: countOnly)
    }

    /// Decodes a body already parsed.
    ///
    /// - Parameter pathModel: The model when something other than the body names it (Bedrock's
    ///   path, whose Anthropic bodies carry no `model`); `nil` reads the body's required `model`.
    package static func decode(
        _ fields: RequestFields, headers: [Header], operation: String, countOnly: Bool, model pathModel: String? = nil
    ) throws(ReplyError) -> CanonicalRequest {
        let model: String
        if let pathModel {
            model = pathModel
        } else {
            model = try string(required(fields, "model"), "model")
        }
        var maxTokens: Int?
        if !countOnly {
            maxTokens = try integer(required(fields, "max_tokens"), "max_tokens", minimum: 1)
        }
        var messages: [Message] = []
        if let system = fields["system"] {
            messages.append(Message(role: .system, text: try systemText(system)))
        }
        let items = try array(required(fields, "messages"), "messages")
        guard !items.isEmpty else { throw invalid("messages", "at least one message is required") }
        for (index, item) in items.enumerated() {
            messages += try decodeMessage(item, param: "messages.\(index)")
        }
        let stream = countOnly ? false : try fields["stream"].map { value throws(ReplyError) in try bool(value, "stream") } ?? false
        var stops: [String] = []
        if let value = fields["stop_sequences"] {
            for (index, element) in try array(value, "stop_sequences").enumerated() {
                stops.append(try string(element, "stop_sequences.\(index)"))
            }
        }
        let thinks = try checkThinking(fields["thinking"], maxTokens: maxTokens)
        let toolChoice = try decodeToolChoice(fields["tool_choice"])
        if thinks && toolChoice.forcesCall {
            // Forced tool use prefills the reply, which leaves a thinking model no room to think.
            throw ReplyError(status: 400, message: forcedToolWhileThinking, type: "invalid_request_error", param: "tool_choice")
        }
        return CanonicalRequest(
            operation: operation,
            model: model,
            messages: messages,
            tools: try decodeTools(fields["tools"]),
            toolChoice: toolChoice,
            responseFormat: try decodeOutputFormat(fields),
            sampling: SamplingParameters(
                temperature: try fields["temperature"].map { value throws(ReplyError) in try number(value, "temperature", in: 0...1) },
                topP: try fields["top_p"].map { value throws(ReplyError) in try number(value, "top_p", in: 0...1) },
                maxTokens: maxTokens,
                stop: stops),
            stream: stream,
            // Anthropic always reports usage, streamed or not.
            includeUsage: true,
            mockResponse: try fields["mock_response"].map { value throws(ReplyError) in try string(value, "mock_response") },
            user: fields["metadata"]?["user_id"]?.stringValue,
            body: fields.body,
            headers: headers
        )
    }

    // MARK: Messages

    private static func decodeMessage(_ value: JSONValue, param: String) throws(ReplyError) -> [Message] {
        guard case .object(let members) = value else { throw wrongType(param, "a valid dictionary") }
        let roleName = try string(members["role"] ?? .null, "\(param).role", required: true)
        let role: Message.Role
        switch roleName {
        case "user": role = .user
        case "assistant": role = .assistant
        default: throw invalid("\(param).role", "Input should be 'user' or 'assistant'")
        }
        guard let content = members["content"], !content.isNull else { throw missing("\(param).content") }
        if case .string(let text) = content { return [Message(role: role, text: text)] }
        let blocks = try array(content, "\(param).content")

        var parts: [ContentPart] = []
        var toolCalls: [ToolCall] = []
        var toolResults: [Message] = []
        for (index, block) in blocks.enumerated() {
            let blockParam = "\(param).content.\(index)"
            guard case .object(let fields) = block else { throw wrongType(blockParam, "a valid dictionary") }
            let type = try string(fields["type"] ?? .null, "\(blockParam).type", required: true)
            switch type {
            case "text":
                parts.append(.text(try string(fields["text"] ?? .null, "\(blockParam).text", required: true)))
            case "image":
                parts.append(.image(url: imageURL(fields["source"])))
            case "tool_use" where role == .assistant:
                toolCalls.append(
                    ToolCall(
                        id: try string(fields["id"] ?? .null, "\(blockParam).id", required: true),
                        name: try string(fields["name"] ?? .null, "\(blockParam).name", required: true),
                        arguments: (fields["input"] ?? .object([:])).serialized))
            case "tool_result" where role == .user:
                toolResults.append(
                    Message(
                        role: .tool, content: [.text(resultText(fields["content"]))],
                        toolCallID: try string(fields["tool_use_id"] ?? .null, "\(blockParam).tool_use_id", required: true)))
            default:
                parts.append(.other(type: type, value: block))
            }
        }
        var result = toolResults
        if !parts.isEmpty || !toolCalls.isEmpty || toolResults.isEmpty {
            result.append(Message(role: role, content: parts, toolCalls: toolCalls))
        }
        return result
    }

    private static func systemText(_ value: JSONValue) throws(ReplyError) -> String {
        if case .string(let text) = value { return text }
        var texts: [String] = []
        for (index, block) in try array(value, "system").enumerated() {
            texts.append(try string(block["text"] ?? .null, "system.\(index).text", required: true))
        }
        return texts.joined(separator: "\n")
    }

    /// The text of a `tool_result`'s content: a string, or its text blocks joined.
    private static func resultText(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text): return text
        case .array(let blocks): return blocks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        default: return ""
        }
    }

    /// A URL for an image source: the URL itself, or a `data:` URL for base64 data.
    private static func imageURL(_ source: JSONValue?) -> String {
        if let url = source?["url"]?.stringValue { return url }
        let mediaType = source?["media_type"]?.stringValue ?? "application/octet-stream"
        return "data:\(mediaType);base64,\(source?["data"]?.stringValue ?? "")"
    }

    // MARK: Tools

    private static func decodeTools(_ value: JSONValue?) throws(ReplyError) -> [ToolDefinition] {
        guard let value else { return [] }
        var tools: [ToolDefinition] = []
        for (index, item) in try array(value, "tools").enumerated() {
            let param = "tools.\(index)"
            guard case .object(let fields) = item else { throw wrongType(param, "a valid dictionary") }
            tools.append(
                ToolDefinition(
                    name: try string(fields["name"] ?? .null, "\(param).name", required: true),
                    description: fields["description"]?.stringValue,
                    parameters: fields["input_schema"]))
        }
        return tools
    }

    private static func decodeToolChoice(_ value: JSONValue?) throws(ReplyError) -> ToolChoice {
        guard let value else { return .auto }
        let type = try string(value["type"] ?? .null, "tool_choice.type", required: true)
        switch type {
        case "auto": return .auto
        case "any": return .required
        case "none": return .none
        case "tool": return .function(name: try string(value["name"] ?? .null, "tool_choice.name", required: true))
        default: throw invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'")
        }
    }

    /// Claude's answer to thinking with a forced tool, which Bedrock passes on too.
    package static let forcedToolWhileThinking = "Thinking may not be enabled when tool_choice forces tool use."

    // MARK: Thinking and output format

    /// `thinking`: `enabled` with a `budget_tokens` of at least 1,024 and less than `max_tokens`,
    /// `adaptive`, or `disabled`; `display` is `summarized` or `omitted`. Whether thinking is on.
    /// Bedrock's Converse checks the `thinking` it passes on to Claude with it too.
    @discardableResult
    package static func checkThinking(_ value: JSONValue?, maxTokens: Int?) throws(ReplyError) -> Bool {
        guard let value else { return false }
        guard case .object = value else { throw wrongType("thinking", "a valid dictionary") }
        let type = try string(value["type"] ?? .null, "thinking.type", required: true)
        switch type {
        case "enabled":
            let budget = try integer(value["budget_tokens"] ?? .null, "thinking.budget_tokens", minimum: 1024)
            if let maxTokens, budget >= maxTokens {
                throw invalid("max_tokens", "`max_tokens` must be greater than `thinking.budget_tokens`")
            }
        case "adaptive", "disabled":
            break
        default:
            throw invalid("thinking.type", "Input should be 'enabled', 'adaptive' or 'disabled'")
        }
        if let display = value["display"], !display.isNull {
            let text = try string(display, "thinking.display")
            guard text == "summarized" || text == "omitted" else {
                throw invalid("thinking.display", "Input should be 'summarized' or 'omitted'")
            }
        }
        return type != "disabled"
    }

    /// `output_config.format`, or the beta's `output_format`: `{type: json_schema, schema}`.
    private static func decodeOutputFormat(_ fields: RequestFields) throws(ReplyError) -> ResponseFormat {
        let param: String
        let format: JSONValue
        if let config = fields["output_config"], !config.isNull {
            guard case .object = config else { throw wrongType("output_config", "a valid dictionary") }
            guard let value = config["format"], !value.isNull else { return .text }
            (param, format) = ("output_config.format", value)
        } else if let value = fields["output_format"], !value.isNull {
            (param, format) = ("output_format", value)
        } else {
            return .text
        }
        guard case .object = format else { throw wrongType(param, "a valid dictionary") }
        let type = try string(format["type"] ?? .null, "\(param).type", required: true)
        guard type == "json_schema" else { throw invalid("\(param).type", "Input should be 'json_schema'") }
        guard let schema = format["schema"], case .object = schema else { throw missing("\(param).schema") }
        return .jsonSchema(name: "output", schema: schema)
    }

    // MARK: Values

    private static func required(_ fields: RequestFields, _ key: String) throws(ReplyError) -> JSONValue {
        guard let value = fields[key] else { throw missing(key) }
        return value
    }

    private static func string(_ value: JSONValue, _ param: String, required: Bool = false) throws(ReplyError) -> String {
        if required && value.isNull { throw missing(param) }
        guard case .string(let text) = value else { throw wrongType(param, "a valid string") }
        return text
    }

    private static func bool(_ value: JSONValue, _ param: String) throws(ReplyError) -> Bool {
        guard case .bool(let flag) = value else { throw wrongType(param, "a valid boolean") }
        return flag
    }

    private static func integer(_ value: JSONValue, _ param: String, minimum: Int) throws(ReplyError) -> Int {
        guard value.boolValue == nil, let number = value.intValue else { throw wrongType(param, "a valid integer") }
        guard number >= minimum else { throw invalid(param, "Input should be greater than or equal to \(minimum)") }
        return number
    }

    private static func number(_ value: JSONValue, _ param: String, in range: ClosedRange<Double>) throws(ReplyError) -> Double {
        guard value.boolValue == nil, let number = value.doubleValue else { throw wrongType(param, "a valid number") }
        guard range.contains(number) else {
            throw invalid(param, "Input should be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    private static func array(_ value: JSONValue, _ param: String) throws(ReplyError) -> [JSONValue] {
        guard case .array(let elements) = value else { throw wrongType(param, "a valid list") }
        return elements
    }

    // MARK: Errors

    private static func missing(_ param: String) -> ReplyError { invalid(param, "Field required") }

    private static func wrongType(_ param: String, _ expected: String) -> ReplyError { invalid(param, "Input should be \(expected)") }

    private static func invalid(_ param: String, _ message: String) -> ReplyError {
        ReplyError(status: 400, message: "\(param): \(message)", type: "invalid_request_error", param: param)
    }
}
