import LyrebirdPluginAPI

/// Reads a `POST /v1/responses` body into the canonical model, naming the parameter at fault in
/// the API's words. Fields the model has no use for are type-checked where the API would
/// refuse them, and otherwise accepted and ignored as the API accepts them.
///
/// The canonical messages are the instructions (a system message), then the conversation of
/// the previous response when `previous_response_id` names one, then the request's own input.
enum ResponsesRequestDecoder {
    static func decode(_ request: WireRequest, operation: String, store: ResponseStore) throws(ReplyError) -> CanonicalRequest {
        let fields = try RequestFields(parsing: request.body)
        // An unknown previous response fails the request before anything else is looked at.
        var items = try previousConversation(fields, store: store)
        let model = try fields.requiredString("model")
        items += try ResponsesInputDecoder.decode(fields["input"])
        var messages: [Message] = []
        if let instructions = try fields.string("instructions") {
            messages.append(Message(role: .system, text: instructions))
        }
        ResponseItem.appendCanonical(items, to: &messages)

        let stream = try StreamRequest(fields).stream
        _ = try fields.bool("store")
        _ = try fields.bool("parallel_tool_calls")
        _ = try fields.bool("background")
        _ = try fields.integer("max_tool_calls", in: 1...Int(Int32.max))
        _ = try fields.integer("top_logprobs", in: 0...20)
        _ = try fields.object("reasoning")
        try checkMetadata(fields)
        if let truncation = try fields.string("truncation"), !["auto", "disabled"].contains(truncation) {
            throw RequestFields.invalidValue("truncation", truncation, supported: ["auto", "disabled"])
        }
        for key in ["service_tier", "prompt_cache_key", "safety_identifier"] { _ = try fields.string(key) }
        _ = try fields.stringList("include")

        let sampling = SamplingParameters(
            temperature: try fields.number("temperature", in: 0...2),
            topP: try fields.number("top_p", in: 0...1),
            maxTokens: try fields.integer("max_output_tokens", in: 16...Int(Int32.max))
        )
        return CanonicalRequest(
            operation: operation,
            model: model,
            messages: messages,
            tools: try decodeTools(fields),
            toolChoice: try decodeToolChoice(fields),
            responseFormat: try decodeTextFormat(fields),
            sampling: sampling,
            stream: stream,
            mockResponse: try fields.string("mock_response"),
            user: try fields.string("user"),
            body: fields.body,
            headers: request.headers
        )
    }

    /// The input and output items of the response `previous_response_id` names, or none.
    private static func previousConversation(_ fields: RequestFields, store: ResponseStore) throws(ReplyError) -> [ResponseItem] {
        let conversation = fields["conversation"]
        guard let previousID = try fields.string("previous_response_id") else {
            if let conversation {
                // This server keeps no conversation objects, so no id can name one.
                let id = conversation.stringValue ?? conversation["id"]?.stringValue ?? conversation.serialized
                throw ReplyError(
                    status: 404, message: "Conversation with id '\(id)' not found.", type: "invalid_request_error", param: "conversation")
            }
            return []
        }
        guard conversation == nil else {
            throw ReplyError.invalidParameter(
                nil, "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
                code: "mutually_exclusive_parameters")
        }
        guard let previous = store.response(previousID) else {
            throw ReplyError(
                status: 404, message: "Previous response with id '\(previousID)' not found.", type: "invalid_request_error",
                param: "previous_response_id", code: "previous_response_not_found")
        }
        return previous.conversation
    }

    /// `metadata`: at most 16 string values, keys up to 64 characters and values up to 512.
    private static func checkMetadata(_ fields: RequestFields) throws(ReplyError) {
        guard let metadata = try fields.object("metadata") else { return }
        guard metadata.count <= 16 else {
            throw ReplyError.invalidParameter(
                "metadata",
                "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with \(metadata.count) properties instead.",
                code: "object_above_max_properties")
        }
        for (key, value) in metadata {
            let param = "metadata.\(key)"
            let text = try RequestFields.string(value, param: param)
            for (what, length, limit) in [("key", key.count, 64), ("string", text.count, 512)] where length > limit {
                throw ReplyError.invalidParameter(
                    param,
                    "Invalid '\(param)': \(what) too long. Expected a \(what) with maximum length \(limit), but got a \(what) with length \(length) instead.",
                    code: what == "key" ? "key_above_max_length" : "string_above_max_length")
            }
        }
    }

