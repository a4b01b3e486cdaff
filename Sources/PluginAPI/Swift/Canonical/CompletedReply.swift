/// A whole reply, gathered from its events, for providers that answer in one body.
public struct CompletedReply: Sendable, Hashable {
    /// One alternative reply.
    public struct Choice: Sendable, Hashable {
        /// The choice's position, from 0.
        public var index: Int
        /// The whole text of the choice.
        public var text: String
        /// The tool calls, in the order they started, arguments complete.
        public var toolCalls: [ToolCall]
        /// Why the choice ended.
        public var finishReason: FinishReason
        /// The choice's reasoning, before its text, if the reply has some.
        public var reasoning: String
        /// Pieces of reasoning shown only as opaque data, in order.
        public var redactedReasoning: [String]

        /// Creates a choice.
        public init(
            index: Int, text: String = "", toolCalls: [ToolCall] = [], finishReason: FinishReason = .stop, reasoning: String = "",
            redactedReasoning: [String] = []
        ) {
            self.index = index
            self.text = text
            self.toolCalls = toolCalls
            self.finishReason = finishReason
            self.reasoning = reasoning
            self.redactedReasoning = redactedReasoning
        }
    }

    /// One entry per choice the client asked for (`CanonicalRequest.choiceCount`), in index
    /// order.
    public var choices: [Choice]
    /// Token counts for the whole reply, over every choice.
    public var usage: Usage
    /// For embedding requests: one vector per input, in input order.
    public var embeddings: [[Double]]

    /// Creates a completed reply.
    public init(choices: [Choice], usage: Usage, embeddings: [[Double]] = []) {
        self.choices = choices
        self.usage = usage
        self.embeddings = embeddings
    }
}

extension CompletedReply.Choice {
    /// Folds one event of this choice into it. Usage, error and embedding events are not per
    /// choice and are ignored here.
    public mutating func apply(_ event: ReplyEvent) {
        switch event {
        case .text(let piece):
            text += piece
        case .toolCallStart(let index, let id, let name):
            while toolCalls.count <= index { toolCalls.append(ToolCall(id: "", name: "", arguments: "")) }
            toolCalls[index].id = id
            toolCalls[index].name = name
        case .toolCallArguments(let index, let fragment):
            guard toolCalls.indices.contains(index) else { return }
            toolCalls[index].arguments += fragment
        case .finish(let reason):
            finishReason = reason
        case .reasoning(let piece):
            reasoning += piece
        case .redactedReasoning(let data):
            redactedReasoning.append(data)
        case .usage, .error, .embedding:
            return
        }
    }
}
