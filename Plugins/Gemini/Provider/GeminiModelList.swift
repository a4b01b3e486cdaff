import LyrebirdPluginAPI

/// `GET /{version}/models` and `GET /{version}/models/{model}`: the host's models and the
/// provider's own, as Gemini `Model` resources named `models/<id>`, listed page by page.
struct GeminiModelList {
    /// Model ids in listing order, each once.
    let ids: [String]
    /// Display names for the models the provider offers.
    let displayNames: [String: String]

    init(host: HostInfo, offered: [(id: String, displayName: String)]) {
        var seen = Set<String>()
        var ids: [String] = []
        for id in host.models.map(\.id) + offered.map(\.id) where seen.insert(id).inserted { ids.append(id) }
        self.ids = ids
        self.displayNames = Dictionary(offered.map { ($0.id, $0.displayName) }, uniquingKeysWith: { first, _ in first })
    }

    /// The page that `pageSize` (default 50, at most 1000) and `pageToken` (the `nextPageToken`
    /// of the page before) ask for.
    func list(_ request: WireRequest) -> WireResponse {
        let pageSize = request.queryItem("pageSize").flatMap { Int($0) }.map { min(max($0, 1), 1000) } ?? 50
        let start: Int
        if let token = request.queryItem("pageToken"), !token.isEmpty {
            guard let offset = Int(token), ids.indices.contains(offset) else {
                return GeminiErrors.response(for: GeminiErrors.invalidArgument("Invalid page token.", param: "page_token"))
            }
            start = offset
        } else {
            start = 0
        }
        let end = min(start + pageSize, ids.count)
        var writer = JSONWriter(reservingCapacity: 64 + (end - start) * 320)
        writer.object { writer in
            writer.member(
                "models",
                array: { writer in
                    for id in ids[start..<end] { write(id, into: &writer) }
                })
            if end < ids.count { writer.member("nextPageToken", String(end)) }
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    /// One model, or Google's 404 for an id the host does not know.
    func model(_ id: String, version: String) -> WireResponse {
        guard ids.contains(id) else {
            let error = ReplyError(
                status: 404,
                message:
                    "models/\(id) is not found for API version \(version), or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
                type: "invalid_request_error")
            return GeminiErrors.response(for: error)
        }
        var writer = JSONWriter(reservingCapacity: 320)
        write(id, into: &writer)
        return WireResponse(status: 200, body: writer.bytes)
    }

    /// A `Model` resource. The limits and sampling defaults are those of current Gemini models,
    /// the same for every model: Lyrebird knows nothing more of them.
    private func write(_ id: String, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("name", "models/" + id)
            writer.member("version", "001")
            writer.member("displayName", displayNames[id] ?? id)
            writer.member("description", "\(displayNames[id] ?? id), served by Lyrebird.")
            writer.member("inputTokenLimit", 1_048_576)
            writer.member("outputTokenLimit", 65_536)
            writer.member(
                "supportedGenerationMethods",
                array: { writer in
                    for method in ["generateContent", "countTokens"] { writer.string(method) }
                })
            writer.member("temperature", 1.0)
            writer.member("topP", 0.95)
            writer.member("topK", 64)
            writer.member("maxTemperature", 2.0)
        }
    }
}
