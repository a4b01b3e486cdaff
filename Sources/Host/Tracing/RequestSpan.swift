/// The span of one request, as the journal recorded it: named and described by the
/// OpenTelemetry semantic conventions for generative AI (`gen_ai.*`) and HTTP servers
/// (`http.*`, `url.*`), with Lyrebird's own facts under `lyrebird.*`.
struct RequestSpan: Sendable {
    /// The value of one attribute.
    enum Value: Sendable, Hashable {
        case string(String)
        case integer(Int)
        case double(Double)
        case bool(Bool)
    }

    /// `{gen_ai.operation.name} {gen_ai.request.model}`, or the method and path of a request
    /// that never decoded.
    var name: String
    /// When the request arrived, in nanoseconds since the Unix epoch.
    var startNanoseconds: UInt64
    /// When its reply ended.
    var endNanoseconds: UInt64
    /// In the order the conventions list them, then Lyrebird's own.
    var attributes: [(key: String, value: Value)]
    /// The error of a reply the host failed to give (a 5xx), which marks the span as failed.
    var failure: String?
    /// The W3C `traceparent` the client sent: the span continues its trace.
    var traceParent: String?

    init(_ entry: JournalEntry) {
        let operation = entry.operation.map(Self.genAIOperation)
        if let operation, let model = entry.model, !model.isEmpty {
            name = "\(operation) \(model)"
        } else {
            name = operation ?? "\(entry.method) \(entry.path)"
        }
        startNanoseconds = UInt64(max(0, entry.time * 1e9))
        endNanoseconds = startNanoseconds + UInt64(max(0, entry.durationMilliseconds * 1e6))
        traceParent = entry.traceParent
        failure = entry.status >= 500 ? entry.error ?? "answered \(entry.status)" : nil

        var attributes: [(key: String, value: Value)] = []
        func add(_ key: String, _ value: Value?) {
            if let value { attributes.append((key, value)) }
        }
        add("gen_ai.operation.name", operation.map(Value.string))
        if let provider = entry.provider {
            let system = Self.genAIProvider(provider)
            add("gen_ai.provider.name", .string(system))
            // The name the conventions used before `gen_ai.provider.name`, which many backends still read.
            add("gen_ai.system", .string(system))
        }
        add("gen_ai.request.model", entry.model.map(Value.string))
        if let usage = entry.usage {
            add("gen_ai.response.model", entry.model.map(Value.string))
            add("gen_ai.usage.input_tokens", .integer(usage.promptTokens))
            add("gen_ai.usage.output_tokens", .integer(usage.completionTokens))
        }
        add("http.request.method", .string(entry.method == "WEBSOCKET" ? "GET" : entry.method))
        add("url.path", .string(entry.path))
        add("http.response.status_code", .integer(entry.status))
        if entry.status >= 400 { add("error.type", .string(String(entry.status))) }
        add("lyrebird.request_id", .string(entry.requestID))
        add("lyrebird.provider", entry.provider.map(Value.string))
        add("lyrebird.source", entry.source.map(Value.string))
        add("lyrebird.context", entry.context.map(Value.string))
        add("lyrebird.streamed", .bool(entry.streamed))
        if entry.method == "WEBSOCKET" { add("lyrebird.transport", .string("websocket")) }
        if let wait = entry.retryAfterMilliseconds { add("lyrebird.retry_after_ms", .integer(wait)) }
        self.attributes = attributes
    }

    /// The conventions' operation name for a provider's operation: `chat`, `text_completion`,
    /// `generate_content` or `embeddings` for the shipped providers' operations, and any other
    /// operation (a plugin's own) as it is.
    static func genAIOperation(_ operation: String) -> String {
        switch operation {
        case "chat.completions", "responses", "messages", "chat", "Converse", "ConverseStream", "InvokeModel",
            "InvokeModelWithResponseStream":
            return "chat"
        case "completions", "generate": return "text_completion"
        case "generateContent", "streamGenerateContent": return "generate_content"
        case "embeddings", "embed", "embedContent", "batchEmbedContents": return "embeddings"
        default: return operation
        }
    }

    /// The conventions' provider name (`openai`, `anthropic`, `gcp.gemini`, `aws.bedrock`) for
    /// a provider of the default set, and any other provider's name as it is.
    static func genAIProvider(_ provider: String) -> String {
        switch provider {
        case "anthropic.messages": return "anthropic"
        case "google.gemini": return "gcp.gemini"
        case _ where provider.hasPrefix("openai."): return "openai"
        default: return provider
        }
    }
}
