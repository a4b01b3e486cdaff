import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// Each field and operator of `match`, decoded from YAML as a fixture file has it, against
/// requests that should and should not pass.
@Suite struct MatchingFieldsTests {
    private func condition(_ yaml: String) throws -> MatchCondition {
        try Fixture(yaml: "match: \(yaml)\nreply: {content: ok}").match
    }

    private func matches(_ yaml: String, _ request: CanonicalRequest) throws -> Bool {
        try condition(yaml).matches(request)
    }

    private let weatherTool = ToolDefinition(
        name: "get_weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])

    /// A conversation with a tool call and its result, the way a continuation turn looks.
    private var continuation: CanonicalRequest {
        CanonicalRequest(
            operation: "responses", model: "gpt-4o",
            messages: [
                Message(role: .system, text: "You are terse."),
                Message(role: .user, text: "Book a flight to Oslo"),
                Message(role: .assistant, content: [], toolCalls: [ToolCall(id: "call_1", name: "book_flight", arguments: "{}")]),
                Message(role: .tool, content: [.text("confirmed: LY123")], toolCallID: "call_1"),
            ],
            tools: [weatherTool, ToolDefinition(name: "book_flight")], toolChoice: .function(name: "book_flight"),
            responseFormat: .jsonSchema(name: "answer", schema: ["type": "object"]),
            body: ["temperature": 0.1, "metadata": ["team": "red", "tags": ["a", "b"]], "stream": false],
            headers: [Header(name: "x-team", value: "Red"), Header(name: "x-lyrebird-context", value: "test-7")])
    }

    @Test func messagesByRoleAndPlace() throws {
        let request = continuation
        #expect(try matches("{message: oslo}", request))
        #expect(try matches("{message: {role: user, content: oslo}}", request))
        #expect(try !matches("{message: {role: assistant, content: oslo}}", request))
        #expect(try matches("{message: {role: user, index: 0, content: {equals: Book a flight to Oslo}}}", request))
        #expect(try !matches("{message: {role: user, index: 1}}", request))
        #expect(try matches("{message: {role: tool}}", request))
        #expect(try matches("{last_message: {contains: confirmed}}", request))
        #expect(try !matches("{user: confirmed}", request))
        #expect(try matches("{system: terse}", request))
    }

    @Test func toolsChoiceAndResults() throws {
        let request = continuation
        #expect(try matches("{tools: [get_weather, book_flight]}", request))
        #expect(try !matches("{tools: [get_weather, send_email]}", request))
        #expect(try matches("{tools: {glob: 'book_*'}}", request))
        #expect(try matches("{tool_choice: book_flight}", request))
        #expect(try !matches("{tool_choice: auto}", request))
        #expect(try matches("{tool_result: true}", request))
        #expect(try !matches("{tool_result: false}", request))
        #expect(try matches("{tool_result: LY123}", request))
        #expect(try matches("{tool_result: {call_id: call_1, name: book_flight, content: {regex: 'LY\\d+'}}}", request))
        #expect(try !matches("{tool_result: {name: get_weather}}", request))
    }

    @Test func turnEndpointHeadersBodyFormatAndContext() throws {
        let request = continuation
        #expect(try matches("{turn: 1}", request))
        #expect(try matches("{turn: {gte: 1, lt: 2}}", request))
        #expect(try !matches("{turn: {gt: 1}}", request))
        #expect(try matches("{endpoint: responses}", request))
        #expect(try !matches("{endpoint: chat}", request))
        #expect(try matches("{endpoint: chat}", CanonicalRequest(operation: "chat.completions", model: "m", messages: [])))
        #expect(try matches("{endpoint: chat}", CanonicalRequest(operation: "chat", model: "m", messages: [])))
        #expect(try !matches("{endpoint: chat}", CanonicalRequest(operation: "chatter", model: "m", messages: [])))
        #expect(try matches("{headers: {X-Team: Red}}", request))
        #expect(try !matches("{headers: {x-team: red}}", request))
        #expect(try matches("{headers: {x-team: {equals: red, case: insensitive}}}", request))
        #expect(try matches("{headers: {x-missing: {exists: false}}}", request))
        #expect(try matches("{body: {'$.temperature': {lte: 0.2}}}", request))
        #expect(try !matches("{body: {'$.temperature': {gt: 0.2}}}", request))
        #expect(try matches("{body: {'$.temperature': 0.1}}", request))
        #expect(try matches("{body: {'$.metadata.team': red}}", request))
        #expect(try matches("{body: {'$[\"metadata\"].tags[1]': b}}", request))
        #expect(try matches("{body: {'$.stream': 'false'}}", request))
        #expect(try !matches("{body: {'$.metadata.team': {lt: 3}}}", request))
        #expect(try matches("{body: {'$.nothing': {exists: false}}}", request))
        #expect(try matches("{body: {'metadata.tags[-1]': b}}", request))
        #expect(try matches("{response_format: json_schema}", request))
        #expect(try matches("{context: test-7}", request))
        #expect(try matches("{context: global}", CanonicalRequest(operation: "chat.completions", model: "m", messages: [])))
    }

    @Test func textOperatorsWithTheirCaseOptions() throws {
        let request = CanonicalRequest(
            operation: "chat.completions", model: "gpt-4o-mini", messages: [Message(role: .user, text: "Hello World")])
        #expect(try matches("{user: {equals: Hello World}}", request))
        #expect(try !matches("{user: {equals: hello world}}", request))
        #expect(try matches("{user: {equals: hello world, case: insensitive}}", request))
        #expect(try matches("{user: {contains: WORLD}}", request))
        #expect(try !matches("{user: {contains: WORLD, case: sensitive}}", request))
        #expect(try matches("{user: {regex: '^Hello'}}", request))
        #expect(try !matches("{user: {regex: '^hello'}}", request))
        #expect(try matches("{user: {regex: '^hello', case: insensitive}}", request))
        #expect(try matches("{model: {glob: 'GPT-4O*'}}", request))
        #expect(try !matches("{model: {glob: 'GPT-4O*', case: sensitive}}", request))
        #expect(try matches("{user: {fuzzy: hello wrld, threshold: 0.8}}", request))
        #expect(try !matches("{user: {fuzzy: goodbye moon, threshold: 0.8}}", request))
    }

    /// The literals a regex or glob requires are looked for before it runs; the store's answer
    /// (prefilter, then pattern) must be the pattern's own.
    @Test func patternPrefiltersNeverChangeAnAnswer() throws {
        let patterns: [TextMatcher] = [
            TextMatcher(.regex(try CompiledPattern(regex: "weather in (paris|rome)\\b"))),
            TextMatcher(.regex(try CompiledPattern(regex: "(?i)HELLO\\s+World"))),
            TextMatcher(.regex(try CompiledPattern(regex: "İstanbul"))),
            TextMatcher(.regex(try CompiledPattern(regex: "(?i)straße"))),
            TextMatcher(.regex(try CompiledPattern(regex: "ab+c"))),
            TextMatcher(.glob(CompiledPattern(glob: "*Error*Retry?"))),
            TextMatcher(.glob(CompiledPattern(glob: "*Error*", ignoringCase: false))),
            TextMatcher(.glob(CompiledPattern(glob: "*istanbul*"))),
        ]
        let texts = [
            "the weather in Paris", "weather in rome!", "weather in romes", "hello   WORLD", "HELLO world", "İstanbul", "İSTANBUL",
            "istanbul", "STRASSE", "Straße", "abbbc", "ac", "an error, retry1", "an ERROR then RETRY", "Error", "error", "",
        ]
        for matcher in patterns {
            let store = FixtureStore([Fixture(match: .user(matcher), reply: .message(StaticReply(content: "x")))])
            for text in texts {
                let request = CanonicalRequest(operation: "chat.completions", model: "m", messages: [Message(role: .user, text: text)])
                #expect((store.firstMatch(for: request) != nil) == matcher.matches(text), "\(matcher.summary) on \(text.debugDescription)")
            }
        }
    }

    /// Every text contains the empty string, but a field with no text has none to contain it:
    /// `contains: ""` tests that the field has a value, matched alone or beside other fixtures
    /// (found by fuzz-match: it held for every request).
    @Test func containingNothingNeedsAText() throws {
        let bare = CanonicalRequest(operation: "chat.completions", model: "gpt-4o", messages: [])
        let request = continuation
        let cases: [(String, Bool, Bool)] = [
            ("{tool_result: ''}", false, true),
            ("{tool_result: {contains: '', case: sensitive}}", false, true),
            ("{last_message: ''}", false, true),
            ("{message: {role: tool, content: ''}}", false, true),
            ("{tools: {contains: ''}}", false, true),
            ("{headers: {x-team: {contains: ''}}}", false, true),
            ("{body: {'$.metadata.team': {contains: ''}}}", false, true),
            ("{user: ''}", true, true),
        ]
        for (yaml, onBare, onRequest) in cases {
            #expect(try matches(yaml, bare) == onBare, "\(yaml)")
            #expect(try matches(yaml, request) == onRequest, "\(yaml)")
            #expect(try condition(yaml).explainMiss(bare).reasons.isEmpty == onBare, "\(yaml)")
            let store = FixtureStore([Fixture(name: "empty", match: try condition(yaml), reply: .message(StaticReply(content: "ok")))])
            #expect((store.firstMatch(for: bare) != nil) == onBare, "\(yaml)")
        }
    }

    /// A tool result answers a call made before it: a call with its id that the tool message
    /// carries itself (the chat completions decoder takes `tool_calls` on any role) does not
    /// name it (found by fuzz-match).
    @Test func aToolResultIsNamedByAnEarlierCall() throws {
        var request = continuation
        request.messages[3].toolCalls = [ToolCall(id: "call_1", name: "send_email", arguments: "{}")]
        #expect(try matches("{tool_result: {name: book_flight}}", request))
        #expect(try !matches("{tool_result: {name: send_email}}", request))
        // A later result with the same id is named by the latest call before it.
        request.messages.append(Message(role: .tool, content: [.text("sent")], toolCallID: "call_1"))
        #expect(try matches("{tool_result: {name: send_email}}", request))
    }

    @Test func combinatorsNestToAnyDepth() throws {
        let request = CanonicalRequest(operation: "chat.completions", model: "gpt-4o", messages: [Message(role: .user, text: "hi there")])
        #expect(try matches("{any: [{user: hello}, {user: hi}]}", request))
        #expect(try !matches("{any: [{user: hello}, {user: bye}]}", request))
        #expect(try matches("{all: [{user: hi}, {model: gpt-4o}]}", request))
        #expect(try matches("{not: {any: [{user: bye}, {model: 'gpt-3*'}]}}", request))
        #expect(try !matches("{not: {all: [{user: hi}, {not: {model: gpt-3}}]}}", request))
        #expect(try matches("{any: [{all: [{user: hi}, {not: {user: bye}}]}, {user: never}]}", request))
    }

    @Test func conversationFlowsKeyOnContent() throws {
        let request = continuation
        let flow = "{conversation: [{role: user, content: {contains: book a flight}}, {role: tool, content: confirmed}]}"
        #expect(try matches(flow, request))
        #expect(try !matches("{conversation: [{role: tool, content: confirmed}, {role: user, content: oslo}]}", request))
        #expect(try matches("{conversation: {anchored: start, steps: [{role: user, content: book}]}}", request))
        #expect(try !matches("{conversation: {anchored: start, steps: [{role: tool}]}}", request))
        // The same flow with more turns in between still matches: the replay keys on what was said.
        var drifted = request
        drifted.messages.insert(
            contentsOf: [Message(role: .user, text: "also, hotels?"), Message(role: .assistant, text: "Later.")], at: 2)
        #expect(try matches(flow, drifted))
        let parsed = try condition(flow)
        let positions = try #require(parsed.flows.first?.positions(in: drifted.messages))
        let drift = try #require(parsed.flows.first?.drift(positions, in: drifted.messages))
        #expect(drift.contains("before its last step are not in the flow"))
        #expect(parsed.flows.first?.drift(try #require(parsed.flows.first?.positions(in: request.messages)), in: request.messages) == nil)
    }

    @Test func badConditionsAreReportedWithTheirKey() {
        let cases: [(String, String)] = [
            ("{turn: {about: 2}}", "unknown operator"),
            ("{body: {'$.messages[first]': 1}}", "not a JSON path"),
            ("{body: {'$.a..b': 1}}", "not a JSON path"),
            ("{user: {contains: a, regex: b}}", "give exactly one of"),
            ("{user: {contains: a, threshold: 0.5}}", "threshold applies only to fuzzy"),
            ("{user: {equals: a, case: upper}}", "must be sensitive or insensitive"),
            ("{message: {role: robot}}", "unknown role"),
            ("{conversation: []}", "non-empty list of steps"),
            ("{colour: red}", "unknown condition"),
            ("{user: {regex: '(a)\\1'}}", "invalid regular expression"),
        ]
        for (yaml, message) in cases {
            do {
                _ = try condition(yaml)
                Issue.record("\(yaml) was accepted")
            } catch {
                #expect("\(error)".contains(message), "\(yaml): \(error)")
            }
        }
    }
}
