import LyrebirdPluginAPI

/// Reads a chat completions request body into the canonical model, naming the parameter at
/// fault for anything missing or mistyped.
enum ChatCompletionsRequestDecoder {
    static let roles = ["system", "assistant", "user", "function", "tool", "developer"]

    static func decode(_ request: WireRequest, operation: String) throws(ReplyError) -> CanonicalRequest {
        let fields = try RequestFields(parsing: request.body)
        let model = try AzureOpenAI.model(of: request, fields: fields)
        let rawMessages = try fields.requiredArray("messages")
        guard !rawMessages.isEmpty else {
            throw ReplyError.invalidParameter(
                "messages", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                code: "empty_array"
            )
        }
        var messages: [Message] = []
        for (index, value) in rawMessages.enumerated() {
            messages.append(try decodeMessage(value, param: "messages[\(index)]"))
        }

        let streaming = try StreamRequest(fields)
        let stream = streaming.stream
        let includeUsage = streaming.includeUsage

        let maxCompletionTokens = try fields.integer("max_completion_tokens", in: 1...Int(Int32.max))
        let legacyMaxTokens = try fields.integer("max_tokens", in: 1...Int(Int32.max))
        let sampling = SamplingParameters(
            temperature: try fields.number("temperature", in: 0...2),
            topP: try fields.number("top_p", in: 0...1),
            maxTokens: maxCompletionTokens ?? legacyMaxTokens,
            stop: try fields.stringList("stop"),
            seed: try fields.integer("seed", in: Int.min...Int.max)
        )
        _ = try fields.number("frequency_penalty", in: -2...2)
        _ = try fields.number("presence_penalty", in: -2...2)
        try validateLogprobs(fields)

        return CanonicalRequest(
            operation: operation,
            model: model,
            messages: messages,
            tools: try decodeTools(fields),
            toolChoice: try decodeToolChoice(fields),
            responseFormat: try decodeResponseFormat(fields),
            sampling: sampling,
            choiceCount: try fields.integer("n", in: 1...128) ?? 1,
            stream: stream,
            includeUsage: includeUsage,
            mockResponse: try fields.string("mock_response"),
            user: try fields.string("user"),
            body: fields.body,
            headers: request.headers
        )
    }

    /// How many `top_logprobs` a request asks for per token, or `nil` when it asks for no
    /// log probabilities. The decoder has checked both fields.
    static func requestedLogprobs(_ request: CanonicalRequest) -> Int? {
        guard request.body["logprobs"]?.boolValue == true else { return nil }
        return request.body["top_logprobs"]?.intValue ?? 0
    }

    private static func validateLogprobs(_ fields: RequestFields) throws(ReplyError) {
        let logprobs = try fields.bool("logprobs") ?? false
        let top = try fields.integer("top_logprobs", in: 0...20)
        guard top != nil, !logprobs else { return }
        throw ReplyError.invalidParameter(
            "top_logprobs", "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is given.",
            code: "invalid_value")
    }

    private static func decodeMessage(_ value: JSONValue, param: String) throws(ReplyError) -> Message {
        let object = try RequestFields.object(value, param: param)
        let roleName = try RequestFields.string(try RequestFields.required(object, "role", param: param), param: "\(param).role")
        let role: Message.Role
        switch roleName {
        case "function": role = .tool
        default:
            guard let known = Message.Role(rawValue: roleName) else {
                throw RequestFields.invalidValue("\(param).role", roleName, supported: roles)
            }
            role = known
        }

        var content: [ContentPart] = []
        switch object["content"] ?? .null {
        case .null:
            guard role == .assistant else { throw RequestFields.missing("\(param).content") }
        case .string(let text):
            content = [.text(text)]
        case .array(let parts):
            for (index, part) in parts.enumerated() {
                content.append(try decodePart(part, param: "\(param).content[\(index)]"))
            }
        case let other:
            throw RequestFields.wrongType("\(param).content", expected: "a string or an array of content parts", got: other)
        }

        var toolCalls: [ToolCall] = []
        if let rawCalls = object["tool_calls"], !rawCalls.isNull {
            for (index, rawCall) in try RequestFields.array(rawCalls, param: "\(param).tool_calls").enumerated() {
                let callParam = "\(param).tool_calls[\(index)]"
                let call = try RequestFields.object(rawCall, param: callParam)
                let function = try RequestFields.object(
                    try RequestFields.required(call, "function", param: callParam), param: "\(callParam).function")
                toolCalls.append(
                    ToolCall(
                        id: try RequestFields.string(try RequestFields.required(call, "id", param: callParam), param: "\(callParam).id"),
                        name: try RequestFields.string(
                            try RequestFields.required(function, "name", param: "\(callParam).function"),
                            param: "\(callParam).function.name"),
                        arguments: try RequestFields.string(
                            function["arguments"] ?? .string("{}"), param: "\(callParam).function.arguments")
                    )
                )
            }
        }

        var toolCallID: String?
        if role == .tool && roleName == "tool" {
            toolCallID = try RequestFields.string(
                try RequestFields.required(object, "tool_call_id", param: param), param: "\(param).tool_call_id")
        }
        let name = try object["name"].flatMap { value throws(ReplyError) in
            value.isNull ? nil : try RequestFields.string(value, param: "\(param).name")
        }
        return Message(role: role, content: content, name: name, toolCalls: toolCalls, toolCallID: toolCallID)
    }

