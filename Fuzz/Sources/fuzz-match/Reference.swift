import LyrebirdPluginAPI

@testable import LyrebirdHost

/// What a condition means, read from docs/fixtures.md and worked out the slow, plain way: every
/// field's texts read from the request afresh, each text tested on its own, with no indexes,
/// automata, gates or shared tables. Only regular expressions are the host's own (their engine
/// is not what this target compares).
struct Reference {
    let request: CanonicalRequest

    /// Whether the request satisfies `condition`.
    func matches(_ condition: MatchCondition) -> Bool {
        switch condition {
        case .text(let field, let matcher): return texts(of: field).contains { passes(matcher, $0) }
        case .number(let field, let test): return number(of: field).map { compare($0, test) } ?? false
        case .exists(let field): return !texts(of: field).isEmpty
        case .conversation(let flow): return follows(flow)
        case .all(let conditions): return conditions.allSatisfy(matches)
        case .any(let conditions): return conditions.contains(where: matches)
        case .not(let condition): return !matches(condition)
        case .lua: preconditionFailure("the target keeps Lua predicates out")
        }
    }

    // MARK: The request's fields

    /// The text parts of a message joined by line breaks; other parts do not count.
    static func text(of message: Message) -> String {
        var parts: [String] = []
        for case .text(let text) in message.content { parts.append(text) }
        return parts.joined(separator: "\n")
    }

    /// The texts a field has in the request: none, one, or several.
    func texts(of field: MatchField) -> [String] {
        let messages = request.messages
        switch field {
        case .model: return [request.model]
        case .user:
            // The last user message, or the empty text when there is none.
            return [messages.last { $0.role == .user }.map(Self.text) ?? ""]
        case .system:
            return [messages.filter { $0.role == .system || $0.role == .developer }.map(Self.text).joined(separator: "\n")]
        case .lastMessage: return messages.isEmpty ? [] : [Self.text(of: messages[messages.count - 1])]
        case .message(let role, let fromEnd):
            var chosen: [Message] = []
            for message in messages where role == nil || message.role == role { chosen.append(message) }
            guard let fromEnd else { return chosen.map(Self.text) }
            return fromEnd < chosen.count ? [Self.text(of: chosen[chosen.count - 1 - fromEnd])] : []
        case .toolNames: return request.tools.map(\.name)
        case .toolChoice:
            switch request.toolChoice {
            case .none: return ["none"]
            case .auto: return ["auto"]
            case .required: return ["required"]
            case .function(let name): return [name]
            @unknown default: preconditionFailure("a tool choice the reference does not know")
            }
        case .toolResult: return messages.filter { $0.role == .tool }.map(Self.text)
        case .toolResultCallID:
            var ids: [String] = []
            for message in messages where message.role == .tool {
                if let id = message.toolCallID { ids.append(id) }
            }
            return ids
        case .toolResultName:
            // Each result's own name, else the name of the call it answers: the latest call
            // with its id made before it.
            var names: [String] = []
            for (place, message) in messages.enumerated() where message.role == .tool {
                if let name = message.name {
                    names.append(name)
                    continue
                }
                guard let id = message.toolCallID else { continue }
                let calls = messages[..<place].flatMap(\.toolCalls)
                if let call = calls.last(where: { $0.id == id }) { names.append(call.name) }
            }
            return names
        case .endpoint: return [request.operation]
        case .header(let name): return request.headers.filter { $0.name.lowercased() == name }.map(\.value)
        case .body(let path):
            guard let value = Self.value(at: path, in: request.body) else { return [] }
            if case .string(let text) = value { return [text] }
            return [value.serialized]
        case .responseFormat:
            switch request.responseFormat {
            case .text: return ["text"]
            case .jsonObject: return ["json_object"]
            case .jsonSchema: return ["json_schema"]
            @unknown default: preconditionFailure("a response format the reference does not know")
            }
        case .context: return [context]
        }
    }

    /// The first value of a header, when it is not empty.
    private func header(_ name: String) -> String? {
        guard let value = request.headers.first(where: { $0.name == name })?.value, !value.isEmpty else { return nil }
        return value
    }

    /// `x-lyrebird-context`, else `x-test-id`, else the API key, else `global`.
    var context: String {
        if let id = header("x-lyrebird-context") ?? header("x-test-id") { return id }
        // `Bearer KEY`, with any spaces before either word.
        if let authorization = header("authorization")?.drop(while: { $0 == " " }), authorization.lowercased().hasPrefix("bearer ") {
            let key = authorization.dropFirst("bearer ".count).drop { $0 == " " }
            if !key.isEmpty { return String(key) }
        }
        return header("x-api-key") ?? header("x-goog-api-key") ?? header("api-key") ?? "global"
    }

    /// The value a JSON path finds: members by name, elements by index (from the end when
    /// negative).
    static func value(at path: JSONPath, in document: JSONValue) -> JSONValue? {
        var value = document
        for step in path.steps {
            switch step {
            case .member(let name):
                guard case .object(let members) = value, let member = members[name] else { return nil }
                value = member
            case .element(let index):
                guard case .array(let elements) = value else { return nil }
                let place = index >= 0 ? index : elements.count + index
                guard place >= 0 && place < elements.count else { return nil }
                value = elements[place]
            }
        }
        return value
    }

