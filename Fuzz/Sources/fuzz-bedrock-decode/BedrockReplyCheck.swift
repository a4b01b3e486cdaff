import Foundation
import FuzzSupport
import LyrebirdPluginAPI

/// Answers a decoded request with a reply built from the request itself, whole, streamed and
/// as an error, and checks what the provider writes.
enum BedrockReplyCheck {
    static func requireAnswers(_ provider: any Provider, to request: CanonicalRequest, body: [UInt8]) {
        let context = ReplyContext(
            requestID: "req_fuzz", idSuffix: "fuzz", created: 1_700_000_000, model: request.model, systemFingerprint: "fp_fuzz",
            promptTokens: 3)
        let events = replyEvents(for: request)
        var choice = CompletedReply.Choice(index: 0)
        for event in events { choice.apply(event) }
        let reply = CompletedReply(choices: [choice], usage: Usage(promptTokens: 3, completionTokens: 5))

        let whole = provider.encode(reply, for: request, context: context)
        require(whole.status == 200, "a whole reply with status \(whole.status) for \(excerpt(body))")
        require((try? JSONValue.parse(whole.body)) != nil, "a whole reply that is not JSON: \(excerpt(whole.body))")

        var streamed = request
        streamed.stream = true
        var encoder = provider.makeStreamEncoder(for: streamed, context: context)
        var bytes = encoder.start()
        for event in events { encoder.encode(event, choice: 0, into: &bytes) }
        bytes += encoder.finish()
        EventStreamCheck.requireMessages(bytes, request: body)

        // The same reply failing part way ends with an exception message.
        var failing = provider.makeStreamEncoder(for: streamed, context: context)
        var failed = failing.start()
        failing.encode(events[0], choice: 0, into: &failed)
        failing.encode(.error(ReplyError(status: 429, message: request.lastUserText)), choice: 0, into: &failed)
        failed += failing.finish()
        EventStreamCheck.requireMessages(failed, request: body)

        let error = provider.encode(ReplyError(status: 400, message: request.lastUserText), for: request, context: context)
        require(error.status == 400, "an error answered with \(error.status)")
        require((try? JSONValue.parse(error.body))?["message"]?.stringValue == request.lastUserText, "an error without its message")
    }

    /// Reasoning and a redacted piece (shown when the request enables reasoning), the request's
    /// last user text, a call of each of its tools with its schema as arguments (split in two
    /// fragments), a finish, and usage.
    static func replyEvents(for request: CanonicalRequest) -> [ReplyEvent] {
        var events: [ReplyEvent] = [
            .reasoning(request.model), .redactedReasoning(data: request.lastUserText), .text(request.lastUserText),
        ]
        for (index, tool) in request.tools.prefix(4).enumerated() {
            let arguments = (tool.parameters ?? .object([:])).serialized
            let middle = arguments.index(arguments.startIndex, offsetBy: arguments.count / 2)
            events += [
                .toolCallStart(index: index, id: "call_\(index)", name: tool.name),
                .toolCallArguments(index: index, fragment: String(arguments[..<middle])),
                .toolCallArguments(index: index, fragment: String(arguments[middle...])),
            ]
        }
        events += [.finish(request.tools.isEmpty ? .stop : .toolCalls), .usage(Usage(promptTokens: 3, completionTokens: 5))]
        return events
    }
}
