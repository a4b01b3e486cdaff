import LyrebirdPluginAPI

/// The routes that read and delete stored responses: `GET /v1/responses/{response_id}`,
/// `DELETE /v1/responses/{response_id}` and `GET /v1/responses/{response_id}/input_items`.
enum StoredResponseRoutes {
    static let retrieve = "responses.retrieve"
    static let delete = "responses.delete"
    static let inputItems = "responses.input_items"

    static var routes: [ProviderRoute] {
        [
            ProviderRoute(
                method: .get, path: "/v1/responses/{response_id}", operation: retrieve, transports: [.http], answeredBy: .provider),
            ProviderRoute(
                method: .delete, path: "/v1/responses/{response_id}", operation: delete, transports: [.http], answeredBy: .provider),
            ProviderRoute(
                method: .get, path: "/v1/responses/{response_id}/input_items", operation: inputItems, transports: [.http],
                answeredBy: .provider),
        ]
    }

    static func answer(_ request: WireRequest, operation: String, store: ResponseStore) async throws(ReplyError) -> WireResponse {
        let id = request.pathParameters["response_id"] ?? ""
        switch operation {
        case delete:
            guard await store.remove(id) else { throw notFound(id) }
            var writer = JSONWriter(reservingCapacity: 96)
            writer.object { writer in
                writer.member("id", id)
                writer.member("object", "response.deleted")
                writer.member("deleted", true)
            }
            return WireResponse(status: 200, body: writer.bytes)
        case inputItems:
            guard let response = await store.current(id) else { throw notFound(id) }
            return WireResponse(status: 200, body: try page(of: response.input, request))
        default:
            guard let response = await store.current(id) else { throw notFound(id) }
            return WireResponse(status: 200, body: response.body)
        }
    }

    static func notFound(_ id: String) -> ReplyError {
        ReplyError(status: 404, message: "Response with id '\(id)' not found.", type: "invalid_request_error")
    }

    /// One page of `items` as the list shape: `order` (`desc`, newest first, by default),
    /// `limit` (1 to 100, default 20) and `after` (the id of the item before the page).
    private static func page(of items: [ResponseItem], _ request: WireRequest) throws(ReplyError) -> [UInt8] {
        var limit = 20
        if let text = request.queryItem("limit") {
            guard let number = Int(text) else {
                throw ReplyError.invalidParameter(
                    "limit", "Invalid 'limit': expected an integer, but got '\(text)' instead.", code: "invalid_type")
            }
            limit = try RequestFields.integer(.integer(Int64(number)), param: "limit", in: 1...100)
        }
        let order = request.queryItem("order") ?? "desc"
        guard order == "asc" || order == "desc" else { throw RequestFields.invalidValue("order", order, supported: ["asc", "desc"]) }
        let ordered = order == "asc" ? items : items.reversed()
        var start = ordered.startIndex
        if let after = request.queryItem("after") {
            // An id not in the list leaves nothing after it.
            start = ordered.firstIndex(where: { $0.id == after }).map { $0 + 1 } ?? ordered.endIndex
        }
        let page = ordered[start..<min(start + limit, ordered.endIndex)]

        var writer = JSONWriter(reservingCapacity: 256)
        writer.object { writer in
            writer.member("object", "list")
            writer.member(
                "data",
                array: { writer in
                    for item in page { item.write(into: &writer) }
                })
            writer.member("first_id", page.first?.id)
            writer.member("last_id", page.last?.id)
            writer.member("has_more", page.endIndex < ordered.endIndex)
        }
        return writer.bytes
    }
}
