import LyrebirdPluginAPI

/// One operation of the OpenAPI document: what one method takes at one path template.
///
/// Usually that is one route. OpenAPI allows one operation per method and path, but two routes
/// may share them when `onlyWith` conditions choose between them (Gemini's `GET /v1/models`
/// for Google's credentials, OpenAI's for every other request). The operation then describes
/// the route that takes requests without conditions, or the first one added when all have
/// conditions, and lists the others in `x-lyrebird-alternatives`.
struct OpenAPIOperation {
    typealias Entry = RouteTable<HostResponder.Handler>.Entry

    let method: HTTPMethodName
    /// The routes, the one the operation describes first.
    let entries: [Entry]
    /// The names the path template gives the path parameters, in order: those of the first
    /// route added at the path, whatever the others call theirs.
    let parameterNames: [String]
    /// Unique in the document.
    let id: String

    /// Orders `entries` (one method at one path) as an operation holds them: the route without
    /// conditions first, since it is the one most requests reach, then the others as added.
    /// `id` makes the operation's id from the route it describes.
    init(method: HTTPMethodName, entries: [Entry], parameterNames: [String], id: (Entry) -> String) {
        self.method = method
        self.entries = entries.filter { $0.conditions.isEmpty } + entries.filter { !$0.conditions.isEmpty }
        self.parameterNames = parameterNames
        self.id = id(self.entries[0])
    }

    /// The route the operation describes.
    var primary: Entry { entries[0] }

