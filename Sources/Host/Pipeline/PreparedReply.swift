import LyrebirdPluginAPI

/// A fixed reply cut into its events once, when it is loaded, so that a request only copies
/// them: splitting text into stream pieces and counting its tokens cost more than the rest of
/// a request together.
final class PreparedReply: Sendable {
    /// The events of a whole reply: the text in one piece.
    private let whole: [ReplyEvent]
    /// The events of a streamed reply: the text in pieces of about the stream chunk size.
    private let streamed: [ReplyEvent]
    /// Tokens of one choice, as `TokenCounter` counts them, its reasoning's included.
    let completionTokens: Int
    /// Of `completionTokens`, those of the reasoning.
    let reasoningTokens: Int
    /// The usage the fixture fixes, if it does.
    let usage: Usage?
    /// The embedding vectors the fixture pins, used in turn for an embedding request's inputs.
    let embeddings: [[Double]]
    /// Tool calls without an id in the fixture get a new one for every request.
    private let generatesCallIDs: Bool
    /// The reply as the fixture gives it, for what needs its parts (structured output).
    let reply: StaticReply
    /// The size of the streamed reply's pieces.
    let chunk: ChunkSize

    convenience init(_ reply: StaticReply, streamChunkCharacters: Int) {
        self.init(reply, chunk: .characters(streamChunkCharacters))
    }

    init(_ reply: StaticReply, chunk: ChunkSize) {
        self.reply = reply
        self.chunk = chunk
        // An empty id marks a call whose id is made per request; the fixture decoder never
        // gives an empty one.
        whole = reply.events(chunk: nil, makeCallID: { "" })
        streamed = reply.events(chunk: chunk, makeCallID: { "" })
        generatesCallIDs = reply.toolCalls.contains { $0.id == nil }
        usage = reply.usage
        embeddings = reply.embeddings
        var tokens = 0
        var reasoningTokens = 0
        for event in whole {
            switch event {
            case .reasoning(let text):
                let counted = TokenCounter.count(text)
                tokens += counted
                reasoningTokens += counted
            case .text(let text): tokens += TokenCounter.count(text)
            case .toolCallStart(_, _, let name): tokens += TokenCounter.count(name)
            case .toolCallArguments(_, let fragment): tokens += TokenCounter.count(fragment)
            default: break
            }
        }
        completionTokens = tokens
        self.reasoningTokens = reasoningTokens
    }

    /// The reply's events for one request, ending with its finish (and usage, when fixed).
    func events(streamed isStreamed: Bool) -> [ReplyEvent] {
        let events = isStreamed ? streamed : whole
        guard generatesCallIDs else { return events }
        return events.map { event in
            guard case .toolCallStart(let index, "", let name) = event else { return event }
            return .toolCallStart(index: index, id: Identifiers.toolCallID(), name: name)
        }
    }
}
