import LyrebirdPluginAPI

/// Reads an embeddings request body into the canonical model: one user message per input, and
/// the vector size in `replyKind`, naming the parameter at fault for anything wrong.
enum EmbeddingsRequestDecoder {
    /// The most inputs one request may hold, as in the real API.
    static let maximumInputs = 2048
    /// The most tokens one input and one request may hold, as in the real API. Besides giving
    /// clients' batching the refusals it meets in production, they bound the time the host takes
    /// to compute vectors.
    static let maximumInputTokens = 8_192
    static let maximumRequestTokens = 300_000
    /// The vector size of models the real API serves, which is also the most `dimensions` may ask.
    static let nativeDimensions = ["text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536]
    /// Vectors for other models have this many numbers unless `dimensions` says otherwise.
    static let defaultDimensions = 1536
    /// The most `dimensions` may ask of a model the real API does not serve.
    static let maximumDimensions = 8192
    static let encodingFormats = ["float", "base64"]

    static func decode(_ request: WireRequest, operation: String) throws(ReplyError) -> CanonicalRequest {
        let fields = try RequestFields(parsing: request.body)
        let model = try AzureOpenAI.model(of: request, fields: fields)
        guard let input = fields["input"] else { throw RequestFields.missing("input") }
        let inputs = try TextInputs.decode(input, param: "input", allowsEmptyText: false, maximumCount: maximumInputs)
        try checkTokens(of: inputs)
        if let format = try fields.string("encoding_format"), !encodingFormats.contains(format) {
            throw RequestFields.invalidValue("encoding_format", format, supported: encodingFormats)
        }
        return CanonicalRequest(
            operation: operation,
            model: model,
            messages: inputs.map { Message(role: .user, text: $0) },
            // Never true for a valid request: read so that the host refuses it by name.
            stream: try fields.bool("stream") ?? false,
            user: try fields.string("user"),
            body: fields.body,
            headers: request.headers,
            replyKind: .embeddings(dimensions: try decodeDimensions(fields, model: model))
        )
    }

    /// Whether the client asked for base64 vectors (the SDKs do unless told otherwise).
    static func wantsBase64(_ request: CanonicalRequest) -> Bool {
        request.body["encoding_format"]?.stringValue == "base64"
    }

    /// Refuses inputs over the real API's token limits, with its errors. Tokens are counted by
    /// the host's rule, as `usage` counts them.
    private static func checkTokens(of inputs: [String]) throws(ReplyError) {
        var total = 0
        for input in inputs {
            let tokens = TokenCounter.count(input[...])
            guard tokens <= maximumInputTokens else {
                throw ReplyError(
                    status: 400,
                    message: "This model's maximum context length is \(maximumInputTokens) tokens, however you requested \(tokens) "
                        + "tokens (\(tokens) in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
                    type: "invalid_request_error")
            }
            total += tokens
        }
        guard total <= maximumRequestTokens else {
            throw ReplyError(
                status: 400, message: "Requested \(total) tokens, max \(maximumRequestTokens) tokens per request",
                type: "max_tokens_per_request", code: "max_tokens_per_request")
        }
    }

    private static func decodeDimensions(_ fields: RequestFields, model: String) throws(ReplyError) -> Int {
        // ada-002 predates `dimensions`: the real API refuses it there.
        if model == "text-embedding-ada-002", fields["dimensions"] != nil {
            throw ReplyError.invalidParameter("dimensions", "This model does not support specifying dimensions.", code: "invalid_value")
        }
        let native = nativeDimensions[model]
        return try fields.integer("dimensions", in: 1...(native ?? maximumDimensions)) ?? native ?? defaultDimensions
    }
}
