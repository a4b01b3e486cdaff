import LyrebirdPluginAPI

extension ResponseItem {
    /// The status of the item a reply was writing when it ended for `reason`: a length limit or
    /// a filter leaves it incomplete.
    static func status(endingWith reason: FinishReason) -> Status {
        reason == .length || reason == .contentFilter ? .incomplete : .completed
    }

    /// The output items of a whole reply: its reasoning, when it has some (with its summary when
    /// `summarize`), then its text as one assistant message (also when the reply is empty and
    /// calls nothing), then one function call item per tool call. The last item has the status
    /// the reply ended with.
    static func output(of choice: CompletedReply.Choice, summarize: Bool) -> [ResponseItem] {
        var items: [ResponseItem] = []
        if !choice.reasoning.isEmpty || !choice.redactedReasoning.isEmpty {
            let summary = summarize && !choice.reasoning.isEmpty ? [choice.reasoning] : []
            items.append(.reasoning(id: ResponseIDs.make("rs_"), summary: summary, status: .completed))
        }
        let last = status(endingWith: choice.finishReason)
        if !choice.text.isEmpty || choice.toolCalls.isEmpty {
            let status = choice.toolCalls.isEmpty ? last : .completed
            items.append(.message(id: ResponseIDs.make("msg_"), role: .assistant, status: status, content: [.outputText(choice.text)]))
        }
        for (index, call) in choice.toolCalls.enumerated() {
            items.append(
                .functionCall(
                    id: ResponseIDs.make("fc_"), callID: call.id, name: call.name, arguments: call.arguments,
                    status: index == choice.toolCalls.count - 1 ? last : .completed))
        }
        return items
    }
}