    func number(of field: NumberField) -> Double? {
        switch field {
        case .turn: return Double(request.messages.count { $0.role == .assistant })
        case .body(let path):
            switch Self.value(at: path, in: request.body) {
            case .integer(let number)?: return Double(number)
            case .number(let number)?: return number
            default: return nil
            }
        }
    }

    func compare(_ number: Double, _ test: NumberTest) -> Bool {
        switch test.comparison {
        case .lessThan: return number < test.value
        case .atMost: return number <= test.value
        case .greaterThan: return number > test.value
        case .atLeast: return number >= test.value
        case .equal: return number == test.value
        }
    }

    // MARK: Text operators

    func passes(_ matcher: TextMatcher, _ text: String) -> Bool {
        let folds = matcher.ignoresCase
        switch matcher.kind {
        case .equals(let value): return folds ? text.lowercased() == value.lowercased() : text == value
        case .contains(let value):
            return Self.bytes(folds ? text.lowercased() : text, contain: folds ? value.lowercased() : value)
        case .regex(let pattern): return pattern.matches(text)
        case .glob(let pattern): return Self.glob(pattern.source, matches: text, ignoringCase: folds)
        case .fuzzy(let value, let threshold): return Self.similarity(text, value) >= threshold
        }
    }

    /// Whether the UTF-8 of `needle` occurs in that of `text`, tried at every offset.
    static func bytes(_ text: String, contain needle: String) -> Bool {
        let text = Array(text.utf8)
        let needle = Array(needle.utf8)
        guard needle.count <= text.count else { return false }
        for start in 0...(text.count - needle.count) where text[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// A scalar in lower case, when its lower case is one scalar.
    private static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first! : scalar
    }

    /// Whether the glob matches all of `text`, scalar by scalar: `*` any run, `?` any one.
    /// Every pair of positions is tried once, the pattern from its end: `next[t]` says whether
    /// the rest of the pattern after the current token matches the text from `t`.
    static func glob(_ pattern: String, matches text: String, ignoringCase: Bool) -> Bool {
        let pattern = Array(pattern.unicodeScalars).map { ignoringCase ? folded($0) : $0 }
        let text = Array(text.unicodeScalars).map { ignoringCase ? folded($0) : $0 }
        var next = [Bool](repeating: false, count: text.count + 1)
        next[text.count] = true
        for token in pattern.reversed() {
            var current = [Bool](repeating: false, count: text.count + 1)
            for t in stride(from: text.count, through: 0, by: -1) {
                switch token {
                case "*": current[t] = next[t] || (t < text.count && current[t + 1])
                case "?": current[t] = t < text.count && next[t + 1]
                default: current[t] = t < text.count && text[t] == token && next[t + 1]
                }
            }
            next = current
        }
        return next[0]
    }

    /// Lower-cased, each run of white space one space, none at the ends.
    static func normalized(_ text: String) -> [Character] {
        var out = ""
        var space = false
        for character in text.lowercased() {
            if character.isWhitespace {
                space = !out.isEmpty
            } else {
                if space { out.append(" ") }
                space = false
                out.append(character)
            }
        }
        return Array(out)
    }

    /// 1 − Levenshtein distance ÷ the longer length, on normalised texts: the whole table.
    static func similarity(_ text: String, _ value: String) -> Double {
        let left = normalized(text)
        let right = normalized(value)
        let longest = max(left.count, right.count)
        guard longest > 0 else { return 1 }
        // `previous[c]`: the distance from the rows so far of `left` to the first `c` of `right`.
        var previous = Array(0...right.count)
        for row in left.indices {
            var current = [row + 1] + [Int](repeating: 0, count: right.count)
            for column in right.indices {
                let change = previous[column] + (left[row] == right[column] ? 0 : 1)
                current[column + 1] = min(previous[column + 1] + 1, current[column] + 1, change)
            }
            previous = current
        }
        return 1 - Double(previous[right.count]) / Double(longest)
    }

    // MARK: Conversation flows

    /// Whether the flow's steps fall on messages in order, worked out for every number of steps
    /// and every prefix of the conversation (not by taking each step's earliest message, as the
    /// host does): `placed[s][m]` says whether the first `s` steps fall among the first `m`
    /// messages. When the flow is anchored its first step must fall on the first message that is
    /// not an instruction.
    func follows(_ flow: ConversationFlow) -> Bool {
        let messages = request.messages
        let steps = flow.steps
        func accepts(_ step: ConversationFlow.Step, _ message: Message) -> Bool {
            if let role = step.role, role != message.role { return false }
            return step.content.map { passes($0, Self.text(of: message)) } ?? true
        }
        let none = [Bool](repeating: false, count: messages.count + 1)
        var placed = [[Bool]](repeating: none, count: steps.count + 1)
        placed[0] = [Bool](repeating: true, count: messages.count + 1)
        var first = 0
        if flow.anchored {
            guard let opening = messages.firstIndex(where: { $0.role != .system && $0.role != .developer }) else { return false }
            guard accepts(steps[0], messages[opening]) else { return false }
            for count in (opening + 1)...messages.count { placed[1][count] = true }
            first = 1
        }
        for step in first..<steps.count {
            for count in messages.indices {
                placed[step + 1][count + 1] = placed[step + 1][count] || (placed[step][count] && accepts(steps[step], messages[count]))
            }
        }
        return placed[steps.count][messages.count]
    }
}
