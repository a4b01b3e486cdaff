import LyrebirdPluginAPI

/// Reads `/api/embed` (`{"model", "input": "text" | ["a", "b"], "truncate", "dimensions",
/// "options", "keep_alive"}`) and the older `/api/embeddings` (`{"model", "prompt"}`) into
/// canonical embedding requests: one user message per input, the vector size in `replyKind`.
///
/// As in Ollama, an empty `input` string or `prompt` is no input at all (a request that only
/// loads the model), and `dimensions` keeps the first numbers of a vector when it asks for fewer
/// than the model gives, and is ignored otherwise.
enum OllamaEmbeddingDecoder {
    static func embed(_ request: WireRequest, operation: String) throws(ReplyError) -> CanonicalRequest {
        let fields = try OllamaRequestDecoder.body(request.body, request: "EmbedRequest")
        let model = try model(of: fields)
        var inputs: [String] = []
        switch fields["input"] {
        case .none: break
        case .string(let text): if !text.isEmpty { inputs.append(text) }
        case .array(let elements):
            for element in elements {
                guard case .string(let text) = element else { throw invalidInput }
                inputs.append(text)
            }
        default: throw invalidInput
        }
        _ = try fields.bool("truncate")
        let native = nativeDimensions(of: model)
        let asked = try dimensions(fields)
        let dimensions = asked > 0 && asked < native ? asked : native
        return try canonical(inputs, dimensions: dimensions, model: model, operation: operation, fields: fields, request: request)
    }

    static func embeddings(_ request: WireRequest, operation: String) throws(ReplyError) -> CanonicalRequest {
        let fields = try OllamaRequestDecoder.body(request.body, request: "EmbeddingRequest")
        let model = try model(of: fields)
        let prompt = try fields.string("prompt") ?? ""
        return try canonical(
            prompt.isEmpty ? [] : [prompt], dimensions: nativeDimensions(of: model), model: model, operation: operation,
            fields: fields, request: request)
    }

    /// The vector size of the embedding models Ollama's library is known for, by name without
    /// the tag; 768 for any other model.
    static func nativeDimensions(of model: String) -> Int {
        let name = model.split(separator: ":", maxSplits: 1).first.map(String.init) ?? model
        return ["mxbai-embed-large": 1024, "all-minilm": 384, "bge-m3": 1024, "nomic-embed-text": 768][name] ?? 768
    }

    private static let invalidInput = OllamaErrors.badRequest("invalid input type", param: "input")

    private static func model(of fields: OllamaObject) throws(ReplyError) -> String {
        guard let model = try fields.string("model"), !model.isEmpty else {
            throw OllamaErrors.badRequest("model is required", param: "model")
        }
        return model
    }

    /// `dimensions`, a Go `int`: a whole number (0 when absent).
    private static func dimensions(_ fields: OllamaObject) throws(ReplyError) -> Int {
        guard let value = fields["dimensions"] else { return 0 }
        if case .number(let number) = value, Int(exactly: number) == nil {
            throw OllamaErrors.badRequest(
                "json: cannot unmarshal number \(number) into Go struct field EmbedRequest.dimensions of type int", param: "dimensions")
        }
        guard value.boolValue == nil, let dimensions = value.intValue else { throw fields.wrongType("dimensions", value, "int") }
        return dimensions
    }

    private static func canonical(
        _ inputs: [String], dimensions: Int, model: String, operation: String, fields: OllamaObject, request: WireRequest
    ) throws(ReplyError) -> CanonicalRequest {
        // Read for their errors: the options reach nothing an embedding uses.
        _ = try OllamaOptions(try fields.object("options", of: "map[string]interface {}"))
        return CanonicalRequest(
            operation: operation, model: model, messages: inputs.map { Message(role: .user, text: $0) },
            body: .object(fields.members), headers: request.headers, replyKind: .embeddings(dimensions: dimensions))
    }
}