    /// The operation id before it is made unique: the provider's name and the route's operation
    /// (`openai.chat_completions.chat.completions`), or `admin.` and the endpoint's name. Code
    /// generators turn ids into names, so anything but ASCII letters, digits, `.`, `_` and `-`
    /// becomes `_`.
    static func baseID(of entry: Entry) -> String {
        let raw: String
        switch entry.handler {
        case .admin(let endpoint): raw = "admin." + endpoint.operationName
        case .provider(let provider, let route): raw = provider.name + "." + route.operation
        }
        return String(raw.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }

    /// The tag that groups `entry`'s operations: its provider's name, or `admin`.
    static func tag(of entry: Entry) -> String {
        switch entry.handler {
        case .admin: return "admin"
        case .provider(let provider, _): return provider.name
        }
    }

    /// The tags of every route the operation holds, the primary's first.
    var tags: [String] {
        var tags: [String] = []
        for entry in entries where !tags.contains(Self.tag(of: entry)) { tags.append(Self.tag(of: entry)) }
        return tags
    }

    /// Writes the operation as the member of its path item named after the method.
    func write(into writer: inout JSONWriter) {
        writer.member(
            method.rawValue.lowercased(),
            object: { writer in
                writer.member("operationId", id)
                writer.member("summary", summary)
                writer.member("description", description)
                writer.member("tags", array: { writer in for tag in tags { writer.string(tag) } })
                writeParameters(into: &writer)
                writeRequestBody(into: &writer)
                writeResponses(into: &writer)
                writeExtensions(into: &writer)
            })
    }

    // MARK: Text

    private var summary: String {
        switch primary.handler {
        case .admin(let endpoint): return endpoint.summary
        case .provider(let provider, let route): return "\(route.operation) (\(provider.name))"
        }
    }

    private var description: String {
        var sentences: [String]
        switch primary.handler {
        case .admin:
            sentences = [
                "An admin endpoint: a request from an origin other than the server's own or settings.admin_origins, or one naming a host other than a loopback address or settings.admin_hosts on a server bound to loopback, gets a 403."
            ]
        case .provider(_, let route):
            sentences = Self.sentences(for: route)
        }
        if !primary.conditions.isEmpty {
            sentences.append(
                "Takes only requests with \(Self.phrase(primary.conditions)); another request is not taken here.")
        }
        for entry in entries.dropFirst() {
            sentences.append(
                "Requests with \(Self.phrase(entry.conditions)) go to \(Self.target(of: entry)) instead (see x-lyrebird-alternatives).")
        }
        return sentences.joined(separator: " ")
    }

    /// Who answers `entry`'s requests, in words: "google.gemini's models.list".
    private static func target(of entry: Entry) -> String {
        switch entry.handler {
        case .admin(let endpoint): return "the admin endpoint \(endpoint.operationName)"
        case .provider(let provider, let route): return "\(provider.name)'s \(route.operation)"
        }
    }

    /// What a provider route's transports and answerer mean for a client.
    private static func sentences(for route: ProviderRoute) -> [String] {
        var sentences = [
            route.answeredBy == .provider
                ? "Answered by the provider itself, without fixtures."
                : "Answered from fixtures, responders or the default reply."
        ]
        let http = route.transports.contains(.http)
        let streams = route.transports.contains(.sse)
        if streams {
            // `.sse` means "streamed": the stream's bytes are whatever the provider's stream
            // encoder writes, which the host learns only from a request.
            sentences.append(
                http
                    ? "Streams when the request asks to, in the provider's stream format (Server-Sent Events unless the provider writes another)."
                    : "Always streams, in the provider's stream format (Server-Sent Events unless the provider writes another).")
        }
        if route.transports.contains(.websocket) {
            sentences.append(
                http || streams
                    ? "Also takes WebSocket connections: a GET with a WebSocket upgrade to this path, each message one request."
                    : "WebSocket only: a GET with a WebSocket upgrade to this path, each message one request; a plain HTTP request gets a 426."
            )
        }
        return sentences
    }

    /// `conditions` in words: "the header `x` or the query parameter `y`".
    private static func phrase(_ conditions: [RouteCondition]) -> String {
        conditions.map { condition in
            if let header = condition.header { return "the header \(header)" }
            return "the query parameter \(condition.queryItem ?? "")"
        }.joined(separator: " or ")
    }

    // MARK: Parts

    private func writeParameters(into writer: inout JSONWriter) {
        // What a request carries to meet a route's conditions: never required by itself, since
        // any one of them will do, and a request without them may go to another route.
        var conditional: [(location: String, name: String, target: String)] = []
        for entry in entries {
            for condition in entry.conditions {
                let target = Self.target(of: entry)
                if let header = condition.header, !conditional.contains(where: { $0.location == "header" && $0.name == header }) {
                    conditional.append(("header", header, target))
                }
                if let query = condition.queryItem, !conditional.contains(where: { $0.location == "query" && $0.name == query }) {
                    conditional.append(("query", query, target))
                }
            }
        }
        guard !parameterNames.isEmpty || !conditional.isEmpty else { return }
        writer.member(
            "parameters",
            array: { writer in
                for name in parameterNames {
                    writer.object { writer in
                        writer.member("name", name)
                        writer.member("in", "path")
                        writer.member("required", true)
                        writer.member("schema", object: { writer in writer.member("type", "string") })
                    }
                }
                for parameter in conditional {
                    writer.object { writer in
                        writer.member("name", parameter.name)
                        writer.member("in", parameter.location)
                        writer.member("required", false)
                        writer.member("description", "Any value sends the request to \(parameter.target).")
                        writer.member("schema", object: { writer in writer.member("type", "string") })
                    }
                }
            })
    }

    private func writeRequestBody(into writer: inout JSONWriter) {
        let mediaTypes: [String]
        let required: Bool
        let schema: JSONValue
        switch primary.handler {
        case .admin(let endpoint):
            mediaTypes = endpoint.bodyMediaTypes
            required = endpoint.requiresBody
            schema = endpoint.bodySchema
        case .provider(_, let route):
            // A WebSocket message carries its request in its own framing, never in this body.
            let readsBody = [.post, .put, .patch].contains(method) && !route.transports.isDisjoint(with: [.http, .sse])
            mediaTypes = readsBody ? ["application/json"] : []
            // A route the provider answers may read no body at all; one the pipeline answers is
            // decoded into a request.
            required = route.answeredBy == .fixtures
            schema = ["type": "object"]
        }
        guard !mediaTypes.isEmpty else { return }
        writer.member(
            "requestBody",
            object: { writer in
                writer.member("required", required)
                writer.member(
                    "content",
                    object: { writer in
                        for mediaType in mediaTypes {
                            writer.member(mediaType, object: { writer in writer.member("schema", schema) })
                        }
                    })
            })
    }

    private func writeResponses(into writer: inout JSONWriter) {
        writer.member(
            "responses",
            object: { writer in
                switch primary.handler {
                case .admin(let endpoint):
                    writer.member(
                        String(endpoint.successStatus),
                        object: { writer in
                            writer.member("description", "The answer, as docs/configuration.md's run-time endpoints describe it.")
                            Self.writeContent(["application/json"], into: &writer)
                        })
                    writer.member(
                        "default",
                        object: { writer in
                            writer.member("description", "An error, in OpenAI's error shape.")
                            writer.member(
                                "content",
                                object: { writer in
                                    writer.member(
                                        "application/json",
                                        object: { writer in
                                            writer.member(
                                                "schema", ["$ref": .string("#/components/schemas/" + OpenAPIDocument.errorSchemaName)])
                                        })
                                })
                        })
                case .provider:
                    writeProviderResponses(into: &writer)
                }
            })
    }

    private func writeProviderResponses(into writer: inout JSONWriter) {
        var transports = Set<ProviderRoute.Transport>()
        for case .provider(_, let route) in entries.map(\.handler) { transports.formUnion(route.transports) }
        var mediaTypes: [String] = []
        if transports.contains(.http) { mediaTypes.append("application/json") }
        if transports.contains(.sse) { mediaTypes.append("text/event-stream") }
        if !mediaTypes.isEmpty {
            writer.member(
                "200",
                object: { writer in
                    writer.member(
                        "description",
                        transports.contains(.sse)
                            ? "The reply: one JSON body, or the stream when the request streams." : "The reply, one JSON body.")
                    Self.writeContent(mediaTypes, into: &writer)
                })
        }
        // Upgrades come as GETs, whatever the route's method: only a GET operation is one.
        if transports.contains(.websocket) && method == .get {
            writer.member(
                "101",
                object: { writer in
                    writer.member("description", "Switching Protocols: the connection becomes a WebSocket, each message one request.")
                })
        }
        writer.member(
            "default",
            object: { writer in
                writer.member("description", "An error, in the provider's own error shape.")
                Self.writeContent(["application/json"], into: &writer)
            })
    }

    /// `content` with a permissive schema for each media type: JSON bodies are objects,
    /// streams text.
    private static func writeContent(_ mediaTypes: [String], into writer: inout JSONWriter) {
        writer.member(
            "content",
            object: { writer in
                for mediaType in mediaTypes {
                    writer.member(
                        mediaType,
                        object: { writer in
                            writer.member(
                                "schema", object: { writer in writer.member("type", mediaType == "application/json" ? "object" : "string") }
                            )
                        })
                }
            })
    }

    // MARK: Extensions

    /// What OpenAPI has no words for: which provider and plugin serve the route, its operation
    /// name, transports, answerer and conditions; the same for each alternative route.
    private func writeExtensions(into writer: inout JSONWriter) {
        writeFacts(of: primary, prefix: "x-lyrebird-", into: &writer)
        guard entries.count > 1 else { return }
        writer.member(
            "x-lyrebird-alternatives",
            array: { writer in
                for entry in entries.dropFirst() {
                    writer.object { writer in writeFacts(of: entry, prefix: "", into: &writer) }
                }
            })
    }

    private func writeFacts(of entry: Entry, prefix: String, into writer: inout JSONWriter) {
        switch entry.handler {
        case .admin(let endpoint):
            writer.member(prefix + "admin", endpoint.operationName)
            writer.member(prefix + "transports", array: { writer in writer.string(ProviderRoute.Transport.http.rawValue) })
        case .provider(let provider, let route):
            writer.member(prefix + "provider", provider.name)
            if let plugin = Pipeline.plugin(of: provider) { writer.member(prefix + "plugin", plugin) }
            writer.member(prefix + "operation", route.operation)
            writer.member(
                prefix + "transports",
                array: { writer in for transport in route.transports.map(\.rawValue).sorted() { writer.string(transport) } })
            writer.member(prefix + "answered-by", route.answeredBy.rawValue)
        }
        if !entry.conditions.isEmpty {
            writer.member(
                prefix + "only-with",
                array: { writer in
                    for condition in entry.conditions {
                        writer.object { writer in
                            if let header = condition.header { writer.member("header", header) }
                            if let query = condition.queryItem { writer.member("query", query) }
                        }
                    }
                })
        }
        // A route whose parameters the template names otherwise: its provider reads its own names.
        if entry.pattern.parameterNames != parameterNames {
            writer.member(prefix + "path", entry.pattern.template)
        }
    }
}
