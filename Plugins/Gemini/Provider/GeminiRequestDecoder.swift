import LyrebirdPluginAPI

/// Reads a `GenerateContentRequest` (`generateContent`, `streamGenerateContent`, and the
/// `countTokens` forms) into the canonical model.
enum GeminiRequestDecoder {
    /// The body as a JSON object, or Google's 400 for anything else.
    static func body(_ bytes: [UInt8], request: String) throws(ReplyError) -> GeminiObject {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw GeminiErrors.invalidArgument("Invalid JSON payload received. \(error.message)", param: nil)
        }
        guard case .object(let members) = value else {
            throw GeminiErrors.invalidArgument(
                "Invalid JSON payload received. Expected an object, but got \(value.typeName) instead.", param: nil)
        }
        return GeminiObject(members, request: request)
    }

    /// - Parameters:
    ///   - fields: The request message: the body, or a `countTokens` body's `generateContentRequest`.
    ///   - stream: Whether the reply is sent as server-sent events.
    static func decode(
        _ fields: GeminiObject, model: String, operation: String, stream: Bool, body: JSONValue, headers: [Header]
    ) throws(ReplyError) -> CanonicalRequest {
        let contents = try fields.objects("contents")
        guard !contents.isEmpty else { throw fields.invalid(fields.path(of: "contents"), "contents is not specified") }
        let conversation = try GeminiConversation(system: try fields.object("systemInstruction"), contents: contents)
        let generation =
            try fields.object("generationConfig") ?? GeminiObject([:], path: fields.path(of: "generationConfig"), request: fields.request)
        let stops = try generation.strings("stopSequences")
        guard stops.count <= 5 else {
            throw generation.invalid(generation.path(of: "stopSequences"), "stop_sequences must have at most 5 elements.")
        }
        try GeminiThoughts.check(generation)
        return CanonicalRequest(
            operation: operation,
            model: model,
            messages: conversation.messages,
            tools: try tools(fields),
            toolChoice: try toolChoice(fields),
            responseFormat: try responseFormat(generation),
            sampling: SamplingParameters(
                temperature: try generation.number("temperature", in: 0...2),
                topP: try generation.number("topP", in: 0...1),
                maxTokens: try generation.integer("maxOutputTokens", in: 1...Int(Int32.max)),
                stop: stops,
                seed: try generation.integer("seed", in: Int(Int32.min)...Int(Int32.max))),
            choiceCount: try generation.integer("candidateCount", in: 1...8) ?? 1,
            stream: stream,
            // Every Gemini reply reports its usage, streamed or not.
            includeUsage: true,
            mockResponse: try fields.string("mockResponse"),
            body: body,
            headers: headers)
    }

    /// Every `functionDeclarations` entry of `tools`; other tools (Google Search, code execution)
    /// have no canonical form and are left to the body.
    private static func tools(_ fields: GeminiObject) throws(ReplyError) -> [ToolDefinition] {
        var definitions: [ToolDefinition] = []
        for tool in try fields.objects("tools") {
            for declaration in try tool.objects("functionDeclarations") {
                guard let name = try declaration.string("name") else {
                    throw declaration.invalid(declaration.path(of: "name"), "Name cannot be empty.")
                }
                // `parameters` is in Google's schema dialect, `parametersJsonSchema` JSON Schema.
                let parameters = try declaration["parameters"].map { schema throws(ReplyError) in
                    try GeminiSchema.jsonSchema(schema, path: declaration.path(of: "parameters"), request: declaration.request)
                }
                definitions.append(
                    ToolDefinition(
                        name: name, description: try declaration.string("description"),
                        parameters: parameters ?? declaration["parametersJsonSchema"]))
            }
        }
        return definitions
    }

    /// `toolConfig.functionCallingConfig`: `AUTO` (and `VALIDATED`) let the model choose, `ANY`
    /// requires a call (of the first function `allowedFunctionNames` names, when it names any),
    /// `NONE` forbids.
    private static func toolChoice(_ fields: GeminiObject) throws(ReplyError) -> ToolChoice {
        guard let config = try fields.object("toolConfig")?.object("functionCallingConfig") else { return .auto }
        let allowed = try config.strings("allowedFunctionNames")
        switch try config.string("mode") ?? "AUTO" {
        case "AUTO", "MODE_UNSPECIFIED", "VALIDATED": return .auto
        // The canonical choice forces one function: of several allowed, the first.
        case "ANY": return allowed.first.map { .function(name: $0) } ?? .required
        case "NONE": return .none
        case let mode:
            throw GeminiErrors.invalidArgument(
                "Invalid value at '\(config.path(of: "mode"))' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), \"\(mode)\"",
                param: config.path(of: "mode"))
        }
    }

    /// `responseMimeType: application/json` asks for JSON, shaped by `responseJsonSchema` (JSON
    /// Schema) or `responseSchema` (Google's dialect, translated) when one is given;
    /// `text/x.enum` asks for one of a schema's values as plain text, which the reply's text is
    /// taken to be: a generated document would be JSON, not the bare value.
    private static func responseFormat(_ generation: GeminiObject) throws(ReplyError) -> ResponseFormat {
        let googleSchema = try generation["responseSchema"].map { schema throws(ReplyError) in
            try GeminiSchema.jsonSchema(schema, path: generation.path(of: "responseSchema"), request: generation.request)
        }
        let schema = generation["responseJsonSchema"] ?? googleSchema
        switch try generation.string("responseMimeType") ?? "text/plain" {
        case "application/json":
            return schema.map { .jsonSchema(name: "response", schema: $0) } ?? .jsonObject
        case "text/x.enum":
            return .text
        case "text/plain" where schema == nil:
            return .text
        case "text/plain":
            throw generation.invalid(
                generation.path(of: "responseSchema"),
                "response_schema is only supported with response_mime_type application/json or text/x.enum.")
        case let mimeType:
            throw generation.invalid(
                generation.path(of: "responseMimeType"),
                "allowed mimetypes are `text/plain`, `application/json` and `text/x.enum`, but got \"\(mimeType)\".")
        }
    }
}
