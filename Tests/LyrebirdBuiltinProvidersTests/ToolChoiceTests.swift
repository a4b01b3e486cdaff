import LyrebirdBuiltinProviders
import LyrebirdPluginAPI
import Testing

/// How chat completions and Responses read `tool_choice` into the canonical choice.
@Suite struct ToolChoiceTests {
    private let tools =
        #"[{"type": "function", "function": {"name": "get_weather"}}, {"type": "function", "function": {"name": "final_answer"}}]"#
    private let responsesTools = #"[{"type": "function", "name": "get_weather"}, {"type": "function", "name": "final_answer"}]"#

    private func chatChoice(_ choice: String) throws -> ToolChoice {
        let body = #"{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "tools": \#(tools), "tool_choice": \#(choice)}"#
        let route = ProviderRoute(method: .post, path: "/v1/chat/completions", operation: "chat")
        return try ChatCompletionsProvider().decode(
            WireRequest(method: .post, path: "/v1/chat/completions", body: Array(body.utf8)), route: route
        ).toolChoice
    }

    private func responsesChoice(_ choice: String) throws -> ToolChoice {
        let body = #"{"model": "gpt-4o", "input": "hi", "tools": \#(responsesTools), "tool_choice": \#(choice)}"#
        let route = ProviderRoute(method: .post, path: "/v1/responses", operation: "responses")
        return try ResponsesProvider().decode(WireRequest(method: .post, path: "/v1/responses", body: Array(body.utf8)), route: route)
            .toolChoice
    }

    @Test func stringsAndNamedFunctions() throws {
        #expect(try chatChoice(#""required""#) == .required)
        #expect(try chatChoice(#""none""#) == ToolChoice.none)
        #expect(try chatChoice(#"{"type": "function", "function": {"name": "final_answer"}}"#) == .function(name: "final_answer"))
        #expect(try responsesChoice(#"{"type": "function", "name": "final_answer"}"#) == .function(name: "final_answer"))
    }

    @Test func allowedToolsInRequiredModeForceTheFirstAllowedFunction() throws {
        let chat =
            #"{"type": "allowed_tools", "allowed_tools": {"mode": "required", "tools": [{"type": "function", "function": {"name": "final_answer"}}, {"type": "function", "function": {"name": "get_weather"}}]}}"#
        #expect(try chatChoice(chat) == .function(name: "final_answer"))
        let responses =
            #"{"type": "allowed_tools", "mode": "required", "tools": [{"type": "web_search"}, {"type": "function", "name": "final_answer"}]}"#
        #expect(try responsesChoice(responses) == .function(name: "final_answer"))
        #expect(try responsesChoice(#"{"type": "allowed_tools", "mode": "required", "tools": [{"type": "web_search"}]}"#) == .required)
        #expect(
            try responsesChoice(#"{"type": "allowed_tools", "mode": "auto", "tools": [{"type": "function", "name": "final_answer"}]}"#)
                == .auto)
    }

    @Test func aBadAllowedToolsChoiceNamesItsParameter() throws {
        let badMode = #"{"type": "allowed_tools", "allowed_tools": {"mode": "always", "tools": []}}"#
        do {
            _ = try chatChoice(badMode)
            Issue.record("an unknown mode was accepted")
        } catch let error as ReplyError {
            #expect(error.param == "tool_choice.allowed_tools.mode")
        }
        do {
            _ = try responsesChoice(#"{"type": "allowed_tools", "mode": "required"}"#)
            Issue.record("a choice without its tools was accepted")
        } catch let error as ReplyError {
            #expect(error.param == "tool_choice.tools")
        }
    }
}