    private static func decodePart(_ value: JSONValue, param: String) throws(ReplyError) -> ContentPart {
        let part = try RequestFields.object(value, param: param)
        let type = try RequestFields.string(try RequestFields.required(part, "type", param: param), param: "\(param).type")
        switch type {
        case "text":
            return .text(try RequestFields.string(try RequestFields.required(part, "text", param: param), param: "\(param).text"))
        case "image_url":
            let image = try RequestFields.object(try RequestFields.required(part, "image_url", param: param), param: "\(param).image_url")
            return .image(
                url: try RequestFields.string(
                    try RequestFields.required(image, "url", param: "\(param).image_url"), param: "\(param).image_url.url"))
        case "input_audio", "file", "refusal":
            return .other(type: type, value: value)
        default:
            throw RequestFields.invalidValue("\(param).type", type, supported: ["text", "image_url", "input_audio", "file", "refusal"])
        }
    }

    private static func decodeTools(_ fields: RequestFields) throws(ReplyError) -> [ToolDefinition] {
        guard let rawTools = fields["tools"] else { return [] }
        var tools: [ToolDefinition] = []
        for (index, rawTool) in try RequestFields.array(rawTools, param: "tools").enumerated() {
            let param = "tools[\(index)]"
            let tool = try RequestFields.object(rawTool, param: param)
            let type = try RequestFields.string(tool["type"] ?? .string("function"), param: "\(param).type")
            switch type {
            case "function":
                let function = try RequestFields.object(
                    try RequestFields.required(tool, "function", param: param), param: "\(param).function")
                let name = try RequestFields.string(
                    try RequestFields.required(function, "name", param: "\(param).function"), param: "\(param).function.name")
                let description = try function["description"].flatMap { value throws(ReplyError) in
                    value.isNull ? nil : try RequestFields.string(value, param: "\(param).function.description")
                }
                tools.append(ToolDefinition(name: name, description: description, parameters: function["parameters"]))
            case "custom":
                let custom = try RequestFields.object(try RequestFields.required(tool, "custom", param: param), param: "\(param).custom")
                let name = try RequestFields.string(
                    try RequestFields.required(custom, "name", param: "\(param).custom"), param: "\(param).custom.name")
                tools.append(ToolDefinition(name: name, description: custom["description"]?.stringValue))
            default:
                throw RequestFields.invalidValue("\(param).type", type, supported: ["function", "custom"])
            }
        }
        return tools
    }

    private static func decodeToolChoice(_ fields: RequestFields) throws(ReplyError) -> ToolChoice {
        guard let value = fields["tool_choice"] else { return .auto }
        switch value {
        case .string(let mode): return try ToolChoice(openAIMode: mode)
        case .object(let object):
            if let function = object["function"]?.objectValue, let name = function["name"]?.stringValue {
                return .function(name: name)
            }
            if object["type"]?.stringValue == "allowed_tools" {
                let allowed = try RequestFields.object(
                    try RequestFields.required(object, "allowed_tools", param: "tool_choice"), param: "tool_choice.allowed_tools")
                let mode = try RequestFields.string(
                    try RequestFields.required(allowed, "mode", param: "tool_choice.allowed_tools"),
                    param: "tool_choice.allowed_tools.mode")
                let tools = try RequestFields.array(
                    try RequestFields.required(allowed, "tools", param: "tool_choice.allowed_tools"),
                    param: "tool_choice.allowed_tools.tools")
                let names = tools.compactMap { $0.objectValue?["function"]?.objectValue?["name"]?.stringValue }
                return try ToolChoice(openAIAllowedMode: mode, functionNames: names, param: "tool_choice.allowed_tools")
            }
            throw RequestFields.missing("tool_choice.function.name")
        default:
            throw RequestFields.wrongType("tool_choice", expected: "a string or an object", got: value)
        }
    }

    private static func decodeResponseFormat(_ fields: RequestFields) throws(ReplyError) -> ResponseFormat {
        guard let format = try fields.object("response_format") else { return .text }
        let type = try RequestFields.string(
            try RequestFields.required(format, "type", param: "response_format"), param: "response_format.type")
        switch type {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            let schema = try RequestFields.object(
                try RequestFields.required(format, "json_schema", param: "response_format"), param: "response_format.json_schema")
            let name = try RequestFields.string(
                try RequestFields.required(schema, "name", param: "response_format.json_schema"), param: "response_format.json_schema.name")
            return .jsonSchema(name: name, schema: schema["schema"])
        default:
            throw RequestFields.invalidValue("response_format.type", type, supported: ["text", "json_object", "json_schema"])
        }
    }
}
