import Foundation
import LyrebirdPluginAPI
import Yams

/// Reads a configuration document (YAML, or JSON, which is YAML too) into a
/// `HostConfiguration`, collecting every problem with its location instead of stopping at the first.
struct ConfigDecoder {
    let file: String
    private(set) var problems: [ConfigProblem] = []
    var currentFixture: String?
    /// What Lua scripts in fixtures are built with; settings and extensions are read first.
    var lua = LuaEnvironment()
    /// Which files `lua: FILE` may name.
    var scriptFiles = ScriptFileAccess.any
    /// What the document may cost once its aliases are expanded.
    var budget = YAMLBudget()
    /// The document's size as `budget` measured it, once composed.
    private(set) var measuredSize = 0
    /// The bound the document passed, if it passed one.
    private(set) var exceededBound: YAMLBudget.Exceeded.Bound?
    /// Fixtures an earlier one always answers for (see `unreachableFixtures`).
    private(set) var unreachable: [ConfigProblem] = []

    init(file: String) {
        self.file = file
    }

    // MARK: Entry points

    /// Decodes a whole configuration document.
    mutating func decodeDocument(_ text: String, into configuration: inout HostConfiguration) {
        guard let root = compose(text) else { return }
        guard let mapping = root.mapping else {
            report(root, key: "", "the document must be a mapping with a `fixtures` list")
            return
        }
        // Settings and extensions first: Lua fixtures are built with them.
        for (keyNode, value) in mapping where keyNode.string == "settings" {
            decodeSettings(value, into: &configuration)
        }
        for (keyNode, value) in mapping where keyNode.string == "lua_extensions" {
            configuration.luaNatives = decodeLuaExtensions(value)
        }
        lua = LuaEnvironment(
            limits: configuration.luaLimits, natives: configuration.luaNatives, streamChunkCharacters: configuration.streamChunkCharacters)
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "settings", "lua_extensions":
                continue
            case "fixtures":
                guard let sequence = value.sequence else {
                    report(value, key: "fixtures", "must be a list of fixtures")
                    continue
                }
                var placed: [PlacedFixture] = []
                for (index, node) in sequence.enumerated() {
                    guard var fixture = decodeFixture(node, number: index + 1) else { continue }
                    if let line = node.mark?.line { fixture.location = "\((file as NSString).lastPathComponent):\(line)" }
                    configuration.fixtures.append(fixture)
                    placed.append(PlacedFixture(fixture: fixture, number: index + 1, line: node.mark?.line, column: node.mark?.column))
                }
                unreachable = unreachableFixtures(placed)
            case "plugins":
                configuration.plugins += decodePlugins(value)
            case "seed":
                if let seed = integer(value, path: "seed", range: 0...Int.max) { configuration.faults.seed = UInt64(seed) }
            case "faults":
                configuration.faults.rules = decodeFaultRules(value, path: "faults")
            case "timing":
                configuration.faults.timings = decodeTimingRules(value, path: "timing")
            default:
                report(keyNode, key: key, "unknown key (expected fixtures, settings, plugins, lua_extensions, seed, faults or timing)")
            }
        }
        checkUniqueNames(configuration.fixtures)
    }

    /// Decodes one fixture given on its own (the `POST /fixtures` body).
    mutating func decodeSingleFixture(_ text: String) -> Fixture? {
        guard let root = compose(text) else { return nil }
        return decodeFixture(root, number: 1)
    }

    mutating func compose(_ text: String) -> Node? {
        do throws(YAMLBudget.Exceeded) {
            measuredSize = try budget.check(text)
        } catch {
            exceededBound = error.bound
            problems.append(ConfigProblem(file: file, line: error.line, column: error.column, key: "", message: error.message))
            return nil
        }
        do {
            guard let root = try Yams.compose(yaml: text) else {
                problems.append(ConfigProblem(file: file, key: "", message: "the document is empty"))
                return nil
            }
            return root
        } catch let error as YamlError {
            problems.append(Self.problem(from: error, file: file))
            return nil
        } catch {
            problems.append(ConfigProblem(file: file, key: "", message: "cannot parse: \(error)"))
            return nil
        }
    }

    private static func problem(from error: YamlError, file: String) -> ConfigProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigProblem(file: file, line: mark.line, column: mark.column, key: "", message: "syntax error: \(problem)")
        default:
            return ConfigProblem(file: file, key: "", message: "syntax error: \(error)")
        }
    }

    // MARK: Fixtures

    private mutating func decodeFixture(_ node: Node, number: Int) -> Fixture? {
        currentFixture = "fixture #\(number)"
        defer { currentFixture = nil }
        guard let mapping = node.mapping else {
            report(node, key: "", "a fixture must be a mapping with `match` and `reply` (or `replies`)")
            return nil
        }
        if let name = mapping["name"]?.string {
            currentFixture = "fixture #\(number) \(name.debugDescription)"
        }
        let problemsBefore = problems.count
        var name: String?
        var condition = MatchCondition.always
        var reply: FixtureReply?
        var steps: [ReplySequence.Step]?
        var afterLast = ReplySequence.AfterLast.repeatLast
        var priority = 0
        var timing: ReplyTiming?
        var fault: Fault?
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "name": name = string(value, path: "name")
            case "match": condition = decodeConditions(value, path: "match") ?? .always
            case "reply":
                let (replyNode, replyFault) = splitFault(value, path: "reply")
                if let replyFault {
                    if mapping["fault"] != nil { report(value, key: "reply.fault", "give the fault once: beside reply or inside it") }
                    fault = replyFault
                }
                reply = replyNode.map { decodeReply($0, path: "reply") } ?? .message(StaticReply())
            case "fault": fault = decodeFault(value, path: "fault")
            case "replies": steps = decodeReplySteps(value, path: "replies")
            case "after_last":
                if let text = string(value, path: "after_last") {
                    if let policy = ReplySequence.AfterLast(rawValue: text) {
                        afterLast = policy
                    } else {
                        let known = ReplySequence.AfterLast.allCases.map(\.rawValue).joined(separator: ", ")
                        report(value, key: "after_last", "unknown policy \(text.debugDescription) (expected \(known))")
                    }
                }
            case "priority": priority = integer(value, path: "priority", range: -1_000_000...1_000_000) ?? 0
            case "timing": timing = decodeTiming(value, path: "timing")
            default: report(keyNode, key: key, "unknown key (expected name, match, reply, replies, after_last, priority, timing, fault)")
            }
        }
        switch (mapping["reply"], mapping["replies"]) {
        case (nil, nil): report(node, key: "reply", "missing: every fixture needs a reply (or a list of replies)")
        case (.some, .some): report(node, key: "replies", "give reply or replies, not both")
        case (.some, nil) where mapping["after_last"] != nil: report(node, key: "after_last", "applies only to a list of replies")
        default: break
        }
        guard problems.count == problemsBefore else { return nil }
        if let steps, !steps.isEmpty {
            var fixture = Fixture(
                name: name, match: condition, sequence: ReplySequence(steps, afterLast: afterLast), priority: priority, timing: timing)
            fixture.fault = fault
            return fixture
        }
        guard let reply else { return nil }
        var fixture = Fixture(name: name, match: condition, reply: reply, priority: priority, timing: timing)
        fixture.fault = fault
        return fixture
    }

    /// `replies`: a list of replies served in turn, each with an optional `times`.
    private mutating func decodeReplySteps(_ node: Node, path: String) -> [ReplySequence.Step]? {
        guard let list = node.sequence, !list.isEmpty else {
            report(node, key: path, "must be a non-empty list of replies")
            return nil
        }
        var steps: [ReplySequence.Step] = []
        for (index, item) in list.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard var mapping = item.mapping else {
                report(item, key: itemPath, "must be a mapping like a fixture's reply, with an optional times")
                continue
            }
            var times = 1
            if let timesNode = mapping["times"] {
                times = integer(timesNode, path: "\(itemPath).times", range: 1...1_000_000) ?? 1
                mapping["times"] = nil
            }
            let (replyNode, fault) = splitFault(.mapping(mapping), path: itemPath)
            guard let reply = replyNode.map({ decodeReply($0, path: itemPath) }) ?? .message(StaticReply()) else { continue }
            var step = ReplySequence.Step(reply, times: times)
            step.fault = fault
            steps.append(step)
        }
        return steps
    }

    /// A reply's mapping without its `fault` key, and the fault; `nil` for a reply that has
    /// nothing but its fault (it answers with an empty message, if the fault lets it answer).
    private mutating func splitFault(_ node: Node, path: String) -> (reply: Node?, fault: Fault?) {
        guard var mapping = node.mapping, let faultNode = mapping["fault"] else { return (node, nil) }
        let fault = decodeFault(faultNode, path: "\(path).fault")
        mapping["fault"] = nil
        return (mapping.isEmpty ? nil : .mapping(mapping), fault)
    }

    /// The keys a timing takes.
    static let timingKeys = "first_token_ms, tokens_per_second, header_latency_ms, jitter, chunk, end_pause_ms"

    mutating func decodeTiming(_ node: Node, path: String, extraKeys: Set<String> = []) -> ReplyTiming? {
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping (\(Self.timingKeys))")
            return nil
        }
        var timing = ReplyTiming()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let keyPath = "\(path).\(key)"
            switch key {
            case "first_token_ms":
                timing.firstTokenMilliseconds = integer(value, path: keyPath, range: 0...3_600_000) ?? 0
            case "tokens_per_second":
                timing.tokensPerSecond = number(value, path: keyPath, range: 0.001...1_000_000)
            case "header_latency_ms":
                timing.headerLatencyMilliseconds = integer(value, path: keyPath, range: 0...3_600_000) ?? 0
            case "end_pause_ms":
                timing.endPauseMilliseconds = integer(value, path: keyPath, range: 0...3_600_000) ?? 0
            case "jitter":
                timing.jitter = decodeJitter(value, path: keyPath)
            case "chunk":
                timing.chunk = decodeChunk(value, path: keyPath)
            case _ where extraKeys.contains(key):
                continue
            default:
                report(keyNode, key: keyPath, "unknown key (expected \(Self.timingKeys))")
            }
        }
        return timing
    }

    /// `{fixed: {ms}}`, `{uniform: {min_ms, max_ms}}`, `{normal: {mean_ms, sd_ms}}` or
    /// `{log_normal: {mu, sigma}}`.
    private mutating func decodeJitter(_ node: Node, path: String) -> Jitter? {
        let expected = "one of fixed: {ms}, uniform: {min_ms, max_ms}, normal: {mean_ms, sd_ms}, log_normal: {mu, sigma}"
        guard let mapping = node.mapping, mapping.count == 1, let (nameNode, parameters) = mapping.first,
            let name = nameNode.string, let fields = parameters.mapping
        else {
            report(node, key: path, "must be \(expected)")
            return nil
        }
        let distributionPath = "\(path).\(name)"
        var values: [String: Double] = [:]
        let keys: [String]
        switch name {
        case "fixed": keys = ["ms"]
        case "uniform": keys = ["min_ms", "max_ms"]
        case "normal": keys = ["mean_ms", "sd_ms"]
        case "log_normal": keys = ["mu", "sigma"]
        default:
            report(nameNode, key: distributionPath, "unknown distribution (expected \(expected))")
            return nil
        }
        for (keyNode, value) in fields {
            let key = keyNode.string ?? ""
            guard keys.contains(key) else {
                report(keyNode, key: "\(distributionPath).\(key)", "unknown key (expected \(keys.joined(separator: ", ")))")
                continue
            }
            let range: ClosedRange<Double> = key == "mu" || key == "sigma" ? (key == "mu" ? -20...20 : 0...20) : 0...3_600_000
            values[key] = number(value, path: "\(distributionPath).\(key)", range: range)
        }
        switch name {
        case "fixed":
            guard let milliseconds = values["ms"] else { break }
            return .fixed(milliseconds: milliseconds)
        case "uniform":
            guard let low = values["min_ms"], let high = values["max_ms"] else { break }
            guard low <= high else {
                report(parameters, key: distributionPath, "min_ms must not be above max_ms")
                return nil
            }
            return .uniform(minimumMilliseconds: low, maximumMilliseconds: high)
        case "normal":
            guard let deviation = values["sd_ms"] else { break }
            return .normal(meanMilliseconds: values["mean_ms"] ?? 0, standardDeviationMilliseconds: deviation)
        default:
            guard let mu = values["mu"], let sigma = values["sigma"] else { break }
            return .logNormal(mu: mu, sigma: sigma)
        }
        let needed = name == "normal" ? ["sd_ms"] : keys
        report(parameters, key: distributionPath, "needs \(needed.joined(separator: " and "))")
        return nil
    }

    /// `{characters: N}`, `{words: N}` or `{tokens: N}`.
    private mutating func decodeChunk(_ node: Node, path: String) -> ChunkSize? {
        guard let mapping = node.mapping, mapping.count == 1, let (nameNode, value) = mapping.first, let name = nameNode.string else {
            report(node, key: path, "must be one of characters: N, words: N, tokens: N")
            return nil
        }
        guard let size = integer(value, path: "\(path).\(name)", range: 1...1_000_000) else { return nil }
        switch name {
        case "characters": return .characters(size)
        case "words": return .words(size)
        case "tokens": return .tokens(size)
        default:
            report(nameNode, key: "\(path).\(name)", "unknown chunk size (expected characters, words or tokens)")
            return nil
        }
    }

    private mutating func checkUniqueNames(_ fixtures: [Fixture]) {
        var seen = Set<String>()
        for fixture in fixtures {
            guard let name = fixture.name else { continue }
            if !seen.insert(name).inserted {
                problems.append(
                    ConfigProblem(file: file, key: "name", message: "fixture name \(name.debugDescription) is used more than once"))
            }
        }
    }

    // MARK: Match conditions

    // MARK: Replies

    private mutating func decodeReply(_ node: Node, path: String) -> FixtureReply? {
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping with content, tool_calls, error or responder")
            return nil
        }
        var staticReply = StaticReply()
        var error: ReplyError?
        var responder: String?
        var script: (any Responder)?
        var parameters = JSONValue.null
        var hasMessage = false
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let keyPath = "\(path).\(key)"
            switch key {
            case "content":
                hasMessage = true
                staticReply.content = string(value, path: keyPath)
            case "tool_calls":
                hasMessage = true
                staticReply.toolCalls = decodeToolCalls(value, path: keyPath)
            case "finish_reason":
                if let text = string(value, path: keyPath) {
                    if let reason = FinishReason(rawValue: text) {
                        staticReply.finishReason = reason
                    } else {
                        report(
                            value, key: keyPath,
                            "unknown finish reason \(text.debugDescription) (expected \(FinishReason.allCases.map(\.rawValue).joined(separator: ", ")))"
                        )
                    }
                }
            case "usage":
                staticReply.usage = decodeUsage(value, path: keyPath)
            case "reasoning":
                hasMessage = true
                staticReply.reasoning = string(value, path: keyPath)
            case "redacted_reasoning":
                hasMessage = true
                if value.scalar != nil {
                    staticReply.redactedReasoning = string(value, path: keyPath).map { [$0] } ?? []
                } else {
                    staticReply.redactedReasoning = strings(value, path: keyPath) ?? []
                }
            case "embedding":
                hasMessage = true
                if let vector = vector(value, path: keyPath) { staticReply.embeddings = [vector] }
            case "embeddings":
                hasMessage = true
                if let sequence = value.sequence {
                    staticReply.embeddings = sequence.enumerated().compactMap { index, element in
                        vector(element, path: "\(keyPath)[\(index)]")
                    }
                } else {
                    report(value, key: keyPath, "must be a list of vectors (lists of numbers)")
                }
            case "error":
                error = decodeError(value, path: keyPath)
            case "responder":
                responder = string(value, path: keyPath)
            case "params", "parameters":
                parameters = jsonValue(value)
            case "lua":
                script = decodeLuaResponder(value, path: keyPath, inline: false)
            case "lua_inline":
                script = decodeLuaResponder(value, path: keyPath, inline: true)
            default:
                report(
                    keyNode, key: keyPath,
                    "unknown key (expected content, reasoning, redacted_reasoning, tool_calls, finish_reason, usage, embedding, embeddings, error, responder, lua, lua_inline, params)"
                )
            }
        }
        let hasScript = mapping["lua"] != nil || mapping["lua_inline"] != nil
        let kinds = [hasMessage, mapping["error"] != nil, mapping["responder"] != nil, hasScript].filter { $0 }.count
        if kinds > 1 {
            report(node, key: path, "give only one of content/tool_calls, error, responder, lua, lua_inline")
            return nil
        }
        if let error { return .error(error) }
        if let responder { return .responder(name: responder, parameters: parameters) }
        if let script { return .custom(script, parameters: parameters) }
        // Usage or a finish reason alone is a reply with no text of its own: the one a forced
        // tool or a JSON response format generates, or an empty one.
        if kinds == 0 && (mapping["usage"] != nil || mapping["finish_reason"] != nil) { return .message(staticReply) }
        if kinds == 0 {
            report(node, key: path, "needs content, tool_calls, error, responder, lua or lua_inline")
            return nil
        }
        guard hasMessage else { return nil }
        return .message(staticReply)
    }

    private mutating func decodeToolCalls(_ node: Node, path: String) -> [StaticReply.ToolCallSpec] {
        guard let sequence = node.sequence else {
            report(node, key: path, "must be a list of {name, arguments}")
            return []
        }
        var calls: [StaticReply.ToolCallSpec] = []
        for (index, item) in sequence.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let mapping = item.mapping else {
                report(item, key: itemPath, "must be a mapping with name and arguments")
                continue
            }
            var name: String?
            var id: String?
            var arguments: String?
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? ""
                switch key {
                case "name": name = string(value, path: "\(itemPath).name")
                case "id": id = string(value, path: "\(itemPath).id")
                case "arguments":
                    if value.scalar != nil, let text = value.string {
                        guard (try? JSONValue.parse(text)) != nil else {
                            report(
                                value, key: "\(itemPath).arguments", "a string must hold JSON text; give a mapping for structured arguments"
                            )
                            continue
                        }
                        arguments = text
                    } else {
                        arguments = jsonValue(value).serialized
                    }
                default:
                    report(keyNode, key: "\(itemPath).\(key)", "unknown key (expected name, arguments, id)")
                }
            }
            guard let name else {
                report(item, key: "\(itemPath).name", "missing: every tool call needs a name")
                continue
            }
            // Without arguments, the host makes them from the declared tool's schema.
            calls.append(
                arguments.map { StaticReply.ToolCallSpec(id: id, name: name, arguments: $0) }
                    ?? StaticReply.ToolCallSpec(id: id, name: name))
        }
        return calls
    }

    private mutating func decodeUsage(_ node: Node, path: String) -> Usage? {
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping with prompt_tokens and completion_tokens")
            return nil
        }
        var usage = Usage(promptTokens: 0, completionTokens: 0)
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let count = integer(value, path: "\(path).\(key)", range: 0...Int(Int32.max)) ?? 0
            switch key {
            case "prompt_tokens": usage.promptTokens = count
            case "completion_tokens": usage.completionTokens = count
            case "cached_tokens": usage.cachedTokens = count
            case "reasoning_tokens": usage.reasoningTokens = count
            default:
                report(
                    keyNode, key: "\(path).\(key)",
                    "unknown key (expected prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens)")
            }
        }
        return usage
    }

    private mutating func decodeError(_ node: Node, path: String) -> ReplyError? {
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping with status and message")
            return nil
        }
        var status = 500
        var message: String?
        var type: String?
        var code: String?
        var param: String?
        var retryAfter: Int?
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let keyPath = "\(path).\(key)"
            switch key {
            case "status": status = integer(value, path: keyPath, range: 400...599) ?? 500
            case "message": message = string(value, path: keyPath)
            case "type": type = string(value, path: keyPath)
            case "code": code = string(value, path: keyPath)
            case "param": param = string(value, path: keyPath)
            case "retry_after_ms": retryAfter = integer(value, path: keyPath, range: 0...120_000)
            default: report(keyNode, key: keyPath, "unknown key (expected status, message, type, code, param, retry_after_ms)")
            }
        }
        guard let message else {
            report(node, key: "\(path).message", "missing: an error needs a message")
            return nil
        }
        return ReplyError(status: status, message: message, type: type, param: param, code: code, retryAfterMilliseconds: retryAfter)
    }

    // MARK: Scalars

    mutating func string(_ node: Node, path: String) -> String? {
        guard node.scalar != nil, let text = node.string else {
            report(node, key: path, "must be a string")
            return nil
        }
        return text
    }

    /// A non-empty list of numbers.
    private mutating func vector(_ node: Node, path: String) -> [Double]? {
        guard let sequence = node.sequence, !sequence.isEmpty else {
            report(node, key: path, "must be a non-empty list of numbers")
            return nil
        }
        var numbers: [Double] = []
        for (index, element) in sequence.enumerated() {
            guard let number = number(element, path: "\(path)[\(index)]", range: -1e30...1e30) else { return nil }
            numbers.append(number)
        }
        return numbers
    }

    /// A list of strings; a single string is a list of one.
    mutating func strings(_ node: Node, path: String) -> [String]? {
        if node.scalar != nil { return string(node, path: path).map { [$0] } }
        guard let sequence = node.sequence else {
            report(node, key: path, "must be a list of strings")
            return nil
        }
        var values: [String] = []
        for (index, element) in sequence.enumerated() {
            guard let value = string(element, path: "\(path)[\(index)]") else { return nil }
            values.append(value)
        }
        return values
    }

    mutating func bool(_ node: Node, path: String) -> Bool? {
        guard node.tag.rawValue == Tag.Name.bool.rawValue, let value = node.bool else {
            report(node, key: path, "must be true or false")
            return nil
        }
        return value
    }

    mutating func integer(_ node: Node, path: String, range: ClosedRange<Int>) -> Int? {
        guard node.tag.rawValue == Tag.Name.int.rawValue, let value = node.int else {
            report(node, key: path, "must be an integer")
            return nil
        }
        guard range.contains(value) else {
            report(node, key: path, "must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, path: String, range: ClosedRange<Double>) -> Double? {
        let tag = node.tag.rawValue
        guard tag == Tag.Name.int.rawValue || tag == Tag.Name.float.rawValue, let value = node.float else {
            report(node, key: path, "must be a number")
            return nil
        }
        guard range.contains(value) else {
            report(node, key: path, "must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return value
    }

    /// Converts a YAML node to JSON, keeping the types YAML resolved.
    func jsonValue(_ node: Node) -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping { members[key.string ?? ""] = jsonValue(value) }
            return .object(members)
        case .sequence(let sequence):
            return .array(sequence.map { jsonValue($0) })
        case .scalar:
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(node.string ?? "")
            case Tag.Name.int.rawValue: return node.int.map { .integer(Int64($0)) } ?? .string(node.string ?? "")
            case Tag.Name.float.rawValue: return node.float.map(JSONValue.number) ?? .string(node.string ?? "")
            default: return .string(node.string ?? "")
            }
        case .alias:
            return .string(node.string ?? "")
        }
    }

    mutating func report(_ node: Node, key: String, _ message: String) {
        problems.append(
            ConfigProblem(file: file, line: node.mark?.line, column: node.mark?.column, fixture: currentFixture, key: key, message: message)
        )
    }
}
