import LyrebirdPluginAPI
import Yams

extension ConfigDecoder {
    /// The fault kinds, as the file names them.
    static let faultKinds = [
        "error", "hang", "disconnect", "truncate", "malformed_json", "malformed_sse", "split_events", "stream_error", "refusal",
        "ws_close",
    ]

    /// Reads one fault: a mapping with `kind` and the kind's keys, or a kind's name alone.
    /// `extraKeys` are keys the caller reads itself (a rule's `model`), skipped here.
    mutating func decodeFault(_ node: Node, path: String, extraKeys: Set<String> = []) -> Fault? {
        if node.scalar != nil, let name = node.string {
            return decodeFault(kind: name, fields: [:], node: node, path: path)
        }
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping with kind (\(Self.faultKinds.joined(separator: ", "))), or a kind alone")
            return nil
        }
        guard let kindNode = mapping["kind"], let kind = string(kindNode, path: "\(path).kind") else {
            if mapping["kind"] == nil {
                report(node, key: "\(path).kind", "missing: one of \(Self.faultKinds.joined(separator: ", "))")
            }
            return nil
        }
        var fields: [String: Node] = [:]
        var rate = 1.0
        var times: Int?
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "kind": continue
            case "rate": rate = number(value, path: "\(path).rate", range: 0...1) ?? 1
            case "times": times = integer(value, path: "\(path).times", range: 1...1_000_000_000)
            case _ where extraKeys.contains(key): continue
            default: fields[key] = value
            }
        }
        guard var fault = decodeFault(kind: kind, fields: fields, node: node, path: path) else { return nil }
        fault.rate = rate
        fault.times = times
        return fault
    }

    private mutating func decodeFault(kind: String, fields: [String: Node], node: Node, path: String) -> Fault? {
        /// The keys this kind takes, reported when another appears.
        var known: [String] = []
        func field(_ key: String) -> Node? {
            known.append(key)
            return fields[key]
        }
        func count(_ key: String, default value: Int) -> Int {
            known.append(key)
            guard let node = fields[key] else { return value }
            return integer(node, path: "\(path).\(key)", range: 0...10_000_000) ?? value
        }
        let made: Fault.Kind?
        switch kind {
        case "error":
            made = decodeFaultError(fields, defaultStatus: 500, path: path, known: &known).map { .error($0) }
        case "hang":
            made = .hang(milliseconds: field("ms").flatMap { integer($0, path: "\(path).ms", range: 1...3_600_000) })
        case "disconnect":
            let cuts = ["before_headers", "after_events", "after_ms"].filter { fields[$0] != nil }
            known += ["before_headers", "after_events", "after_ms"]
            if cuts.count > 1 {
                report(node, key: path, "give one of before_headers, after_events or after_ms, not \(cuts.joined(separator: " and "))")
                return nil
            }
            switch cuts.first {
            case "after_events":
                made = integer(fields["after_events"]!, path: "\(path).after_events", range: 0...10_000_000).map {
                    .disconnect(.afterEvents($0))
                }
            case "after_ms":
                made = integer(fields["after_ms"]!, path: "\(path).after_ms", range: 0...3_600_000).map {
                    .disconnect(.afterMilliseconds($0))
                }
            case "before_headers":
                guard bool(fields["before_headers"]!, path: "\(path).before_headers") == true else {
                    report(fields["before_headers"]!, key: "\(path).before_headers", "must be true (or give after_events or after_ms)")
                    return nil
                }
                made = .disconnect(.beforeHeaders)
            default:
                made = .disconnect(.beforeHeaders)
            }
        case "truncate":
            made = .truncate(
                afterEvents: field("after_events").flatMap { integer($0, path: "\(path).after_events", range: 0...10_000_000) })
        case "malformed_json":
            made = .malformedJSON(afterEvents: count("after_events", default: 0))
        case "malformed_sse":
            made = .malformedEvent(afterEvents: count("after_events", default: 0))
        case "split_events":
            made = decodeSplit(fields, path: path, known: &known).map { .splitEvents($0) }
        case "stream_error":
            let after = count("after_events", default: 1)
            made = decodeFaultError(fields, defaultStatus: 500, path: path, known: &known).map { .streamError($0, afterEvents: after) }
        case "refusal":
            made = .refusal(text: field("text").flatMap { string($0, path: "\(path).text") })
        case "ws_close":
            let code = field("code").flatMap { integer($0, path: "\(path).code", range: 1000...4999) } ?? 1011
            let reason = field("reason").flatMap { string($0, path: "\(path).reason") } ?? "the fault stage closed the connection"
            if reason.utf8.count > 123 {
                report(fields["reason"] ?? node, key: "\(path).reason", "must be at most 123 bytes (a close frame's limit)")
            }
            made = .webSocketClose(code: UInt16(code), reason: String(decoding: reason.utf8.prefix(123), as: UTF8.self))
        default:
            report(
                node, key: "\(path).kind",
                "unknown fault kind \(kind.debugDescription) (expected \(Self.faultKinds.joined(separator: ", ")))")
            return nil
        }
        for key in fields.keys.sorted() where !known.contains(key) {
            report(
                fields[key]!, key: "\(path).\(key)",
                "unknown key for a \(kind) fault (expected kind, rate, times\(known.isEmpty ? "" : ", " + known.joined(separator: ", ")))")
        }
        return made.map { Fault($0) }
    }

    /// An error fault's status, message, type, code, param and `retry_after_ms`; every one has a default.
    private mutating func decodeFaultError(_ fields: [String: Node], defaultStatus: Int, path: String, known: inout [String]) -> ReplyError?
    {
        let keys = ["status", "message", "type", "code", "param", "retry_after_ms"]
        known += keys
        var status = defaultStatus
        var message: String?
        var type: String?
        var code: String?
        var param: String?
        var retryAfter: Int?
        for key in keys {
            guard let value = fields[key] else { continue }
            let keyPath = "\(path).\(key)"
            switch key {
            case "status": status = integer(value, path: keyPath, range: 400...599) ?? defaultStatus
            case "message": message = string(value, path: keyPath)
            case "type": type = string(value, path: keyPath)
            case "code": code = string(value, path: keyPath)
            case "param": param = string(value, path: keyPath)
            default: retryAfter = integer(value, path: keyPath, range: 0...120_000)
            }
        }
        return ReplyError(
            status: status, message: message ?? "The provider failed (a fault injected by Lyrebird, status \(status)).", type: type,
            param: param, code: code, retryAfterMilliseconds: retryAfter)
    }

    private mutating func decodeSplit(_ fields: [String: Node], path: String, known: inout [String]) -> Fault.Split? {
        known += ["at", "bytes", "pause_ms"]
        let pause = fields["pause_ms"].flatMap { integer($0, path: "\(path).pause_ms", range: 0...60_000) } ?? 5
        let place = fields["at"].flatMap { string($0, path: "\(path).at") } ?? (fields["bytes"] != nil ? "bytes" : "utf8")
        switch place {
        case "bytes":
            let size = fields["bytes"].flatMap { integer($0, path: "\(path).bytes", range: 1...1_000_000) } ?? 1
            return Fault.Split(.bytes(size), pauseMilliseconds: pause)
        case "utf8": return Fault.Split(.insideCharacter, pauseMilliseconds: pause)
        case "crlf": return Fault.Split(.betweenCRLF, pauseMilliseconds: pause)
        default:
            report(fields["at"]!, key: "\(path).at", "must be bytes, utf8 or crlf")
            return nil
        }
    }

    /// Reads a context's profile: `{seed?, faults?, timing?}` (the admin API's body).
    mutating func decodeProfile(_ text: String) -> ContextProfile? {
        guard let root = compose(text) else { return nil }
        guard let mapping = root.mapping else {
            report(root, key: "", "must be an object with seed, faults or timing")
            return nil
        }
        var profile = ContextProfile()
        for (keyNode, value) in mapping {
            switch keyNode.string ?? "" {
            case "seed": profile.seed = integer(value, path: "seed", range: 0...Int.max).map { UInt64($0) }
            case "faults": profile.rules = decodeFaultRules(value, path: "faults")
            case "timing": profile.timing = decodeTiming(value, path: "timing")
            default: report(keyNode, key: keyNode.string ?? "", "unknown key (expected seed, faults, timing)")
            }
        }
        return problems.isEmpty ? profile : nil
    }

    /// Reads `faults:`: a list of faults, each with an optional `model`.
    mutating func decodeFaultRules(_ node: Node, path: String) -> [FaultRule] {
        guard let list = node.sequence else {
            report(node, key: path, "must be a list of faults (mappings with kind, and optionally model, rate, times)")
            return []
        }
        var rules: [FaultRule] = []
        for (index, item) in list.enumerated() {
            let itemPath = "\(path)[\(index)]"
            let model = item.mapping?["model"].flatMap { string($0, path: "\(itemPath).model") }
            if let fault = decodeFault(item, path: itemPath, extraKeys: ["model"]) { rules.append(FaultRule(fault, model: model)) }
        }
        return rules
    }

    /// Reads `timing:` at the top of the file: a list of timings, each with an optional `model`;
    /// a single mapping applies to every model.
    mutating func decodeTimingRules(_ node: Node, path: String) -> [TimingRule] {
        let items: [Node] = node.mapping != nil ? [node] : Array(node.sequence ?? [])
        guard !items.isEmpty || node.sequence != nil else {
            report(node, key: path, "must be a timing (a mapping), or a list of timings each with an optional model")
            return []
        }
        var rules: [TimingRule] = []
        for (index, item) in items.enumerated() {
            let itemPath = node.mapping != nil ? path : "\(path)[\(index)]"
            let model = item.mapping?["model"].flatMap { string($0, path: "\(itemPath).model") }
            if let timing = decodeTiming(item, path: itemPath, extraKeys: ["model"]) { rules.append(TimingRule(timing, model: model)) }
        }
        return rules
    }
}
