import LyrebirdPluginAPI

/// Reads `/api/chat` and `/api/generate` bodies into the canonical model.
///
/// Ollama streams unless the body says `"stream": false`. A generate request is a `system`
/// message (its `system`, when given) and a `user` message (its `prompt` and `images`).
/// `format` is the response format: `"json"`, a JSON schema, or `""` for text. Of `options`,
/// `temperature`, `top_p`, `num_predict` (the maximum tokens; a negative value means no
/// limit), `stop` and `seed` reach the canonical model; the rest stay in the body.
enum OllamaRequestDecoder {
    static func body(_ bytes: [UInt8], request: String) throws(ReplyError) -> OllamaObject {
        guard !bytes.isEmpty else { throw OllamaErrors.badRequest("missing request body", param: nil) }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw OllamaErrors.badRequest("invalid JSON: \(error.message)", param: nil)
        }
        guard case .object(let members) = value else {
            throw OllamaErrors.badRequest(
                "json: cannot unmarshal \(OllamaObject.jsonKind(value)) into Go value of type api.\(request)", param: nil)
        }
        return OllamaObject(members, path: request)
    }

    static func chat(_ request: WireRequest, operation: String) throws(ReplyError) -> CanonicalRequest {
        let fields = try body(request.body, request: "ChatRequest")
        let conversation = try OllamaConversation(try fields.objects("messages", of: "api.Message"))
        var tools: [ToolDefinition] = []
        for tool in try fields.objects("tools", of: "api.Tool") {
            guard let function = try tool.object("function", of: "api.ToolFunction") else { continue }
            tools.append(
                ToolDefinition(
                    name: try function.string("name") ?? "", description: try function.string("description"),
                    parameters: function["parameters"]))
        }
        return try canonical(fields, request: request, operation: operation, messages: conversation.messages, tools: tools)
    }

    static func generate(_ request: WireRequest, operation: String) throws(ReplyError) -> CanonicalRequest {
        let fields = try body(request.body, request: "GenerateRequest")
        var messages: [Message] = []
        if let system = try fields.string("system"), !system.isEmpty { messages.append(Message(role: .system, text: system)) }
        var prompt: [ContentPart] = [.text(try fields.string("prompt") ?? "")]
        for image in try fields.strings("images") { prompt.append(.image(url: OllamaConversation.dataURL(ofBase64Image: image))) }
        messages.append(Message(role: .user, content: prompt))
        return try canonical(fields, request: request, operation: operation, messages: messages, tools: [])
    }

    /// What chat and generate requests share: the model, the stream flag, `format` and `options`.
    private static func canonical(
        _ fields: OllamaObject, request: WireRequest, operation: String, messages: [Message], tools: [ToolDefinition]
    ) throws(ReplyError) -> CanonicalRequest {
        guard let model = try fields.string("model"), !model.isEmpty else {
            throw OllamaErrors.badRequest("model is required", param: "model")
        }
        try OllamaThinking.check(fields)
        return CanonicalRequest(
            operation: operation,
            model: model,
            messages: messages,
            tools: tools,
            responseFormat: try responseFormat(fields["format"]),
            sampling: try OllamaOptions(try fields.object("options", of: "map[string]interface {}")).sampling,
            stream: try fields.bool("stream") ?? true,
            // Ollama reports its counts in every reply's last object.
            includeUsage: true,
            mockResponse: try fields.string("mock_response"),
            body: .object(fields.members),
            headers: request.headers)
    }

    private static func responseFormat(_ format: JSONValue?) throws(ReplyError) -> ResponseFormat {
        switch format {
        case .none, .some(.string("")): return .text
        case .some(.string("json")): return .jsonObject
        case .some(.object): return .jsonSchema(name: "response", schema: format)
        default: throw OllamaErrors.badRequest("invalid format: expected \"json\" or a valid JSON schema", param: "format")
        }
    }
}
