import Synchronization

/// The responses a provider keeps in memory: the most recent `capacity`, holding at most
/// `maximumBytes` together, oldest dropped first. Nothing survives a restart.
final class ResponseStore: Sendable {
    private struct State {
        var records: [String: StoredResponse] = [:]
        /// Ids oldest first, for eviction.
        var order: [String] = []
        var bytes = 0
    }

    let capacity: Int
    let maximumBytes: Int
    private let state = Mutex(State())

    init(capacity: Int, maximumBytes: Int) {
        precondition(capacity > 0, "a response store keeps at least one response")
        self.capacity = capacity
        self.maximumBytes = maximumBytes
    }

    /// Keeps `response` under `id`, dropping the oldest responses while the store is over its
    /// bounds. A response larger than `maximumBytes` on its own is not kept.
    func insert(_ response: StoredResponse, id: String) {
        guard response.bytes <= maximumBytes else { return }
        state.withLock { state in
            if let previous = state.records.updateValue(response, forKey: id) {
                state.bytes -= previous.bytes
            } else {
                state.order.append(id)
            }
            state.bytes += response.bytes
            while state.order.count > capacity || state.bytes > maximumBytes {
                if let dropped = state.records.removeValue(forKey: state.order.removeFirst()) { state.bytes -= dropped.bytes }
            }
        }
    }

    func response(_ id: String) -> StoredResponse? {
        state.withLock { $0.records[id] }
    }

    /// Removes the response `id`; `false` when there was none.
    func remove(_ id: String) -> Bool {
        state.withLock { state in
            guard let removed = state.records.removeValue(forKey: id) else { return false }
            state.bytes -= removed.bytes
            // The store is small: a linear search costs less than keeping a second index.
            if let position = state.order.firstIndex(of: id) { state.order.remove(at: position) }
            return true
        }
    }
}
