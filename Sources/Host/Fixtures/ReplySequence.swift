/// Replies a fixture serves in turn, counted per context id (`CanonicalRequest.contextID`) so
/// that parallel tests never see each other's turns.
public struct ReplySequence: Sendable {
    /// One reply of the sequence and how many turns it answers.
    public struct Step: Sendable {
        /// What this step answers.
        public var reply: FixtureReply
        /// How many requests in a row it answers before the next step takes over (at least 1).
        public var times: Int
        /// What goes wrong with this step's reply, in place of the fixture's fault.
        public var fault: Fault?

        /// Creates a step.
        public init(_ reply: FixtureReply, times: Int = 1) {
            self.reply = reply
            self.times = max(1, times)
        }
    }

    /// What a context gets once every step has had its turns.
    public enum AfterLast: String, Sendable, CaseIterable {
        /// The last step answers from then on.
        case repeatLast = "repeat"
        /// The sequence starts again from its first step.
        case cycle
        /// The fixture stops answering, so the next matching fixture answers.
        case fallThrough = "fall_through"
    }

    /// The steps, in the order they answer (at least one).
    public var steps: [Step]
    /// What happens after the last step's turns.
    public var afterLast: AfterLast

    /// Creates a sequence of `steps` (at least one).
    public init(_ steps: [Step], afterLast: AfterLast = .repeatLast) {
        precondition(!steps.isEmpty, "a reply sequence needs at least one step")
        self.steps = steps
        self.afterLast = afterLast
    }

    /// How many turns the steps answer together, once through.
    var turnsOnce: Int { steps.reduce(0) { $0 + $1.times } }

    /// The step that answers a context's turn `turn` (0 for its first request), or `nil` when the
    /// sequence is over for it and the fixture falls through.
    func step(forTurn turn: Int) -> Int? {
        let total = turnsOnce
        var position = turn
        if turn >= total {
            switch afterLast {
            case .repeatLast: return steps.count - 1
            case .cycle: position = turn % total
            case .fallThrough: return nil
            }
        }
        for (index, step) in steps.enumerated() {
            if position < step.times { return index }
            position -= step.times
        }
        return steps.count - 1
    }
}
