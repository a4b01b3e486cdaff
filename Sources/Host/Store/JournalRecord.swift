import GRDB
import LyrebirdPluginAPI

/// A journal entry as a row of the SQLite `journal` table: the fields queries filter on in
/// columns of their own, the lists (warnings, near misses) as one JSON document.
enum JournalRecord {
    static func arguments(of entry: JournalEntry) -> StatementArguments {
        [
            entry.requestID, entry.time, entry.method, entry.path, entry.provider, entry.plugin, entry.operation, entry.model,
            entry.source, entry.status, entry.streamed, entry.error, entry.durationMilliseconds, entry.context, details(of: entry),
        ]
    }

    /// The lists of an entry as JSON text.
    static func details(of entry: JournalEntry) -> String {
        var details: [String: JSONValue] = [
            "warnings": .array(entry.warnings.map(JSONValue.string)),
            "near_misses": .array(entry.nearMisses.map(JSONValue.string)),
        ]
        if let key = entry.apiKey { details["api_key"] = .string(key) }
        if let delay = entry.retryAfterMilliseconds { details["retry_after_ms"] = .integer(Int64(delay)) }
        if let body = entry.requestBody { details["request_body"] = .string(body) }
        if let reply = entry.reply { details["reply"] = .string(reply) }
        if let parent = entry.traceParent { details["traceparent"] = .string(parent) }
        if !entry.faults.isEmpty { details["faults"] = .array(entry.faults.map(JSONValue.string)) }
        if !entry.replyWrites.isEmpty {
            details["reply_writes"] = .array(entry.replyWrites.map { .object(["ms": .number($0.milliseconds), "text": .string($0.text)]) })
        }
        if let usage = entry.usage {
            details["input_tokens"] = .integer(Int64(usage.promptTokens))
            details["output_tokens"] = .integer(Int64(usage.completionTokens))
        }
        return JSONValue.object(details).serialized
    }

    static func entry(from row: Row) -> JournalEntry {
        var entry = JournalEntry(
            requestID: row["request_id"], time: row["time"], method: row["method"], path: row["path"], provider: row["provider"],
            plugin: row["plugin"], operation: row["operation"], model: row["model"], source: row["source"], status: row["status"],
            streamed: row["streamed"], error: row["error"], durationMilliseconds: row["duration_ms"])
        entry.context = row["context"]
        applyDetails(row["details"], to: &entry)
        return entry
    }

    /// Reads the lists back from their JSON text.
    static func applyDetails(_ text: String, to entry: inout JournalEntry) {
        guard let details = try? JSONValue.parse(text) else { return }
        entry.warnings = details["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        entry.nearMisses = details["near_misses"]?.arrayValue?.compactMap(\.stringValue) ?? []
        entry.apiKey = details["api_key"]?.stringValue
        entry.retryAfterMilliseconds = details["retry_after_ms"]?.intValue
        entry.requestBody = details["request_body"]?.stringValue
        entry.reply = details["reply"]?.stringValue
        entry.traceParent = details["traceparent"]?.stringValue
        entry.faults = details["faults"]?.arrayValue?.compactMap(\.stringValue) ?? []
        entry.replyWrites =
            details["reply_writes"]?.arrayValue?.compactMap { write in
                guard let milliseconds = write["ms"]?.doubleValue, let text = write["text"]?.stringValue else { return nil }
                return ReplyWrite(milliseconds: milliseconds, text: text)
            } ?? []
        if let input = details["input_tokens"]?.intValue, let output = details["output_tokens"]?.intValue {
            entry.usage = Usage(promptTokens: input, completionTokens: output)
        }
    }

    /// ` WHERE ...` with `?` placeholders for what `query` selects, and their values.
    static func whereClause(_ query: JournalQuery) -> (String, [(any DatabaseValueConvertible)?]) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments.append(value)
        }
        add("path = ?", query.path)
        add("source = ?", query.source)
        add("context = ?", query.context)
        add("request_id = ?", query.requestID)
        add("status = ?", query.status)
        add("time >= ?", query.since)
        add("time < ?", query.until)
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), arguments)
    }
}
