extension PluginJSON {
    /// A completed reply in its `Codable` form (see `CompletedReply`'s encoding), written member
    /// by member: the host hands one to a provider plugin with every whole reply, and the
    /// generic encoder cost more than the rest of such a call. Embedding vectors, rare on this
    /// path, still go through it.
    public static func replyBytes(_ reply: CompletedReply) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 512)
        writer.object { writer in
            writer.member(
                "choices",
                array: { writer in
                    for choice in reply.choices { write(choice, into: &writer) }
                })
            writer.key("usage")
            writer.object { writer in
                writer.member("prompt_tokens", reply.usage.promptTokens)
                writer.member("completion_tokens", reply.usage.completionTokens)
                writer.member("cached_tokens", reply.usage.cachedTokens)
                writer.member("reasoning_tokens", reply.usage.reasoningTokens)
            }
            if !reply.embeddings.isEmpty {
                writer.key("embeddings")
                writer.raw(encode(reply.embeddings))
            }
        }
        return writer.bytes
    }

    private static func write(_ choice: CompletedReply.Choice, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("index", choice.index)
            writer.member("text", choice.text)
            writer.key("tool_calls")
            write(choice.toolCalls, into: &writer)
            writer.member("finish_reason", choice.finishReason.rawValue)
            if !choice.reasoning.isEmpty { writer.member("reasoning", choice.reasoning) }
            if !choice.redactedReasoning.isEmpty {
                writer.member(
                    "redacted_reasoning",
                    array: { writer in
                        for data in choice.redactedReasoning { writer.value(.string(data)) }
                    })
            }
        }
    }

    /// Reads a completed reply as `decode(CompletedReply.self, from:)` reads it, to the same
    /// value and with the same refusals; the counterpart of ``replyBytes(_:)``.
    public static func reply(from bytes: some Collection<UInt8>) throws(PluginJSONError) -> CompletedReply {
        let document = try parse(bytes)
        let reply = try PluginJSONMemberReader(document, path: "")
        var choices: [CompletedReply.Choice] = []
        for (index, choice) in try reply.array("choices").enumerated() {
            choices.append(try Self.choice(choice, path: "choices[\(index)]"))
        }
        let usage = try PluginJSONMemberReader(try reply.required("usage"), path: "usage")
        return CompletedReply(
            choices: choices,
            usage: Usage(
                promptTokens: try usage.integer("prompt_tokens"), completionTokens: try usage.integer("completion_tokens"),
                cachedTokens: try usage.integer("cached_tokens"), reasoningTokens: try usage.integer("reasoning_tokens")),
            embeddings: try reply.decoded("embeddings", [[Double]].self) ?? [])
    }

    private static func choice(_ value: JSONValue, path: String) throws(PluginJSONError) -> CompletedReply.Choice {
        // In the order the `Decodable` form reads them, so that the same fault is refused first.
        let fields = try PluginJSONMemberReader(value, path: path)
        let index = try fields.optionalInteger("index") ?? 0
        let text = try fields.optionalString("text") ?? ""
        var toolCalls: [ToolCall] = []
        for (position, call) in try (fields.optionalArray("tool_calls") ?? []).enumerated() {
            toolCalls.append(try toolCall(call, path: "\(path).tool_calls[\(position)]"))
        }
        var finishReason = FinishReason.stop
        if let name = try fields.optionalString("finish_reason") {
            guard let known = FinishReason(rawValue: name) else {
                throw PluginJSONError(message: "Cannot initialize FinishReason from invalid String value \(name) at \(path).finish_reason")
            }
            finishReason = known
        }
        let reasoning = try fields.optionalString("reasoning") ?? ""
        var redacted: [String] = []
        for (position, data) in try (fields.optionalArray("redacted_reasoning") ?? []).enumerated() {
            guard case .string(let text) = data else {
                throw PluginJSONError(
                    message: "wrong type at \(path).redacted_reasoning[\(position)]: expected a string, found \(data.typeName)")
            }
            redacted.append(text)
        }
        return CompletedReply.Choice(
            index: index, text: text, toolCalls: toolCalls, finishReason: finishReason, reasoning: reasoning, redactedReasoning: redacted)
    }
}