    /// Function tools become canonical tools; hosted tools (web search, file search...) are
    /// echoed in the response but cannot be called by a fixture.
    private static func decodeTools(_ fields: RequestFields) throws(ReplyError) -> [ToolDefinition] {
        guard let rawTools = fields["tools"] else { return [] }
        var tools: [ToolDefinition] = []
        for (index, rawTool) in try RequestFields.array(rawTools, param: "tools").enumerated() {
            let param = "tools[\(index)]"
            let tool = try RequestFields.object(rawTool, param: param)
            let type = try RequestFields.string(try RequestFields.required(tool, "type", param: param), param: "\(param).type")
            guard type == "function" else { continue }
            let name = try RequestFields.string(try RequestFields.required(tool, "name", param: param), param: "\(param).name")
            let description = try tool["description"].flatMap { value throws(ReplyError) in
                value.isNull ? nil : try RequestFields.string(value, param: "\(param).description")
            }
            var parameters: JSONValue?
            if let value = tool["parameters"], !value.isNull {
                parameters = .object(try RequestFields.object(value, param: "\(param).parameters"))
            }
            if let strict = tool["strict"], !strict.isNull { _ = try RequestFields.bool(strict, param: "\(param).strict") }
            tools.append(ToolDefinition(name: name, description: description, parameters: parameters))
        }
        return tools
    }

    private static func decodeToolChoice(_ fields: RequestFields) throws(ReplyError) -> ToolChoice {
        guard let value = fields["tool_choice"] else { return .auto }
        switch value {
        case .string(let mode): return try ToolChoice(openAIMode: mode)
        case .object(let choice):
            let type = try RequestFields.string(
                try RequestFields.required(choice, "type", param: "tool_choice"), param: "tool_choice.type")
            switch type {
            case "function":
                return .function(
                    name: try RequestFields.string(
                        try RequestFields.required(choice, "name", param: "tool_choice"), param: "tool_choice.name"))
            case "allowed_tools":
                let mode = try RequestFields.string(
                    try RequestFields.required(choice, "mode", param: "tool_choice"), param: "tool_choice.mode")
                let tools = try RequestFields.array(
                    try RequestFields.required(choice, "tools", param: "tool_choice"), param: "tool_choice.tools")
                let names = tools.compactMap { tool in
                    tool.objectValue.flatMap { $0["type"]?.stringValue == "function" ? $0["name"]?.stringValue : nil }
                }
                return try ToolChoice(openAIAllowedMode: mode, functionNames: names, param: "tool_choice")
            default:
                // A hosted tool the client forces: fixtures cannot call hosted tools.
                return .auto
            }
        default:
            throw RequestFields.wrongType("tool_choice", expected: "a string or an object", got: value)
        }
    }

    /// `text.format`: the JSON Schema fields sit flat inside `format`, unlike chat's nested
    /// `response_format.json_schema`.
    private static func decodeTextFormat(_ fields: RequestFields) throws(ReplyError) -> ResponseFormat {
        guard let text = try fields.object("text") else { return .text }
        if let verbosity = text["verbosity"], !verbosity.isNull {
            let level = try RequestFields.string(verbosity, param: "text.verbosity")
            guard ["low", "medium", "high"].contains(level) else {
                throw RequestFields.invalidValue("text.verbosity", level, supported: ["low", "medium", "high"])
            }
        }
        guard let rawFormat = text["format"], !rawFormat.isNull else { return .text }
        let format = try RequestFields.object(rawFormat, param: "text.format")
        let type = try RequestFields.string(try RequestFields.required(format, "type", param: "text.format"), param: "text.format.type")
        switch type {
        case "text":
            return .text
        case "json_object":
            return .jsonObject
        case "json_schema":
            let name = try RequestFields.string(try RequestFields.required(format, "name", param: "text.format"), param: "text.format.name")
            let schema = try RequestFields.object(
                try RequestFields.required(format, "schema", param: "text.format"), param: "text.format.schema")
            if let strict = format["strict"], !strict.isNull { _ = try RequestFields.bool(strict, param: "text.format.strict") }
            return .jsonSchema(name: name, schema: .object(schema))
        default:
            throw RequestFields.invalidValue("text.format.type", type, supported: ["text", "json_object", "json_schema"])
        }
    }
}
