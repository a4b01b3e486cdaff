import LyrebirdPluginAPI

/// The fixtures: listed in match order with their hits, one at a time, and the run-time ones
/// created, replaced, deleted and reordered.
extension AdminAPI {
    func listFixtures(legacy: Bool) async -> WireResponse {
        let all = fixtures.all
        var hits: [String: (total: Int, contexts: [String: Int])] = [:]
        let neverHit: [Fixture]
        do {
            for fixture in all { hits[fixture.id] = try await fixtures.hits(of: fixture.id) }
            neverHit = try await fixtures.neverHit()
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        // Which fixtures an earlier one always answers for, as a file's are checked at load.
        let placed = all.enumerated().map { ConfigDecoder.PlacedFixture(fixture: $1, number: $0 + 1, line: nil, column: nil) }
        var shadowed: [Int: String] = [:]
        for problem in ConfigDecoder(file: "").unreachableFixtures(placed) {
            if let number = placed.first(where: { $0.label == problem.fixture })?.number { shadowed[number - 1] = problem.message }
        }
        let write = { (writer: inout JSONWriter) in
            for (index, fixture) in all.enumerated() {
                writer.object { writer in
                    describeMembers(fixture, hits: hits[fixture.id] ?? (0, [:]), text: nil, into: &writer)
                    if let reason = shadowed[index] { writer.member("shadowed", reason) }
                }
            }
        }
        return Self.json { writer in
            writer.member("object", "list")
            // Earlier releases answered `data`; the hosted service's clients read `fixtures`.
            if legacy { writer.member("data", array: write) }
            writer.member("fixtures", array: write)
            writer.member("count", all.count)
            writer.member("never_hit", array: { writer in neverHit.forEach { writer.string($0.id) } })
        }
    }

    func fixture(_ id: String) async -> WireResponse {
        guard let fixture = fixtures.all.first(where: { $0.id == id }) else { return Self.errorResponse(.fixtureNotFound(id)) }
        do {
            let hits = try await fixtures.hits(of: id)
            let text = try await fixtures.store.engine.runtimeFixtures().first { $0.id == id }?.text
            return Self.json { writer in describeMembers(fixture, hits: hits, text: text, into: &writer) }
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
    }

    private func describeMembers(
        _ fixture: Fixture, hits: (total: Int, contexts: [String: Int]), text: String?, into writer: inout JSONWriter
    ) {
        writer.member("id", fixture.id)
        writer.member("object", "fixture")
        writer.member("name", fixture.name)
        writer.member("priority", fixture.priority)
        let origin: String
        switch fixtures.origin(of: fixture.id) {
        case .file?: origin = "file"
        case .code?: origin = "code"
        case .posted?, nil: origin = "runtime"
        }
        writer.member("origin", origin)
        writer.member("match", fixture.match.summary)
        writer.member("reply", fixture.replies[0].summary)
        writer.member("replies", fixture.replies.count)
        if let location = fixture.location { writer.member("location", location) }
        writer.member("hits", hits.total)
        writer.member(
            "hits_by_context",
            object: { writer in
                for (context, count) in hits.contexts.sorted(by: { $0.key < $1.key }) { writer.member(context, count) }
            })
        if let text { writer.member("text", text) }
    }

    func createFixture(_ request: WireRequest) async -> WireResponse {
        var text = String(decoding: request.body, as: UTF8.self)
        if case .success(let members) = Self.jsonObject(request), members["response"] != nil, members["reply"] == nil {
            switch Self.fixtureText(pattern: members["pattern"], response: members["response"]!, name: members["name"] ?? members["id"]) {
            case .success(let translated): text = translated
            case .failure(let error): return Self.errorResponse(error)
            }
        }
        switch await runtime.add(text) {
        case .success(let id):
            let fixture = fixtures.all.first { $0.id == id }
            return Self.json(status: 201) { writer in
                writer.member("id", id)
                writer.member("object", "fixture")
                writer.member("name", fixture?.name)
                writer.member("priority", fixture?.priority ?? 0)
                writer.member("origin", "runtime")
            }
        case .failure(let error):
            return Self.errorResponse(error)
        }
    }

    func replaceFixture(_ id: String, _ request: WireRequest) async -> WireResponse {
        switch await runtime.replace(id, with: String(decoding: request.body, as: UTF8.self)) {
        case .success:
            return Self.json { writer in
                writer.member("id", id)
                writer.member("object", "fixture")
                writer.member("replaced", true)
            }
        case .failure(let error):
            return Self.errorResponse(error)
        }
    }

    /// Deletes a fixture; through the older path, a fixture of the file or of code is removed
    /// from memory as before, until the host starts again.
    func deleteFixture(_ id: String, memoryOnlyAllowed: Bool) async -> WireResponse {
        let origin = fixtures.origin(of: id)
        if memoryOnlyAllowed, origin == .file || origin == .code {
            fixtures.remove(id: id)
        } else if case .failure(let error) = await runtime.delete(id) {
            return Self.errorResponse(error)
        }
        return Self.json { writer in
            writer.member("id", id)
            writer.member("object", "fixture")
            writer.member("deleted", true)
        }
    }

    func reorderFixtures(_ request: WireRequest) async -> WireResponse {
        let members: [String: JSONValue]
        switch Self.jsonObject(request) {
        case .success(let found): members = found
        case .failure(let error): return Self.errorResponse(error)
        }
        guard members.keys.allSatisfy({ $0 == "order" }), let order = members["order"]?.arrayValue,
            order.allSatisfy({ $0.stringValue != nil })
        else {
            return Self.errorResponse(.invalidParameter("order", "The body is {\"order\": [fixture ids]}.", code: "invalid_order"))
        }
        switch await runtime.reorder(order.compactMap(\.stringValue)) {
        case .success:
            return Self.json { writer in
                writer.member("object", "list")
                writer.member("order", array: { writer in fixtures.posted.forEach { writer.string($0.fixture.id) } })
            }
        case .failure(let error):
            return Self.errorResponse(error)
        }
    }

    /// Starts the reply sequences of one context (`{"context": "..."}`) or of all again.
    func resetSequences(_ request: WireRequest) async -> WireResponse {
        let members: [String: JSONValue]
        switch Self.jsonObject(request) {
        case .success(let found): members = found
        case .failure(let error): return Self.errorResponse(error)
        }
        guard members.keys.allSatisfy({ $0 == "context" }) else {
            return Self.errorResponse(
                .invalidParameter("body", "The body may hold only context, a context id; without it every context is reset."))
        }
        var context: String?
        switch members["context"] {
        case nil: break
        case .string(let id)?: context = id
        default: return Self.errorResponse(.invalidParameter("context", "context must be a string, a context id."))
        }
        let count: Int
        do {
            count = try await fixtures.resetSequences(context: context)
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        return Self.json { writer in
            writer.member("object", "sequences.reset")
            writer.member("context", context)
            writer.member("contexts_reset", count)
        }
    }

    /// A fixture's text from the hosted service's form: `pattern` (conditions, `model` and the
    /// others of a fixture's `match`) and `response`, a whole `chat.completion` object whose
    /// first choice becomes the reply (its content, tool calls and finish reason) and whose
    /// usage is reported as given. Its id and `created` are made afresh for each answer.
    static func fixtureText(pattern: JSONValue?, response: JSONValue, name: JSONValue?) -> Result<String, ReplyError> {
        guard case .object = response, let choice = response["choices"]?.arrayValue?.first, let message = choice["message"] else {
            return .failure(
                .invalidParameter("response", "response must be a chat.completion object with choices[0].message", code: "invalid_fixture"))
        }
        var reply: [String: JSONValue] = [:]
        if let content = message["content"], case .string = content { reply["content"] = content }
        if let calls = message["tool_calls"]?.arrayValue, !calls.isEmpty {
            reply["tool_calls"] = .array(
                calls.map { call in
                    var spec: [String: JSONValue] = ["name": call["function"]?["name"] ?? .string("")]
                    if let id = call["id"], case .string = id { spec["id"] = id }
                    if let arguments = call["function"]?["arguments"], case .string = arguments { spec["arguments"] = arguments }
                    return .object(spec)
                })
        }
        if let reason = choice["finish_reason"], case .string = reason { reply["finish_reason"] = reason }
        if let usage = response["usage"], let prompt = usage["prompt_tokens"], let completion = usage["completion_tokens"] {
            reply["usage"] = ["prompt_tokens": prompt, "completion_tokens": completion]
        }
        if reply["content"] == nil && reply["tool_calls"] == nil { reply["content"] = "" }
        var fixture: [String: JSONValue] = ["reply": .object(reply)]
        if let pattern, !pattern.isNull { fixture["match"] = pattern }
        if let name, case .string = name { fixture["name"] = name }
        return .success(JSONValue.object(fixture).serialized)
    }
}
