import LyrebirdPluginAPI

/// Reads `embedContent` (`EmbedContentRequest`) and `batchEmbedContents`
/// (`{"requests": [EmbedContentRequest, ...]}`) bodies into canonical embedding requests: one
/// user message per content, its text parts joined, and the vector size in `replyKind`.
///
/// A request's options may sit on it (`outputDimensionality`, `taskType`, `title`, as the Python
/// client sends them) or in its `embedContentConfig`, as newer clients send them. The canonical
/// request has one vector size, so the requests of a batch must agree on theirs, as Google
/// requires; their `model`, when given, must be the path's.
enum GeminiEmbeddingDecoder {
    /// The most requests one batch may hold, as in Google's API.
    static let maximumBatch = 100

    static func single(_ request: WireRequest, model: String, operation: String) throws(ReplyError) -> CanonicalRequest {
        let fields = try GeminiRequestDecoder.body(request.body, request: "EmbedContentRequest")
        let input = try Input(fields, model: model)
        return canonical(
            [input.message], dimensions: input.dimensions, model: model, operation: operation, fields: fields, request: request)
    }

    static func batch(_ request: WireRequest, model: String, operation: String) throws(ReplyError) -> CanonicalRequest {
        let fields = try GeminiRequestDecoder.body(request.body, request: "BatchEmbedContentsRequest")
        let items = try fields.objects("requests")
        guard !items.isEmpty else { throw fields.invalid(fields.path(of: "requests"), "requests is not specified") }
        guard items.count <= maximumBatch else {
            throw fields.invalid(fields.path(of: "requests"), "at most \(maximumBatch) requests can be in one batch")
        }
        var inputs: [Input] = []
        for item in items {
            let input = try Input(item, model: model)
            if let named = try item.string("model"), named != "models/" + model, named != model {
                throw item.invalid(item.path(of: "model"), "the model of every request must be the batch's, models/\(model).")
            }
            if let first = inputs.first, input.dimensions != first.dimensions {
                throw item.invalid(
                    input.dimensionsPath,
                    "every request of a batch must ask for the same output dimensionality (\(first.dimensions), not \(input.dimensions)).")
            }
            inputs.append(input)
        }
        return canonical(
            inputs.map(\.message), dimensions: inputs[0].dimensions, model: model, operation: operation, fields: fields, request: request)
    }

    /// The vector size of `model` when a request does not ask for another: 3072 for the
    /// `gemini-embedding` models, 768 for Google's earlier ones (`text-embedding-004`,
    /// `embedding-001`) and any other model.
    static func nativeDimensions(of model: String) -> Int {
        model.hasPrefix("gemini-embedding") ? 3072 : 768
    }

    private static func canonical(
        _ messages: [Message], dimensions: Int, model: String, operation: String, fields: GeminiObject, request: WireRequest
    ) -> CanonicalRequest {
        CanonicalRequest(
            operation: operation, model: model, messages: messages, body: .object(fields.members), headers: request.headers,
            replyKind: .embeddings(dimensions: dimensions))
    }

    /// One `EmbedContentRequest`: its content as a message, and the vector size it asks for.
    private struct Input {
        let message: Message
        let dimensions: Int
        /// Where the vector size was asked, for errors.
        let dimensionsPath: String

        init(_ fields: GeminiObject, model: String) throws(ReplyError) {
            guard let content = try fields.object("content") else {
                throw fields.invalid(fields.path(of: "content"), "content is not specified")
            }
            let parts = try content.objects("parts")
            guard !parts.isEmpty else { throw content.invalid(content.path(of: "parts"), "content.parts must not be empty.") }
            // Only text is embedded; other parts stay for Lua scripts and responders.
            var contentParts: [ContentPart] = []
            for part in parts {
                if let text = try part.string("text") {
                    contentParts.append(.text(text))
                } else {
                    let type = part.members.keys.sorted().first.map(GeminiObject.protoName) ?? "part"
                    contentParts.append(.other(type: type, value: .object(part.members)))
                }
            }
            message = Message(role: .user, content: contentParts)

            let config = try fields.object("embedContentConfig")
            // Read for their errors: the host's vectors do not depend on them.
            for options in [fields, config].compactMap({ $0 }) {
                _ = try options.string("taskType")
                _ = try options.string("title")
            }
            _ = try config?.bool("autoTruncate")
            let native = GeminiEmbeddingDecoder.nativeDimensions(of: model)
            let onRequest = try fields.integer("outputDimensionality", in: 1...native)
            if let config, let inConfig = try config.integer("outputDimensionality", in: 1...native) {
                dimensions = inConfig
                dimensionsPath = config.path(of: "outputDimensionality")
            } else {
                dimensions = onRequest ?? native
                dimensionsPath = fields.path(of: "outputDimensionality")
            }
        }
    }
}
