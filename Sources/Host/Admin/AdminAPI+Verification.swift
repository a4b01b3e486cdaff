import LyrebirdPluginAPI

/// Checks a test asks the host to make, each answering 200 with what it found, or 422 with a
/// message that says what was expected and what happened instead.
extension AdminAPI {
    /// `GET /_lyrebird/verify/fixtures/{id}?times=N` (or `at_least`, `at_most`; `context` for one
    /// context's hits).
    func verifyHits(_ id: String, _ request: WireRequest) async -> WireResponse {
        guard fixtures.all.contains(where: { $0.id == id }) else { return Self.errorResponse(.fixtureNotFound(id)) }
        var bounds: [String: Int] = [:]
        for name in ["times", "at_least", "at_most"] {
            guard let text = request.queryItem(name) else { continue }
            guard let value = Int(text), value >= 0 else {
                return Self.errorResponse(.invalidParameter(name, "\(name) must be a whole number of hits, not \(text.debugDescription)"))
            }
            bounds[name] = value
        }
        guard !bounds.isEmpty else {
            return Self.errorResponse(.invalidParameter("times", "Say what to expect: times, at_least or at_most (hits)."))
        }
        let context = request.queryItem("context")
        let hits: Int
        do {
            let counts = try await fixtures.hits(of: id)
            hits = context.map { counts.contexts[$0] ?? 0 } ?? counts.total
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        var expected: [String] = []
        if let times = bounds["times"], hits != times { expected.append("exactly \(times)") }
        if let least = bounds["at_least"], hits < least { expected.append("at least \(least)") }
        if let most = bounds["at_most"], hits > most { expected.append("at most \(most)") }
        let scope = context.map { " in context \($0.debugDescription)" } ?? ""
        guard expected.isEmpty else {
            return Self.failed(
                "The fixture \(id.debugDescription) was hit \(hits) time\(hits == 1 ? "" : "s")\(scope); expected \(expected.joined(separator: " and "))."
            )
        }
        return Self.verified { writer in
            writer.member("fixture", id)
            writer.member("context", context)
            writer.member("hits", hits)
        }
    }

    /// `GET /_lyrebird/verify/unmatched` (`context` for one context's requests): no request
    /// went unanswered by a fixture.
    func verifyUnmatched(_ request: WireRequest) async -> WireResponse {
        let context = request.queryItem("context")
        let unmatched: [JournalEntry]
        do {
            unmatched = try await entries(of: context).filter { $0.source == "default" || ($0.source == "none" && !$0.nearMisses.isEmpty) }
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        let scope = context.map { " of context \($0.debugDescription)" } ?? ""
        guard unmatched.isEmpty else {
            let listed = unmatched.prefix(5).map { entry in
                let nearest = entry.nearMisses.first.map { "; nearest: \($0)" } ?? ""
                return "\(entry.method) \(entry.path) (\(entry.requestID))\(nearest)"
            }
            let more = unmatched.count > 5 ? "; and \(unmatched.count - 5) more" : ""
            return Self.failed(
                "\(unmatched.count) request\(unmatched.count == 1 ? "" : "s")\(scope) matched no fixture: \(listed.joined(separator: " | "))\(more)"
            )
        }
        return Self.verified { writer in writer.member("context", context) }
    }

    /// `POST /_lyrebird/verify/calls` with `{"context", "calls": [{"fixture", "path", "model",
    /// "operation", "status"}], "exact"}`: the context's requests, in order, are these calls
    /// (with `exact` false, these calls appear among them in this order).
    func verifyCalls(_ request: WireRequest) async -> WireResponse {
        let members: [String: JSONValue]
        switch Self.jsonObject(request) {
        case .success(let found): members = found
        case .failure(let error): return Self.errorResponse(error)
        }
        let known: Set<String> = ["context", "calls", "exact"]
        if let unknown = members.keys.first(where: { !known.contains($0) }) {
            return Self.errorResponse(
                .invalidParameter(unknown, "Unknown key \(unknown.debugDescription) (expected context, calls, exact)."))
        }
        guard let calls = members["calls"]?.arrayValue else {
            return Self.errorResponse(.invalidParameter("calls", "calls must be a list of {fixture, path, model, operation, status}."))
        }
        var expected: [ExpectedCall] = []
        for (index, call) in calls.enumerated() {
            switch ExpectedCall.parse(call) {
            case .success(let parsed): expected.append(parsed)
            case .failure(let problem): return Self.errorResponse(.invalidParameter("calls[\(index)]", problem.message))
            }
        }
        let context = members["context"]?.stringValue
        let exact = members["exact"]?.boolValue ?? true
        let made: [JournalEntry]
        do {
            made = try await entries(of: context)
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        let scope = context.map { "context \($0.debugDescription)" } ?? "the host"
        var next = 0
        for (number, call) in expected.enumerated() {
            if exact {
                guard next < made.count else {
                    return Self.failed(
                        "Call \(number + 1) of \(expected.count) (\(call)) was not made: \(scope) made \(made.count) call\(made.count == 1 ? "" : "s")."
                    )
                }
                if let mismatch = call.mismatch(made[next]) {
                    return Self.failed(
                        "Call \(number + 1) of \(expected.count) was expected to be \(call), but \(scope)'s call \(next + 1) \(mismatch).")
                }
                next += 1
            } else {
                guard let found = made[next...].firstIndex(where: { call.mismatch($0) == nil }) else {
                    return Self.failed(
                        "Call \(number + 1) of \(expected.count) (\(call)) was not made by \(scope) after the calls before it.")
                }
                next = found + 1
            }
        }
        if exact && next < made.count {
            return Self.failed(
                "\(scope) made \(made.count) calls, \(made.count - expected.count) more than the \(expected.count) expected; the next was \(made[next].method) \(made[next].path)."
            )
        }
        return Self.verified { writer in
            writer.member("context", context)
            writer.member("calls", made.count)
        }
    }

    /// Every journal entry of `context` (of every context when `nil`), oldest first.
    private func entries(of context: String?) async throws -> [JournalEntry] {
        var all: [JournalEntry] = []
        var query = JournalQuery(context: context, limit: Self.largestPage)
        while true {
            let page = try await journal.entries(query)
            all += page.entries
            guard page.entries.count == query.limit, all.count < page.total else { return all }
            query.offset += query.limit
        }
    }

    private static func verified(_ members: (inout JSONWriter) -> Void) -> WireResponse {
        json { writer in
            writer.member("object", "verification")
            writer.member("verified", true)
            members(&writer)
        }
    }

    private static func failed(_ message: String) -> WireResponse {
        errorResponse(ReplyError(status: 422, message: message, type: "verification_failed", code: "verification_failed"))
    }
}

/// One call a verification expects: the fields it names must be the request's.
struct ExpectedCall: CustomStringConvertible {
    var fixture: String?
    var path: String?
    var model: String?
    var operation: String?
    var status: Int?

    /// Reads a call of the request, or says what is wrong with it.
    static func parse(_ value: JSONValue) -> Result<ExpectedCall, ExpectedCallError> {
        guard case .object(let members) = value else {
            return .failure(ExpectedCallError(message: "a call is an object with fixture, path, model, operation or status"))
        }
        var call = ExpectedCall(fixture: nil, path: nil, model: nil, operation: nil, status: nil)
        for (key, member) in members {
            switch key {
            case "fixture": call.fixture = member.stringValue
            case "path": call.path = member.stringValue
            case "model": call.model = member.stringValue
            case "operation": call.operation = member.stringValue
            case "status":
                guard let status = member.intValue else { return .failure(ExpectedCallError(message: "status must be a number")) }
                call.status = status
                continue
            default:
                return .failure(
                    ExpectedCallError(message: "unknown key \(key.debugDescription) (expected fixture, path, model, operation, status)"))
            }
            if member.stringValue == nil { return .failure(ExpectedCallError(message: "\(key) must be a string")) }
        }
        return .success(call)
    }

    /// What in `entry` differs from this call, in words; `nil` when nothing does.
    func mismatch(_ entry: JournalEntry) -> String? {
        if let fixture, entry.source != fixture {
            return "was answered by \(entry.source.map { $0.debugDescription } ?? "nothing") (\(entry.method) \(entry.path))"
        }
        if let path, entry.path != path { return "was \(entry.method) \(entry.path)" }
        if let model, entry.model != model { return "asked for model \(entry.model.map { $0.debugDescription } ?? "none")" }
        if let operation, entry.operation != operation {
            return "was the operation \(entry.operation.map { $0.debugDescription } ?? "none")"
        }
        if let status, entry.status != status { return "was answered with status \(entry.status)" }
        return nil
    }

    var description: String {
        var parts: [String] = []
        if let fixture { parts.append("fixture \(fixture.debugDescription)") }
        if let path { parts.append("path \(path)") }
        if let model { parts.append("model \(model.debugDescription)") }
        if let operation { parts.append("operation \(operation)") }
        if let status { parts.append("status \(status)") }
        return parts.isEmpty ? "any call" : parts.joined(separator: ", ")
    }
}

/// What is wrong with a call a verification names.
struct ExpectedCallError: Error {
    let message: String
}
