import LyrebirdPluginAPI

/// A streamed reply as server-sent events: `event: text` for each piece of text, then
/// `event: done` with the finish reason and the usage, which the host always sends last.
struct MyPluginStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"
    let context: ReplyContext
    private var finishReason = FinishReason.stop

    init(context: ReplyContext) {
        self.context = context
    }

    /// Sent with the response head: the host's request id under this format's own name.
    var headers: [Header] { [Header(name: "my-plugin-request-id", value: context.requestID)] }

    mutating func start() -> [UInt8] { [] }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        // This format has one choice, and no tool calls or embeddings.
        guard choice == 0 else { return [] }
        switch event {
        case .text(let text):
            return Self.event("text") { writer in writer.member("text", text) }
        case .finish(let reason):
            finishReason = reason
            return []
        case .usage(let usage):
            return Self.event("done") { writer in
                writer.member("finish_reason", finishReason.rawValue)
                writer.member("usage", object: { writer in MyPluginProvider.write(usage, into: &writer) })
            }
        case .error(let error):
            return Self.event("error") { writer in writer.member("message", error.message) }
        case .toolCallStart, .toolCallArguments, .embedding:
            return []
        @unknown default:
            // An event a later 1.x release adds (docs/plugins.md, "The Swift layer's
            // versions"): this format has no form for it.
            return []
        }
    }

    mutating func finish() -> [UInt8] { [] }

    private static func event(_ name: String, _ members: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter()
        writer.object(members)
        return Array("event: \(name)\ndata: ".utf8) + writer.bytes + Array("\n\n".utf8)
    }
}
