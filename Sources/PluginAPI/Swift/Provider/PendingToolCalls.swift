/// Tool calls not yet answered, oldest first, for a provider that pairs a conversation's tool
/// results with the calls they answer (by id, by name, or the oldest). Each call is found in
/// constant time (amortised): a request with many calls and answers costs time in proportion to
/// their number, where scanning a list for every answer costs its square.
public struct PendingToolCalls: Sendable {
    /// The positions of the calls with one id or one name, oldest first; those before `next`
    /// are answered.
    private struct Line: Sendable {
        var positions: [Int] = []
        var next = 0
    }

    private var ids: [String] = []
    private var answered: [Bool] = []
    /// No call before this position is unanswered.
    private var oldest = 0
    private var byID: [String: Line] = [:]
    private var byName: [String: Line] = [:]

    /// No calls.
    public init() {}

    /// Adds an unanswered call.
    public mutating func append(id: String, name: String) {
        byID[id, default: Line()].positions.append(ids.count)
        byName[name, default: Line()].positions.append(ids.count)
        ids.append(id)
        answered.append(false)
    }

    /// Answers the oldest unanswered call with `id` and returns its id, or `nil` when there is none.
    public mutating func answer(id: String) -> String? {
        guard var line = byID.removeValue(forKey: id) else { return nil }
        defer { byID[id] = line }
        return take(from: &line)
    }

    /// Answers the oldest unanswered call named `name` and returns its id, or `nil` when there is none.
    public mutating func answer(name: String) -> String? {
        guard var line = byName.removeValue(forKey: name) else { return nil }
        defer { byName[name] = line }
        return take(from: &line)
    }

    /// Answers the oldest unanswered call and returns its id, or `nil` when there is none.
    public mutating func answerOldest() -> String? {
        while oldest < ids.count && answered[oldest] { oldest += 1 }
        guard oldest < ids.count else { return nil }
        answered[oldest] = true
        return ids[oldest]
    }

    private mutating func take(from line: inout Line) -> String? {
        // A call answered through another line stays in this one until passed here.
        while line.next < line.positions.count && answered[line.positions[line.next]] { line.next += 1 }
        guard line.next < line.positions.count else { return nil }
        let position = line.positions[line.next]
        line.next += 1
        answered[position] = true
        return ids[position]
    }
}
