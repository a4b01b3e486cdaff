extension PluginJSON {
    /// A canonical request as plugins receive it: its `Codable` form plus two read-only
    /// conveniences, `last_user_text` and `system_text`, so that a plugin written in C can find
    /// the prompt without walking the messages. Decoding ignores them.
    ///
    /// Written member by member rather than through `Encodable`: every request a plugin answers
    /// crosses here, and the generic encoder cost more than the rest of such a request. The
    /// members are those of `CanonicalRequest.CodingKeys`, in their order, as the synthesized
    /// encoding writes them (`PluginJSONTests` holds the two to the same JSON).
    public static func requestBytes(_ request: CanonicalRequest) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 2048)
        writer.object { writer in
            writer.member("operation", request.operation)
            writer.member("model", request.model)
            writer.member(
                "messages",
                array: { writer in
                    for message in request.messages { write(message, into: &writer) }
                })
            writer.key("tools")
            writer.raw(request.tools.isEmpty ? Array("[]".utf8) : encode(request.tools))
            writer.key("tool_choice")
            writer.raw(request.toolChoice == .auto ? Defaults.toolChoice : encode(request.toolChoice))
            writer.key("response_format")
            writer.raw(request.responseFormat == .text ? Defaults.responseFormat : encode(request.responseFormat))
            writer.key("sampling")
            writer.raw(encode(request.sampling))
            writer.member("n", request.choiceCount)
            writer.member("stream", request.stream)
            writer.member("include_usage", request.includeUsage)
            if let mockResponse = request.mockResponse { writer.member("mock_response", mockResponse) }
            if let user = request.user { writer.member("user", user) }
            writer.key("body")
            writer.value(request.body)
            writer.key("headers")
            write(request.headers, into: &writer)
            writer.key("reply_kind")
            writer.raw(request.replyKind == .message ? Defaults.replyKind : encode(request.replyKind))
            writer.member("last_user_text", request.lastUserText)
            writer.member("system_text", request.systemText)
        }
        return writer.bytes
    }

    /// The encodings of the values most requests have, made once.
    private enum Defaults {
        static let toolChoice = encode(ToolChoice.auto)
        static let responseFormat = encode(ResponseFormat.text)
        static let replyKind = encode(ReplyKind.message)
    }

    private static func write(_ message: Message, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("role", message.role.rawValue)
            writer.member(
                "content",
                array: { writer in
                    for part in message.content {
                        writer.object { writer in
                            switch part {
                            case .text(let text):
                                writer.member("type", "text")
                                writer.member("text", text)
                            case .image(let url):
                                writer.member("type", "image")
                                writer.member("url", url)
                            case .other(let type, let value):
                                writer.member("type", type)
                                writer.key("value")
                                writer.value(value)
                            }
                        }
                    }
                })
            if let name = message.name { writer.member("name", name) }
            writer.key("tool_calls")
            write(message.toolCalls, into: &writer)
            if let toolCallID = message.toolCallID { writer.member("tool_call_id", toolCallID) }
        }
    }

    /// `[{"id", "name", "arguments"}]`: the `Codable` form of tool calls, in messages and replies.
    static func write(_ calls: [ToolCall], into writer: inout JSONWriter) {
        writer.array { writer in
            for call in calls {
                writer.object { writer in
                    writer.member("id", call.id)
                    writer.member("name", call.name)
                    writer.member("arguments", call.arguments)
                }
            }
        }
    }
}
