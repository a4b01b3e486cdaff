import LyrebirdPluginAPI

/// The my-plugin wire format. It only translates: fixtures choose every reply.
struct MyPluginProvider: Provider {
    let name = "my-plugin"

    let routes = [
        // Decoded, answered from fixtures, then encoded; may stream (`"stream": true`).
        ProviderRoute(method: .post, path: "/my-plugin/v1/generate", operation: "my-plugin.generate", transports: [.http, .sse]),
        // Answered by `answer` below, with no fixtures; `{model}` is a path parameter.
        ProviderRoute(
            method: .get, path: "/my-plugin/v1/models/{model}", operation: "my-plugin.model", transports: [.http],
            answeredBy: .provider),
    ]

    /// Listed by the host's model lists, and in `HostInfo` for `answer`.
    let models = ["my-plugin-small"]

    /// `{"model": "...", "prompt": "...", "stream": false}` -> one user message. A problem
    /// becomes a 400 naming the parameter, in this format's error shape.
    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        let fields = try RequestFields(parsing: request.body)
        return CanonicalRequest(
            operation: route.operation, model: try fields.requiredString("model"),
            messages: [Message(role: .user, text: try fields.requiredString("prompt"))], stream: try fields.bool("stream") ?? false,
            includeUsage: true, body: fields.body, headers: request.headers)
    }

    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("id", "gen_\(context.idSuffix)")
            writer.member("model", context.model)
            writer.member("text", choice.text)
            writer.member("finish_reason", choice.finishReason.rawValue)
            writer.member("usage", object: { writer in Self.write(reply.usage, into: &writer) })
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member(
                "error",
                object: { writer in
                    writer.member("message", error.message)
                    writer.member("param", error.param)
                })
        }
        return WireResponse(status: error.status, body: writer.bytes)
    }

    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        MyPluginStreamEncoder(context: context)
    }

    /// `GET /my-plugin/v1/models/{model}`: the model if the host knows it, else a 404.
    func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        let id = request.pathParameters["model"] ?? ""
        guard let model = host.models.first(where: { $0.id == id }) else {
            return encode(ReplyError(status: 404, message: "There is no model '\(id)'.", param: "model"), for: nil, context: context)
        }
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("id", model.id)
            writer.member("owned_by", model.ownedBy)
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    static func write(_ usage: Usage, into writer: inout JSONWriter) {
        writer.member("input_tokens", usage.promptTokens)
        writer.member("output_tokens", usage.completionTokens)
    }
}
