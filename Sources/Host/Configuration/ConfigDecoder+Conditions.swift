import LyrebirdPluginAPI
import Yams

/// Reading a fixture's `match`: each key a condition on one part of the request, all of which
/// must hold.
extension ConfigDecoder {
    /// What a plain value (a string rather than a mapping of operators) means for a field.
    enum PlainText {
        /// Contains, ignoring case: free text (messages, tool results).
        case contains
        /// Equals exactly: identifiers (endpoints, headers, contexts).
        case equals
        /// Equals, or a glob when it has `*`: model ids.
        case modelID
    }

    /// The keys `match` may hold.
    static let conditionKeys = [
        "model", "user", "system", "last_message", "message", "tools", "tool_choice", "tool_result", "turn", "endpoint", "headers",
        "body", "response_format", "context", "conversation", "any", "all", "not", "lua",
    ]
    static let textOperators = ["equals", "contains", "regex", "glob", "fuzzy"]
    static let numberOperators = NumberTest.Comparison.allCases.map(\.rawValue)

    mutating func decodeConditions(_ node: Node, path: String) -> MatchCondition? {
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping of conditions (\(Self.conditionKeys.joined(separator: ", ")))")
            return nil
        }
        var conditions: [MatchCondition] = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            if let condition = decodeCondition(key, value, keyNode: keyNode, path: "\(path).\(key)") { conditions.append(condition) }
        }
        return conditions.count == 1 ? conditions[0] : .all(conditions)
    }

    private mutating func decodeCondition(_ key: String, _ value: Node, keyNode: Node, path: String) -> MatchCondition? {
        switch key {
        case "model": return decodeFieldTest(value, field: .model, path: path, plain: .modelID)
        case "user": return decodeFieldTest(value, field: .user, path: path, plain: .contains)
        case "system": return decodeFieldTest(value, field: .system, path: path, plain: .contains)
        case "last_message": return decodeFieldTest(value, field: .lastMessage, path: path, plain: .contains)
        case "message": return decodeMessage(value, path: path)
        case "tools": return decodeTools(value, path: path)
        case "tool_choice": return decodeFieldTest(value, field: .toolChoice, path: path, plain: .equals)
        case "tool_result": return decodeToolResult(value, path: path)
        case "turn": return decodeNumberTest(value, field: .turn, path: path)
        case "endpoint":
            // A plain name without a dot is an operation or the family of those it starts with:
            // `chat` is OpenAI's `chat.completions` and Ollama's `chat`.
            guard value.scalar != nil, let name = value.string, !name.contains(".") else {
                return decodeFieldTest(value, field: .endpoint, path: path, plain: .equals)
            }
            return .any([
                .text(.endpoint, TextMatcher(.equals(name))),
                .text(.endpoint, TextMatcher(.glob(CompiledPattern(glob: name + ".*", ignoringCase: false)), ignoringCase: false)),
            ])
        case "headers": return decodeHeaders(value, path: path)
        case "body": return decodeBody(value, path: path)
        case "response_format": return decodeFieldTest(value, field: .responseFormat, path: path, plain: .equals)
        case "context": return decodeFieldTest(value, field: .context, path: path, plain: .equals)
        case "conversation": return decodeConversation(value, path: path).map(MatchCondition.conversation)
        case "any", "all":
            guard let list = value.sequence else {
                report(value, key: path, "must be a list of condition mappings")
                return nil
            }
            let parts = list.enumerated().compactMap { index, item in decodeConditions(item, path: "\(path)[\(index)]") }
            return key == "any" ? .any(parts) : .all(parts)
        case "not": return decodeConditions(value, path: path).map(MatchCondition.not)
        case "lua": return decodeLuaPredicate(value, path: path).map(MatchCondition.lua)
        default:
            report(keyNode, key: path, "unknown condition (expected \(Self.conditionKeys.joined(separator: ", ")))")
            return nil
        }
    }

    // MARK: Fields

    /// `message: {role, index, content}`: any message (of the role; the one `index` places from
    /// the last), or a plain string its content contains.
    private mutating func decodeMessage(_ node: Node, path: String) -> MatchCondition? {
        guard let mapping = node.mapping else {
            return decodeFieldTest(node, field: .message(role: nil, fromEnd: nil), path: path, plain: .contains)
        }
        var role: Message.Role?
        var index: Int?
        var content: Node?
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "role": role = decodeRole(value, path: "\(path).role")
            case "index": index = integer(value, path: "\(path).index", range: 0...1_000_000)
            case "content": content = value
            default: report(keyNode, key: "\(path).\(key)", "unknown key (expected role, index, content)")
            }
        }
        let field = MatchField.message(role: role, fromEnd: index)
        guard let content else { return .exists(field) }
        return decodeFieldTest(content, field: field, path: "\(path).content", plain: .contains)
    }

    /// `tools: [get_weather, ...]`: each of these tools is declared; or operators on the names.
    private mutating func decodeTools(_ node: Node, path: String) -> MatchCondition? {
        guard let list = node.sequence else { return decodeFieldTest(node, field: .toolNames, path: path, plain: .equals) }
        let names = list.enumerated().compactMap { index, item in string(item, path: "\(path)[\(index)]") }
        return .all(names.map { .text(.toolNames, TextMatcher(.equals($0))) })
    }

    /// `tool_result`: a tool result is present (`true`), its content (a string or operators), or
    /// `{content, call_id, name}`.
    private mutating func decodeToolResult(_ node: Node, path: String) -> MatchCondition? {
        if node.scalar != nil, let present = node.bool, node.tag.rawValue == Tag.Name.bool.rawValue {
            return present ? .exists(.toolResult) : .not(.exists(.toolResult))
        }
        guard let mapping = node.mapping, mapping.keys.contains(where: { ["content", "call_id", "name"].contains($0.string ?? "") }) else {
            return decodeFieldTest(node, field: .toolResult, path: path, plain: .contains)
        }
        var conditions: [MatchCondition] = [.exists(.toolResult)]
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let keyPath = "\(path).\(key)"
            switch key {
            case "content": decodeFieldTest(value, field: .toolResult, path: keyPath, plain: .contains).map { conditions.append($0) }
            case "call_id": decodeFieldTest(value, field: .toolResultCallID, path: keyPath, plain: .equals).map { conditions.append($0) }
            case "name": decodeFieldTest(value, field: .toolResultName, path: keyPath, plain: .equals).map { conditions.append($0) }
            default: report(keyNode, key: keyPath, "unknown key (expected content, call_id, name)")
            }
        }
        return .all(conditions)
    }

    /// `headers: {x-team: red}`: each header, by name, with a text test (a plain value equals).
    private mutating func decodeHeaders(_ node: Node, path: String) -> MatchCondition? {
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping of header names to tests")
            return nil
        }
        let conditions = mapping.compactMap { keyNode, value -> MatchCondition? in
            let name = (keyNode.string ?? "").lowercased()
            return decodeFieldTest(value, field: .header(name), path: "\(path).\(name)", plain: .equals)
        }
        return .all(conditions)
    }

    /// `body: {"$.temperature": {lte: 0.2}}`: the value at each JSON path, with a number or text
    /// test (a plain value equals it).
    private mutating func decodeBody(_ node: Node, path: String) -> MatchCondition? {
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a mapping of JSON paths ($.name, $.list[0]) to tests")
            return nil
        }
        var conditions: [MatchCondition] = []
        for (keyNode, value) in mapping {
            let source = keyNode.string ?? ""
            let keyPath = "\(path).\(source)"
            let jsonPath: JSONPath
            do throws(JSONPathError) {
                jsonPath = try JSONPath(source)
            } catch {
                report(keyNode, key: keyPath, "not a JSON path: \(error.description)")
                continue
            }
            if value.scalar != nil, value.tag.rawValue == Tag.Name.int.rawValue || value.tag.rawValue == Tag.Name.float.rawValue,
                let number = value.float
            {
                conditions.append(.number(.body(jsonPath), NumberTest(.equal, number)))
                continue
            }
            if let condition = decodeFieldTest(value, field: .body(jsonPath), number: .body(jsonPath), path: keyPath, plain: .equals) {
                conditions.append(condition)
            }
        }
        return .all(conditions)
    }

    /// `turn: 2` or `turn: {gte: 1}`: a number, or comparisons.
    private mutating func decodeNumberTest(_ node: Node, field: NumberField, path: String) -> MatchCondition? {
        if node.scalar != nil {
            guard let value = number(node, path: path, range: -1e15...1e15) else { return nil }
            return .number(field, NumberTest(.equal, value))
        }
        return decodeOperators(node, text: nil, number: field, path: path)
    }

    /// `conversation`: a list of steps (`{role, content}`), or `{steps: [...], anchored: start}`.
    private mutating func decodeConversation(_ node: Node, path: String) -> ConversationFlow? {
        var anchored = false
        var stepsNode = node
        if let mapping = node.mapping {
            guard let steps = mapping["steps"] else {
                report(node, key: path, "must be a list of steps, or a mapping with steps (and anchored: start)")
                return nil
            }
            stepsNode = steps
            if let anchor = mapping["anchored"] {
                let text = string(anchor, path: "\(path).anchored")
                guard text == "start" || text == "anywhere" else {
                    report(anchor, key: "\(path).anchored", "must be start or anywhere")
                    return nil
                }
                anchored = text == "start"
            }
            for (keyNode, _) in mapping where !["steps", "anchored"].contains(keyNode.string ?? "") {
                report(keyNode, key: "\(path).\(keyNode.string ?? "")", "unknown key (expected steps, anchored)")
            }
        }
        guard let list = stepsNode.sequence, !list.isEmpty else {
            report(stepsNode, key: path, "must be a non-empty list of steps ({role, content})")
            return nil
        }
        var steps: [ConversationFlow.Step] = []
        for (index, item) in list.enumerated() {
            let stepPath = "\(path)[\(index)]"
            guard let mapping = item.mapping else {
                report(item, key: stepPath, "a step is a mapping with role and content")
                continue
            }
            var step = ConversationFlow.Step()
            for (keyNode, value) in mapping {
                switch keyNode.string ?? "" {
                case "role": step.role = decodeRole(value, path: "\(stepPath).role")
                case "content": step.content = decodeTextMatcher(value, path: "\(stepPath).content", plain: .contains)
                default: report(keyNode, key: "\(stepPath).\(keyNode.string ?? "")", "unknown key (expected role, content)")
                }
            }
            steps.append(step)
        }
        return ConversationFlow(steps: steps, anchored: anchored)
    }

    private mutating func decodeRole(_ node: Node, path: String) -> Message.Role? {
        guard let text = string(node, path: path) else { return nil }
        guard let role = Message.Role(rawValue: text) else {
            report(
                node, key: path,
                "unknown role \(text.debugDescription) (expected \(Message.Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        return role
    }

    // MARK: Operators

    /// A test on a text field: a plain value (meaning what `plain` says), or a mapping of
    /// operators: one text operator (with `case` and, for fuzzy, `threshold`), comparisons when
    /// the field also reads as a number, or `exists`.
    mutating func decodeFieldTest(
        _ node: Node, field: MatchField, number: NumberField? = nil, path: String, plain: PlainText
    ) -> MatchCondition? {
        if node.scalar != nil {
            return decodeTextMatcher(node, path: path, plain: plain).map { .text(field, $0) }
        }
        return decodeOperators(node, text: (field, plain), number: number, path: path)
    }

    /// A mapping of operators on a text field, a number field, or both.
    private mutating func decodeOperators(
        _ node: Node, text: (field: MatchField, plain: PlainText)?, number: NumberField?, path: String
    ) -> MatchCondition? {
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a value or a mapping of operators")
            return nil
        }
        var conditions: [MatchCondition] = []
        var textOperators: [(String, Node)] = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let keyPath = "\(path).\(key)"
            if let comparison = NumberTest.Comparison(rawValue: key), let number {
                if let bound = self.number(value, path: keyPath, range: -1e15...1e15) {
                    conditions.append(.number(number, NumberTest(comparison, bound)))
                }
            } else if key == "exists", let field = text?.field {
                if let present = bool(value, path: keyPath) { conditions.append(present ? .exists(field) : .not(.exists(field))) }
            } else if text != nil && (Self.textOperators.contains(key) || key == "case" || key == "threshold") {
                textOperators.append((key, value))
            } else {
                let known =
                    (text != nil ? Self.textOperators + ["case", "threshold", "exists"] : []) + (number != nil ? Self.numberOperators : [])
                report(keyNode, key: keyPath, "unknown operator (expected \(known.joined(separator: ", ")))")
            }
        }
        if let text, !textOperators.isEmpty, let matcher = decodeTextOperators(textOperators, node: node, path: path) {
            conditions.append(.text(text.field, matcher))
        }
        if conditions.isEmpty && mapping.count > 0 { return nil }
        return conditions.count == 1 ? conditions[0] : .all(conditions)
    }

    mutating func decodeTextMatcher(_ node: Node, path: String, plain: PlainText) -> TextMatcher? {
        if node.scalar != nil {
            guard let text = string(node, path: path) else { return nil }
            switch plain {
            case .contains: return TextMatcher(.contains(text))
            case .equals: return TextMatcher(.equals(text))
            case .modelID: return text.contains("*") ? TextMatcher(.glob(CompiledPattern(glob: text))) : TextMatcher(.equals(text))
            }
        }
        guard let mapping = node.mapping else {
            report(node, key: path, "must be a string or a mapping with one of \(Self.textOperators.joined(separator: ", "))")
            return nil
        }
        return decodeTextOperators(mapping.map { ($0.key.string ?? "", $0.value) }, node: node, path: path)
    }

    /// One text operator, with `case` (`sensitive` or `insensitive`) and `threshold` (fuzzy).
    private mutating func decodeTextOperators(_ entries: [(String, Node)], node: Node, path: String) -> TextMatcher? {
        var kind: (name: String, value: String, node: Node)?
        var operatorCount = 0
        var ignoringCase: Bool?
        var threshold: (value: Double, node: Node)?
        for (key, value) in entries {
            let keyPath = "\(path).\(key)"
            switch key {
            case "case":
                switch string(value, path: keyPath) {
                case "sensitive": ignoringCase = false
                case "insensitive": ignoringCase = true
                case nil: break
                case let other?: report(value, key: keyPath, "must be sensitive or insensitive, not \(other.debugDescription)")
                }
            case "threshold":
                if let number = number(value, path: keyPath, range: 0...1) { threshold = (number, value) }
            case _ where Self.textOperators.contains(key):
                operatorCount += 1
                if let text = string(value, path: keyPath) { kind = (key, text, value) }
            default:
                report(
                    node, key: keyPath,
                    "unknown operator (expected \((Self.textOperators + ["case", "threshold"]).joined(separator: ", ")))")
            }
        }
        guard operatorCount == 1, let kind else {
            if operatorCount != 1 {
                report(node, key: path, "give exactly one of \(Self.textOperators.joined(separator: ", ")) (found \(operatorCount))")
            }
            return nil
        }
        if let threshold, kind.name != "fuzzy" {
            report(threshold.node, key: "\(path).threshold", "threshold applies only to fuzzy")
            return nil
        }
        switch kind.name {
        case "equals": return TextMatcher(.equals(kind.value), ignoringCase: ignoringCase ?? false)
        case "contains": return TextMatcher(.contains(kind.value), ignoringCase: ignoringCase ?? true)
        case "glob":
            let folds = ignoringCase ?? true
            return TextMatcher(.glob(CompiledPattern(glob: kind.value, ignoringCase: folds)), ignoringCase: folds)
        case "fuzzy": return TextMatcher(.fuzzy(kind.value, threshold: threshold?.value ?? 0.8))
        default:
            let folds = ignoringCase ?? false
            do {
                // The option is the pattern's own `(?i)` flag: one way to say it, as the pattern reads.
                let pattern = try CompiledPattern(regex: folds && !kind.value.hasPrefix("(?i)") ? "(?i)" + kind.value : kind.value)
                return TextMatcher(.regex(pattern), ignoringCase: folds || kind.value.hasPrefix("(?i)"))
            } catch {
                report(kind.node, key: "\(path).regex", "invalid regular expression \(kind.value.debugDescription): \(error)")
                return nil
            }
        }
    }
}
