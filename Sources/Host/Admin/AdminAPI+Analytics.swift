import Foundation
import LyrebirdPluginAPI

/// Usage analytics and client-behaviour verdicts, read from the journal (so over what it keeps:
/// `journal_max_entries`, `journal_max_age_seconds`), each per key when `key` is given. The
/// journal keeps real time, whatever clock quotas count by, and so do these.
extension AdminAPI {
    /// `GET /analytics/usage?start_date=&end_date=&granularity=day|hour&key=`: per period the
    /// requests and their breakdown by endpoint, and `total_records`. Dates are UTC days
    /// (`2026-12-06`), both included; by default the 30 days up to today.
    func usageAnalytics(_ request: WireRequest) async -> WireResponse {
        let now = Date().timeIntervalSince1970
        let today = Double(QuotaWindow.day.start(of: now))
        let granularity = request.queryItem("granularity") ?? "day"
        guard granularity == "day" || granularity == "hour" else {
            return Self.errorResponse(RequestFields.invalidValue("granularity", granularity, supported: ["day", "hour"]))
        }
        let start: Double
        let end: Double
        switch (Self.day("start_date", request, default: today - 29 * 86_400), Self.day("end_date", request, default: today)) {
        case (.success(let first), .success(let last)):
            (start, end) = (first, last + 86_400)
        case (.failure(let error), _), (_, .failure(let error)):
            return Self.errorResponse(error)
        }
        guard start < end else {
            return Self.errorResponse(.invalidParameter("start_date", "start_date must not be after end_date.", code: "invalid_value"))
        }
        let entries: [JournalEntry]
        do {
            entries = try await analyticsEntries(since: start, until: end, key: request.queryItem("key"))
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        let length = granularity == "day" ? 86_400.0 : 3600.0
        var periods: [Int64: (count: Int, endpoints: [String: Int])] = [:]
        for entry in entries {
            let period = Int64(((entry.time - start) / length).rounded(.down))
            periods[period, default: (0, [:])].count += 1
            periods[period, default: (0, [:])].endpoints[entry.path, default: 0] += 1
        }
        return Self.json { writer in
            writer.member("object", "analytics.usage")
            writer.member("granularity", granularity)
            writer.member("start_date", Self.dateText(start, granularity: "day"))
            writer.member("end_date", Self.dateText(end - 86_400, granularity: "day"))
            writer.member(
                "data",
                array: { writer in
                    for period in periods.keys.sorted() {
                        let counts = periods[period]!
                        writer.object { writer in
                            writer.member("period", Self.dateText(start + Double(period) * length, granularity: granularity))
                            writer.member("count", counts.count)
                            writer.member("by_endpoint", object: { writer in Self.writeCounts(counts.endpoints, into: &writer) })
                        }
                    }
                })
            writer.member("total_records", entries.count)
        }
    }

    /// `GET /analytics/summary?key=`: calls this month and today (UTC), their average response
    /// time, the most used model and the calls by endpoint this month.
    func summaryAnalytics(_ request: WireRequest) async -> WireResponse {
        let now = Date().timeIntervalSince1970
        let month = Double(QuotaWindow.month.start(of: now))
        let today = Double(QuotaWindow.day.start(of: now))
        let entries: [JournalEntry]
        do {
            entries = try await analyticsEntries(since: month, until: nil, key: request.queryItem("key"))
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        var models: [String: Int] = [:]
        var endpoints: [String: Int] = [:]
        for entry in entries {
            if let model = entry.model { models[model, default: 0] += 1 }
            endpoints[entry.path, default: 0] += 1
        }
        let mostUsed = models.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        let average = entries.isEmpty ? 0 : entries.reduce(0) { $0 + $1.durationMilliseconds } / Double(entries.count)
        return Self.json { writer in
            writer.member("object", "analytics.summary")
            writer.member("calls_this_month", entries.count)
            writer.member("calls_today", entries.filter { $0.time >= today }.count)
            writer.member("average_response_time_ms", (average * 100).rounded() / 100)
            writer.member("most_used_model", mostUsed)
            writer.member("calls_by_endpoint", object: { writer in Self.writeCounts(endpoints, into: &writer) })
        }
    }

    /// `GET /_lyrebird/verdicts?key=&context=`: per key and context, whether a client that got a
    /// 429 came back before its `retry-after`, and how many retries it made.
    func verdicts(_ request: WireRequest) async -> WireResponse {
        let entries: [JournalEntry]
        do {
            entries = try await analyticsEntries(since: nil, until: nil, key: request.queryItem("key"))
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        let context = request.queryItem("context")
        var groups: [ClientKey: [JournalEntry]] = [:]
        var order: [ClientKey] = []
        // In the order the requests arrived: a reply that streamed long is journaled when it ends.
        for entry in entries.sorted(by: { $0.time < $1.time }) where context == nil || entry.context == context {
            let client = ClientKey(key: entry.apiKey, context: entry.context ?? "global")
            if groups[client] == nil { order.append(client) }
            groups[client, default: []].append(entry)
        }
        return Self.json { writer in
            writer.member("object", "list")
            writer.member(
                "data",
                array: { writer in
                    for client in order { ClientVerdict(groups[client]!).write(client, into: &writer) }
                })
        }
    }

    /// The journal's entries in a time range, of one key or all, after writing what waits.
    private func analyticsEntries(since: Double?, until: Double?, key: String?) async throws -> [JournalEntry] {
        let page = try await journal.entries(JournalQuery(since: since, until: until, limit: Int(Int32.max)))
        guard let key else { return page.entries }
        return page.entries.filter { $0.apiKey == key }
    }

    /// The UTC day a parameter names (`2026-12-06`), as Unix seconds, or the 400 naming it.
    private static func day(_ name: String, _ request: WireRequest, default fallback: Double) -> Result<Double, ReplyError> {
        guard let text = request.queryItem(name) else { return .success(fallback) }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        if parts.count == 3, text.count == 10 {
            (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else {
            return .failure(
                .invalidParameter(name, "\(name) must be a date written YYYY-MM-DD, not \(text.debugDescription).", code: "invalid_value"))
        }
        return .success(date.timeIntervalSince1970)
    }

    private static func dateText(_ seconds: Double, granularity: String) -> String {
        let text = RateLimitHeaders.rfc3339(Int64(seconds))
        return granularity == "day" ? String(text.prefix(10)) : text
    }

    private static func writeCounts(_ counts: [String: Int], into writer: inout JSONWriter) {
        for (name, count) in counts.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) { writer.member(name, count) }
    }
}

/// A client as verdicts tell them apart: its key and its context.
private struct ClientKey: Hashable {
    let key: String?
    let context: String
}

/// How one client met its 429s.
private struct ClientVerdict {
    var requests = 0
    var rateLimited = 0
    var retries = 0
    var early = 0
    /// The shortest wait after a 429 against what it was told, in milliseconds.
    var shortestWait: (waited: Int, told: Int)?

    /// What a client's requests, in the order they arrived, say of it. A retry is early when it
    /// arrives more than 50 ms before the 429's `retry-after` ran out.
    init(_ entries: [JournalEntry]) {
        requests = entries.count
        for (index, entry) in entries.enumerated() where entry.status == 429 {
            rateLimited += 1
            guard index + 1 < entries.count, let told = entry.retryAfterMilliseconds else { continue }
            retries += 1
            let waited = Int(((entries[index + 1].time - entry.time) * 1000).rounded())
            if waited + 50 < told { early += 1 }
            if shortestWait.map({ waited < $0.waited }) ?? true { shortestWait = (waited, told) }
        }
    }

    func write(_ client: ClientKey, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("api_key", client.key)
            writer.member("context", client.context)
            writer.member("requests", requests)
            writer.member("rate_limited", rateLimited)
            writer.member("retries", retries)
            writer.member("early_retries", early)
            if let shortestWait {
                writer.member("shortest_wait_ms", shortestWait.waited)
                writer.member("retry_after_ms", shortestWait.told)
            }
            let verdict = rateLimited == 0 ? "not_rate_limited" : early > 0 ? "ignores_retry_after" : "backs_off"
            writer.member("verdict", verdict)
        }
    }
}
