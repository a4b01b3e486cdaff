import LyrebirdAnthropicProvider
import LyrebirdPluginAPI

/// Writes InvokeModel's answers to an Anthropic body: the Messages response JSON, with Bedrock's
/// `msg_bdrk_` ids, and the headers Bedrock adds with the invocation's token counts and latency.
enum BedrockInvokeWriter {
    /// The message id of a reply: `msg_bdrk_<suffix>`, the same in every event of one stream.
    static func messageID(_ context: ReplyContext) -> String { "msg_bdrk_" + context.idSuffix }

    static func response(_ reply: CompletedReply, thinking: AnthropicThinking, context: ReplyContext) -> WireResponse {
        let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
        var writer = JSONWriter(reservingCapacity: 512)
        AnthropicMessageWriter.writeMessage(
            into: &writer, id: messageID(context), model: context.model,
            write: { writer in AnthropicMessageWriter.writeContent(of: choice, thinking: thinking, into: &writer) },
            stopReason: AnthropicMessageWriter.stopReason(choice.finishReason),
            usage: { writer in AnthropicMessageWriter.writeUsage(reply.usage, into: &writer) })
        let headers = [
            Header(name: "x-amzn-RequestId", value: context.requestID),
            Header(name: "X-Amzn-Bedrock-Invocation-Latency", value: String(BedrockClock.millisecondsSince(context))),
            Header(name: "X-Amzn-Bedrock-Output-Token-Count", value: String(reply.usage.completionTokens)),
            Header(name: "X-Amzn-Bedrock-Input-Token-Count", value: String(reply.usage.promptTokens)),
        ]
        return WireResponse(status: 200, headers: headers, body: writer.bytes)
    }
}
