import LyrebirdPluginAPI

/// Google's Gemini API (the Generative Language API), under `/v1beta` and `/v1`:
/// `generateContent`, `streamGenerateContent`, `countTokens`, `embedContent` and
/// `batchEmbedContents` on `models/{model}`, and the model list. Under `/v1` the model list's
/// paths are also the OpenAI model list's, so there the Gemini routes take only the requests that
/// carry Google's credentials (`x-goog-api-key`, or `key` in the query).
///
/// Content generation and embeddings take the pipeline; `countTokens` and the model list are
/// answered by the provider itself, without fixtures, and so is any other method of a model
/// (`models/{model}:foo`), with Google's 404.
public struct GeminiProvider: Provider {
    static let generate = "generateContent"
    static let streamGenerate = "streamGenerateContent"
    static let countTokens = "countTokens"
    static let embed = "embedContent"
    static let batchEmbed = "batchEmbedContents"
    static let listModels = "models.list"
    static let getModel = "models.get"
    static let unknownMethod = "models.unknownMethod"

    /// The models the provider offers, with the names Google displays.
    static let offered = [
        (id: "gemini-2.5-pro", displayName: "Gemini 2.5 Pro"),
        (id: "gemini-2.5-flash", displayName: "Gemini 2.5 Flash"),
        (id: "gemini-2.5-flash-lite", displayName: "Gemini 2.5 Flash-Lite"),
        (id: "gemini-2.0-flash", displayName: "Gemini 2.0 Flash"),
        (id: "gemini-2.0-flash-lite", displayName: "Gemini 2.0 Flash-Lite"),
    ]

    /// What Google's clients send and OpenAI's do not: the API key header, or the `key` query
    /// parameter.
    static let googleCredentials: [RouteCondition] = [.header("x-goog-api-key"), .queryItem("key")]

    public let name = "google.gemini"
    public let routes: [ProviderRoute] = ["v1beta", "v1"].flatMap { version in
        // `/v1/models` and `/v1/models/{model}` are the OpenAI model list's paths too.
        let onlyWith = version == "v1" ? googleCredentials : []
        return [
            ProviderRoute(method: .post, path: "/\(version)/models/{model}:generateContent", operation: generate, transports: [.http]),
            ProviderRoute(method: .post, path: "/\(version)/models/{model}:streamGenerateContent", operation: streamGenerate),
            ProviderRoute(
                method: .post, path: "/\(version)/models/{model}:countTokens", operation: countTokens, transports: [.http],
                answeredBy: .provider),
            ProviderRoute(method: .post, path: "/\(version)/models/{model}:embedContent", operation: embed, transports: [.http]),
            ProviderRoute(method: .post, path: "/\(version)/models/{model}:batchEmbedContents", operation: batchEmbed, transports: [.http]),
            ProviderRoute(
                method: .get, path: "/\(version)/models", operation: listModels, transports: [.http], answeredBy: .provider,
                onlyWith: onlyWith),
            ProviderRoute(
                method: .get, path: "/\(version)/models/{model}", operation: getModel, transports: [.http], answeredBy: .provider,
                onlyWith: onlyWith),
            // A method no route above names (`models/{model}:foo`): the path matches
            // `models/{model}` with the method in the model's name, which would otherwise be a
            // 405 inviting a GET. Google answers it with a 404.
            ProviderRoute(
                method: .post, path: "/\(version)/models/{model}", operation: unknownMethod, transports: [.http],
                answeredBy: .provider, onlyWith: onlyWith),
        ]
    }
    public let models = offered.map(\.id)

    public init() {}

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        let model = try Self.model(of: request, route: route)
        switch route.operation {
        case Self.embed: return try GeminiEmbeddingDecoder.single(request, model: model, operation: route.operation)
        case Self.batchEmbed: return try GeminiEmbeddingDecoder.batch(request, model: model, operation: route.operation)
        default: break
        }
        let fields = try GeminiRequestDecoder.body(request.body, request: "GenerateContentRequest")
        // The official clients always ask for server-sent events; without `alt=sse` Google sends
        // a JSON array of responses, which is the whole reply in one array here.
        let stream = route.operation == Self.streamGenerate && request.queryItem("alt") == "sse"
        return try GeminiRequestDecoder.decode(
            fields, model: model, operation: route.operation, stream: stream, body: .object(fields.members), headers: request.headers)
    }

    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        switch request.operation {
        case Self.embed: return GeminiEmbeddingWriter.single(reply)
        case Self.batchEmbed: return GeminiEmbeddingWriter.batch(reply)
        default: break
        }
        let showingThoughts = GeminiThoughts.areShown(in: request)
        let write = { (writer: inout JSONWriter) in
            GeminiResponseWriter.writeResponse(
                into: &writer, context: context,
                candidates: { writer in
                    for choice in reply.choices {
                        GeminiResponseWriter.writeCandidate(into: &writer, index: choice.index, finishReason: choice.finishReason) {
                            writer in
                            GeminiResponseWriter.writeParts(of: choice, showingThoughts: showingThoughts, into: &writer)
                        }
                    }
                },
                usage: { writer in GeminiResponseWriter.writeUsage(reply.usage, into: &writer) })
        }
        var writer = JSONWriter(reservingCapacity: 512)
        if request.operation == Self.streamGenerate {
            writer.array(write)
        } else {
            write(&writer)
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    public func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        GeminiStreamEncoder(context: context, choiceCount: request.choiceCount, showingThoughts: GeminiThoughts.areShown(in: request))
    }

    public func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        GeminiErrors.response(for: error)
    }

    public func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        let list = GeminiModelList(host: host, offered: Self.offered)
        do throws(ReplyError) {
            switch route.operation {
            case Self.countTokens:
                return try countTokens(request, route: route)
            case Self.getModel:
                let version = route.path.split(separator: "/").first.map(String.init) ?? ""
                return list.model(try Self.model(of: request, route: route), version: version)
            case Self.unknownMethod:
                return GeminiErrors.response(for: ReplyError(status: 404, message: "Method not found.", type: "invalid_request_error"))
            default:
                return list.list(request)
            }
        } catch {
            return GeminiErrors.response(for: error)
        }
    }

    /// `{"totalTokens": N}` for the `contents` of the body, or for a whole
    /// `generateContentRequest`, counted as the host counts a prompt.
    private func countTokens(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> WireResponse {
        let model = try Self.model(of: request, route: route)
        let body = try GeminiRequestDecoder.body(request.body, request: "CountTokensRequest")
        var fields = body
        if let inner = try body.object("generateContentRequest") {
            guard body["contents"] == nil else {
                throw GeminiErrors.invalidArgument(
                    "* CountTokensRequest: contents and generate_content_request cannot both be set.", param: "generate_content_request")
            }
            fields = inner
        }
        let canonical = try GeminiRequestDecoder.decode(
            fields, model: model, operation: route.operation, stream: false, body: .object(body.members), headers: request.headers)
        let tokens = TokenCounter.promptTokens(canonical)
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("totalTokens", tokens)
            writer.member(
                "promptTokensDetails",
                array: { writer in
                    writer.object { writer in
                        writer.member("modality", "TEXT")
                        writer.member("tokenCount", tokens)
                    }
                })
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    /// The `{model}` of the path, which the host hands over as a path parameter.
    private static func model(of request: WireRequest, route: ProviderRoute) throws(ReplyError) -> String {
        guard let model = request.pathParameters["model"] else {
            throw ReplyError(
                status: 500, message: "The host did not pass the {model} path parameter of \(route.method.rawValue) \(route.path).",
                type: "server_error")
        }
        return model
    }
}
