import LyrebirdPluginAPI

/// The journal: read, filtered and paged from the store (every host of a fleet sees the same),
/// and cleared.
extension AdminAPI {
    /// The most entries one page holds.
    static let largestPage = 1000

    /// The older `/journal`: the most recent 1,000 entries.
    func recentJournal() async -> WireResponse {
        do {
            let total = try await journal.entries(JournalQuery(limit: 0)).total
            let page = try await journal.entries(JournalQuery(offset: max(0, total - Self.largestPage), limit: Self.largestPage))
            return Self.json(headers: [Header(name: "x-total-count", value: String(total))]) { writer in
                writer.member("object", "list")
                writer.member("data", array: { writer in page.entries.forEach { Self.write($0, into: &writer) } })
            }
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
    }

    /// `GET /_lyrebird/journal?path=&fixture=&context=&request_id=&status=&since=&until=&offset=&limit=`.
    func queryJournal(_ request: WireRequest) async -> WireResponse {
        let query: JournalQuery
        switch Self.journalQuery(request) {
        case .success(let found): query = found
        case .failure(let error): return Self.errorResponse(error)
        }
        do {
            let page = try await journal.entries(query)
            return Self.json(headers: [Header(name: "x-total-count", value: String(page.total))]) { writer in
                writer.member("object", "list")
                writer.member("data", array: { writer in page.entries.forEach { Self.write($0, into: &writer) } })
                writer.member("total", page.total)
                writer.member("offset", query.offset)
                writer.member("limit", query.limit)
            }
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
    }

    func clearJournal() async -> WireResponse {
        do {
            try await journal.clear()
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        return Self.json { writer in
            writer.member("object", "journal")
            writer.member("cleared", true)
        }
    }

    /// The query a request's parameters ask for, or the 400 naming the one that is wrong.
    static func journalQuery(_ request: WireRequest) -> Result<JournalQuery, ReplyError> {
        var query = JournalQuery(
            path: request.queryItem("path"), source: request.queryItem("fixture"), context: request.queryItem("context"),
            requestID: request.queryItem("request_id"))
        func number(_ name: String, _ range: ClosedRange<Double>) -> Result<Double?, ReplyError> {
            guard let text = request.queryItem(name) else { return .success(nil) }
            guard let value = Double(text), range.contains(value) else {
                return .failure(
                    .invalidParameter(
                        name, "\(name) must be a number from \(range.lowerBound) to \(range.upperBound), not \(text.debugDescription)"))
            }
            return .success(value)
        }
        do throws(ReplyError) {
            query.status = try number("status", 100...599).get().map { Int($0) }
            query.since = try number("since", 0...1e12).get()
            query.until = try number("until", 0...1e12).get()
            query.offset = try number("offset", 0...1e9).get().map { Int($0) } ?? 0
            query.limit = try number("limit", 1...Double(largestPage)).get().map { Int($0) } ?? 100
        } catch {
            return .failure(error)
        }
        return .success(query)
    }

    /// An entry as the journal endpoints show it.
    static func write(_ entry: JournalEntry, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("request_id", entry.requestID)
            writer.member("time", entry.time)
            writer.member("method", entry.method)
            writer.member("path", entry.path)
            writer.member("provider", entry.provider)
            writer.member("plugin", entry.plugin)
            writer.member("operation", entry.operation)
            writer.member("model", entry.model)
            writer.member("source", entry.source)
            writer.member("status", entry.status)
            writer.member("streamed", entry.streamed)
            writer.member("error", entry.error)
            writer.member("warnings", array: { writer in entry.warnings.forEach { writer.string($0) } })
            writer.member("context", entry.context)
            writer.member("near_misses", array: { writer in entry.nearMisses.forEach { writer.string($0) } })
            writer.member("duration_ms", entry.durationMilliseconds)
            writer.member("api_key", entry.apiKey)
            if let delay = entry.retryAfterMilliseconds { writer.member("retry_after_ms", delay) }
            writer.member("request_body", entry.requestBody)
            writer.member("reply", entry.reply)
            if let parent = entry.traceParent { writer.member("traceparent", parent) }
            if !entry.faults.isEmpty { writer.member("faults", array: { writer in entry.faults.forEach { writer.string($0) } }) }
            if !entry.replyWrites.isEmpty {
                writer.member(
                    "reply_writes",
                    array: { writer in
                        for write in entry.replyWrites {
                            writer.object { writer in
                                writer.member("ms", write.milliseconds)
                                writer.member("text", write.text)
                            }
                        }
                    })
            }
            if let usage = entry.usage {
                writer.member(
                    "usage",
                    object: { writer in
                        writer.member("input_tokens", usage.promptTokens)
                        writer.member("output_tokens", usage.completionTokens)
                    })
            }
        }
    }
}
