import Synchronization

/// How often each fixture answered, in total and per context id, and so where each context
/// stands in each fixture's reply sequence.
///
/// A context's counts are its turns: resetting a context starts its sequences again, while the
/// totals keep counting. At most `contextLimit` contexts are kept; a new one beyond that makes
/// the host forget the context it met longest ago, so that a client inventing a context per
/// request cannot grow the table.
final class FixtureCounters: Sendable {
    /// The counts of one context.
    private struct Context {
        /// Its place in `State.arrival`, so that a context reset and met again is forgotten in
        /// its new turn, not its old one.
        var arrival: Int
        var hits: [String: Int] = [:]
    }

    private struct State {
        var totals: [String: Int] = [:]
        var contexts: [String: Context] = [:]
        /// Context ids in the order they were met, a ring of `contextLimit` places.
        var arrival: [String] = []
        var nextArrival = 0
    }

    private let state = Mutex(State())
    /// The most contexts kept at once (`settings.max_contexts`).
    let contextLimit: Int

    init(contextLimit: Int) {
        self.contextLimit = max(1, contextLimit)
    }

    /// Counts one answer of fixture `id` in `context` and returns the context's turn before it
    /// (0 for its first), unless `accepts` refuses that turn: then nothing is counted.
    func claim(_ id: String, context: String, accepts: (Int) -> Bool = { _ in true }) -> Int? {
        state.withLock { state in
            let turn = state.contexts[context]?.hits[id] ?? 0
            guard accepts(turn) else { return nil }
            if state.contexts[context] == nil { Self.meet(context, in: &state, limit: contextLimit) }
            state.contexts[context]!.hits[id] = turn + 1
            state.totals[id, default: 0] += 1
            return turn
        }
    }

    private static func meet(_ context: String, in state: inout State, limit: Int) {
        let place = state.nextArrival
        if state.arrival.count < limit {
            state.arrival.append(context)
        } else {
            let oldest = state.arrival[place]
            if state.contexts[oldest]?.arrival == place { state.contexts[oldest] = nil }
            state.arrival[place] = context
        }
        state.nextArrival = (place + 1) % limit
        state.contexts[context] = Context(arrival: place)
    }

    /// How often fixture `id` answered: in total, and in each context still kept.
    func hits(of id: String) -> (total: Int, contexts: [String: Int]) {
        state.withLock { state in
            var contexts: [String: Int] = [:]
            for (name, context) in state.contexts {
                if let count = context.hits[id] { contexts[name] = count }
            }
            return (state.totals[id] ?? 0, contexts)
        }
    }

    /// How often each fixture answered in total, by id.
    var totals: [String: Int] { state.withLock { $0.totals } }

    /// Starts the sequences of `context` again, or of every context when it is `nil`; returns
    /// how many contexts were reset.
    @discardableResult
    func reset(context: String?) -> Int {
        state.withLock { state in
            guard let context else {
                let count = state.contexts.count
                state.contexts.removeAll()
                state.arrival.removeAll()
                state.nextArrival = 0
                return count
            }
            return state.contexts.removeValue(forKey: context) == nil ? 0 : 1
        }
    }

    /// Forgets fixture `id`: it was removed.
    func forget(_ id: String) {
        state.withLock { state in
            state.totals[id] = nil
            for name in state.contexts.keys { state.contexts[name]?.hits[id] = nil }
        }
    }

    /// Forgets every count.
    func removeAll() {
        state.withLock { $0 = State() }
    }
}
