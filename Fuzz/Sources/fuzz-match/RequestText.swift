import LyrebirdPluginAPI

/// A canonical request written as lines, one part of the request each, so that seeds can be
/// written by hand and mutations keep their shape:
///
///     model gpt-4o                      the model id
///     endpoint chat.completions         the operation
///     system: Be terse.                 a message: system, developer, user, assistant or tool
///     + more text                       another text part of the last message
///     + [image]                         an image part of the last message
///     call call_1 get_weather {"a":1}   a tool call the last message makes: id, name, arguments
///     id call_1                         the call id the last message answers
///     name get_weather                  the last message's participant name
///     declare get_weather               a tool the request declares
///     choice required                   none, auto, required, or the name of a forced function
///     format json_object                text, json_object or json_schema
///     header x-team: red                a header (its name lower-cased, as the host makes them)
///     body {"temperature": 0.2}         the JSON body
///
/// In texts `\n` is a line break, `\t` a tab, and `$0` to `$9` the fixtures' texts (`literals`,
/// counted round), so that a request can hold what the fixtures look for, and keeps holding it
/// when a mutation changes their values. Lines that say nothing of these are ignored.
struct RequestText {
    /// The texts the fixtures' conditions test for, in order.
    let literals: [String]

    func request(_ text: Substring) -> CanonicalRequest {
        var request = CanonicalRequest(operation: "chat.completions", model: "gpt-4o", messages: [])
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            read(line, into: &request)
        }
        return request
    }

    private static let roles: [(prefix: String, role: Message.Role)] = Message.Role.allCases.map { ("\($0.rawValue):", $0) }

    private func read(_ line: Substring, into request: inout CanonicalRequest) {
        for (prefix, role) in Self.roles where line.hasPrefix(prefix) {
            let text = unescaped(rest(of: line, after: prefix))
            request.messages.append(Message(role: role, content: text.isEmpty ? [] : [.text(text)]))
            return
        }
        if line.hasPrefix("+") {
            guard !request.messages.isEmpty else { return }
            let text = rest(of: line, after: "+")
            let part: ContentPart = text == "[image]" ? .image(url: "data:image/png;base64,AA==") : .text(unescaped(text))
            request.messages[request.messages.count - 1].content.append(part)
            return
        }
        let keyword = line.prefix { $0 != " " }
        let value = rest(of: line, after: keyword)
        switch keyword {
        case "model": request.model = unescaped(value)
        case "endpoint": request.operation = unescaped(value)
        case "call":
            guard !request.messages.isEmpty else { return }
            let words = value.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            let call = ToolCall(
                id: words.first.map { unescaped($0) } ?? "", name: words.count > 1 ? unescaped(words[1]) : "",
                arguments: words.count > 2 ? unescaped(words[2]) : "{}")
            request.messages[request.messages.count - 1].toolCalls.append(call)
        case "id":
            guard !request.messages.isEmpty else { return }
            request.messages[request.messages.count - 1].toolCallID = unescaped(value)
        case "name":
            guard !request.messages.isEmpty else { return }
            request.messages[request.messages.count - 1].name = unescaped(value)
        case "declare": request.tools.append(ToolDefinition(name: unescaped(value)))
        case "choice":
            switch value {
            case "none": request.toolChoice = .none
            case "auto": request.toolChoice = .auto
            case "required": request.toolChoice = .required
            default: request.toolChoice = .function(name: unescaped(value))
            }
        case "format":
            switch value {
            case "json_object": request.responseFormat = .jsonObject
            case "json_schema": request.responseFormat = .jsonSchema(name: "answer", schema: ["type": "object"])
            default: request.responseFormat = .text
            }
        case "header":
            guard let colon = value.firstIndex(of: ":") else { return }
            let name = String(value[..<colon]).lowercased()
            let headerValue = rest(of: value[colon...], after: ":")
            request.headers.append(Header(name: name, value: unescaped(headerValue)))
        case "body":
            if let body = try? JSONValue.parse(unescaped(value, escapes: false)) { request.body = body }
        default: break
        }
    }

    /// What follows `prefix` in `line`, less one space after it.
    private func rest(of line: Substring, after prefix: some StringProtocol) -> Substring {
        let rest = line.dropFirst(prefix.count)
        return rest.hasPrefix(" ") ? rest.dropFirst() : rest
    }

    /// The longest text references make: beyond it they are left as they are, so that a short
    /// input cannot make texts the reference takes seconds over.
    static let longestExpansion = 4096

    /// `text` with its escapes and references replaced; only references when `escapes` is false.
    private func unescaped(_ text: Substring, escapes: Bool = true) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "$" }) else { return String(text) }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            text.formIndex(after: &index)
            let next = index < text.endIndex ? text[index] : nil
            if escapes, character == "\\", let next {
                out.append(next == "n" ? "\n" : next == "t" ? "\t" : next)
                text.formIndex(after: &index)
            } else if character == "$", let next, next.isASCII, let digit = next.wholeNumberValue, !literals.isEmpty,
                out.utf8.count + literals[digit % literals.count].utf8.count <= Self.longestExpansion
            {
                out += literals[digit % literals.count]
                text.formIndex(after: &index)
            } else {
                out.append(character)
            }
        }
        return out
    }
}
