/// A whole reply, gathered from its events, for providers that answer in one body.
public struct CompletedReply: Sendable, Hashable {
    /// One alternative reply.
    public struct Choice: Sendable, Hashable {
        public var index: Int
        public var text: String
        public var toolCalls: [ToolCall]
        public var finishReason: FinishReason

        public init(index: Int, text: String = "", toolCalls: [ToolCall] = [], finishReason: FinishReason = .stop) {
            self.index = index
            self.text = text
            self.toolCalls = toolCalls
            self.finishReason = finishReason
        }
    }

    public var choices: [Choice]
    public var usage: Usage
    /// For embedding requests: one vector per input, in input order.
    public var embeddings: [[Double]]

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
        case .usage, .error, .embedding:
            return
        }
    }
}
