import LyrebirdPluginAPI

extension CanonicalRequest {
    /// A request with every field but `mock_response` set to something other than its default,
    /// for the tests of the forms that cross the plugin ABI.
    static let everyField = CanonicalRequest(
        operation: "chat.completions", model: "m",
        messages: [
            Message(role: .system, text: "be brief"),
            Message(
                role: .user, content: [.text("look"), .image(url: "data:x"), .other(type: "audio", value: ["f": "wav"])], name: "ann"),
            Message(role: .assistant, content: [], toolCalls: [ToolCall(id: "c1", name: "f", arguments: "{\"a\":1}")]),
            Message(role: .tool, content: [.text("42")], toolCallID: "c1"),
        ],
        tools: [ToolDefinition(name: "f", description: "d", parameters: ["type": "object"]), ToolDefinition(name: "g")],
        toolChoice: .function(name: "f"), responseFormat: .jsonSchema(name: "s", schema: ["type": "object"]),
        sampling: SamplingParameters(temperature: 0.5, topP: 1, maxTokens: 10, stop: ["x"], seed: -3), choiceCount: 2, stream: true,
        includeUsage: true, mockResponse: nil, user: "u", body: ["a": [1, 2.5, nil, true]],
        headers: [Header(name: "x", value: "y")], replyKind: .embeddings(dimensions: 8))
}
