import Synchronization

/// The responses a provider keeps in memory: the most recent `capacity`, oldest dropped first.
/// Nothing survives a restart.
final class ResponseStore: Sendable {
    private struct State {
        var records: [String: StoredResponse] = [:]
        /// Ids oldest first, for eviction.
        var order: [String] = []
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        precondition(capacity > 0, "a response store keeps at least one response")
        self.capacity = capacity
    }

    /// Keeps `response` under `id`, dropping the oldest response when the store is full.
    func insert(_ response: StoredResponse, id: String) {
        state.withLock { state in
            if state.records.updateValue(response, forKey: id) == nil { state.order.append(id) }
            if state.order.count > capacity {
                state.records[state.order.removeFirst()] = nil
            }
        }
    }

    func response(_ id: String) -> StoredResponse? {
        state.withLock { $0.records[id] }
    }

    /// Removes the response `id`; `false` when there was none.
    func remove(_ id: String) -> Bool {
        state.withLock { state in
            guard state.records.removeValue(forKey: id) != nil else { return false }
            // The store is small: a linear search costs less than keeping a second index.
            if let position = state.order.firstIndex(of: id) { state.order.remove(at: position) }
            return true
        }
    }
}
