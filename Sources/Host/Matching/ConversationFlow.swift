import LyrebirdPluginAPI

/// A conversation a fixture answers, told by its messages rather than by how many turns came
/// before: steps that must appear among the request's messages in this order (anywhere, or from
/// the first when `anchored`), each a role and a condition on the message's text.
public struct ConversationFlow: Sendable {
    /// One message of the flow.
    public struct Step: Sendable {
        /// The role the message has; any when `nil`.
        public var role: Message.Role?
        /// What its text must be; anything when `nil`.
        public var content: TextMatcher?

        public init(role: Message.Role? = nil, content: TextMatcher? = nil) {
            self.role = role
            self.content = content
        }

        func accepts(_ message: Message) -> Bool {
            if let role, message.role != role { return false }
            return content?.matches(message.text) ?? true
        }

        var summary: String {
            let role = self.role.map { "a \($0.rawValue) message" } ?? "a message"
            return content.map { "\(role) that \($0.summary)" } ?? role
        }
    }

    public var steps: [Step]
    /// Whether the first step must be the conversation's first message (system messages aside).
    public var anchored: Bool

    public init(steps: [Step], anchored: Bool = false) {
        self.steps = steps
        self.anchored = anchored
    }

    /// Where the steps fall among `messages`: the index of the message each step matched, or
    /// `nil` when they do not all appear in order. Taking each step's earliest match is enough:
    /// a later one could only leave fewer messages for the steps after it.
    func positions(in messages: [Message]) -> [Int]? {
        var positions: [Int] = []
        var next = 0
        let first = messages.firstIndex { $0.role != .system && $0.role != .developer } ?? messages.count
        for (number, step) in steps.enumerated() {
            if anchored && number == 0 {
                guard first < messages.count, step.accepts(messages[first]) else { return nil }
                positions.append(first)
                next = first + 1
                continue
            }
            guard let found = messages[next...].firstIndex(where: step.accepts) else { return nil }
            positions.append(found)
            next = found + 1
        }
        return positions
    }

    /// What the journal says when the steps matched but the conversation holds, before the last
    /// of them, messages of the roles the flow names that it does not name (a user turn more, a
    /// tool result more): a replay whose conversation drifted. Messages of other roles (the
    /// assistant's calls between a user message and a tool result) are the flow's own course.
    func drift(_ positions: [Int], in messages: [Message]) -> String? {
        guard let last = positions.last else { return nil }
        let roles = steps.contains { $0.role == nil } ? nil : Set(steps.compactMap(\.role))
        let unnamed = messages.indices.filter { index in
            let role = messages[index].role
            guard index <= last, role != .system, role != .developer, !positions.contains(index) else { return false }
            return roles?.contains(role) ?? true
        }
        guard !unnamed.isEmpty else { return nil }
        return
            "the conversation flow matched messages \(positions.map { String($0 + 1) }.joined(separator: ", ")) of \(messages.count); \(unnamed.count) message\(unnamed.count == 1 ? "" : "s") before its last step are not in the flow"
    }

    var summary: String {
        let listed = steps.map(\.summary).joined(separator: ", then ")
        return anchored ? "a conversation that starts with \(listed)" : "a conversation with \(listed)"
    }
}
