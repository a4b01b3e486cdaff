import LyrebirdPluginAPI
import Synchronization

/// The responses a provider keeps: in memory, the most recent `capacity`, holding at most
/// `maximumBytes` together, oldest dropped first; and, once a host attaches its records, in the
/// host's store too, where they outlive a restart and every host of a fleet finds them.
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
    private let attached = Mutex<(any ProviderRecords)?>(nil)

    init(capacity: Int, maximumBytes: Int) {
        precondition(capacity > 0, "a response store keeps at least one response")
        self.capacity = capacity
        self.maximumBytes = maximumBytes
    }

    /// Keeps the responses in `records` as well from now on.
    func attach(_ records: any ProviderRecords) {
        attached.withLock { $0 = records }
    }

    /// Keeps `response` under `id`, in memory and in the records, dropping the oldest responses
    /// while memory is over its bounds. A response larger than `maximumBytes` on its own is not
    /// kept.
    func insert(_ response: StoredResponse, id: String) {
        guard response.bytes <= maximumBytes else { return }
        remember(response, id: id)
        attached.withLock { $0 }?.save(response.record, at: id)
    }

    /// Brings the response `id` into memory from the records when only they have it (it was
    /// kept before a restart, or by another host).
    func loadIfMissing(_ id: String) async {
        if response(id) == nil { _ = await current(id) }
    }

    /// The response `id` as the records have it now, when the store has records: a response
    /// another host deleted is forgotten here too. Without records, the one in memory.
    func current(_ id: String) async -> StoredResponse? {
        guard let records = attached.withLock({ $0 }) else { return response(id) }
        guard let record = await records.load(id), let response = StoredResponse(record: record) else {
            _ = forget(id)
            return nil
        }
        if response.bytes <= maximumBytes { remember(response, id: id) }
        return response
    }

    private func remember(_ response: StoredResponse, id: String) {
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

    /// Removes the response `id` from memory and the records; `false` when neither had it.
    func remove(_ id: String) async -> Bool {
        let inMemory = forget(id)
        guard let records = attached.withLock({ $0 }) else { return inMemory }
        return await records.remove(id) || inMemory
    }

    private func forget(_ id: String) -> Bool {
        state.withLock { state in
            guard let removed = state.records.removeValue(forKey: id) else { return false }
            state.bytes -= removed.bytes
            // The store is small: a linear search costs less than keeping a second index.
            if let position = state.order.firstIndex(of: id) { state.order.remove(at: position) }
            return true
        }
    }
}
