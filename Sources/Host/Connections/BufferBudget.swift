import Synchronization

/// The request bytes the whole host holds before they are answered: HTTP bodies being read or
/// answered, and WebSocket messages whose frames are still arriving. Each connection is bounded
/// on its own (`max_body_bytes`), but many connections together could still pin all the
/// machine's memory; past this bound new bytes are refused (`settings.max_buffered_bytes`).
final class BufferBudget: Sendable {
    /// The most bytes held at once.
    let limit: Int
    private let used = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes `bytes` from the budget; `false`, taking nothing, when that would pass the limit.
    func reserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        var current = used.load(ordering: .relaxed)
        while true {
            guard bytes <= limit - current else { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Gives back `bytes` taken by `reserve`.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.subtract(bytes, ordering: .relaxed)
    }

    /// The bytes held now.
    var inUse: Int { used.load(ordering: .relaxed) }
}
