import LyrebirdPluginAPI

/// Reads a Converse (or ConverseStream) request body into the canonical model.
enum BedrockConverseDecoder {
    /// - Parameters:
    ///   - model: The `modelId` of the path, percent-decoded: a model id, an inference profile
    ///     id or an ARN, as the client gave it.
    static func decode(_ request: WireRequest, model: String, operation: String, stream: Bool) throws(ReplyError) -> CanonicalRequest {
        let body = try BedrockRequestBody.object(request.body)
        let messages = try body.requiredObjects("messages")
        guard !messages.isEmpty else {
            throw BedrockErrors.validation(
                "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
                path: "messages")
        }
        let conversation = try BedrockConversation(system: try body.objects("system"), messages: messages)
        let tools = try BedrockToolConfiguration(try body.object("toolConfig"))
        let inference = try body.object("inferenceConfig") ?? BedrockObject([:], path: "inferenceConfig")
        let stops = try inference.strings("stopSequences")
        guard stops.count <= 2500 else {
            throw BedrockErrors.constraint(
                inference.path(of: "stopSequences"), value: nil, "Member must have length less than or equal to 2500")
        }
        let maxTokens = try inference.integer("maxTokens", in: 1...Int(Int32.max))
        try BedrockReasoning.check(body.object("additionalModelRequestFields"), maxTokens: maxTokens, toolChoice: tools.choice)
        return CanonicalRequest(
            operation: operation,
            model: model,
            messages: conversation.messages,
            tools: tools.tools,
            toolChoice: tools.choice,
            responseFormat: try responseFormat(body.object("outputConfig")),
            sampling: SamplingParameters(
                temperature: try inference.number("temperature", in: 0...1),
                topP: try inference.number("topP", in: 0...1),
                maxTokens: maxTokens,
                stop: stops),
            stream: stream,
            // Converse always reports usage, streamed or not.
            includeUsage: true,
            mockResponse: try body.string("mock_response"),
            body: .object(body.members),
            headers: request.headers)
    }

    /// `outputConfig.textFormat`: a `json_schema` whose `structure.jsonSchema.schema` is the
    /// schema as JSON text.
    private static func responseFormat(_ config: BedrockObject?) throws(ReplyError) -> ResponseFormat {
        guard let format = try config?.object("textFormat") else { return .text }
        let type = try format.requiredString("type")
        guard type == "json_schema" else {
            throw BedrockErrors.constraint(
                format.path(of: "type"), value: .string(type), "Member must satisfy enum value set: [json_schema]")
        }
        let definition = try format.requiredObject("structure").requiredObject("jsonSchema")
        let text = try definition.requiredString("schema")
        let schema: JSONValue
        do {
            schema = try JSONValue.parse(text)
        } catch {
            throw BedrockErrors.validation(
                "The schema at \(definition.path(of: "schema")) is not valid JSON: \(error.message)", path: definition.path(of: "schema"))
        }
        return .jsonSchema(name: try definition.string("name") ?? "response", schema: schema)
    }
}
