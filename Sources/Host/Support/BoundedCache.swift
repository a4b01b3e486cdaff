import Synchronization

/// A map shared by requests that holds at most `capacity` entries and `weightLimit` in total
/// weight (roughly the bytes its keys and values hold); the oldest entries leave first.
final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Storage {
        var entries: [Key: (value: Value, weight: Int)] = [:]
        /// Keys, oldest first.
        var order: [Key] = []
        var weight = 0
    }

    private let storage = Mutex(Storage())
    private let capacity: Int
    private let weightLimit: Int

    init(capacity: Int, weightLimit: Int) {
        self.capacity = capacity
        self.weightLimit = weightLimit
    }

    subscript(key: Key) -> Value? {
        storage.withLock { $0.entries[key]?.value }
    }

    /// Keeps `value` for `key`, unless it alone would take more than an eighth of the weight
    /// limit: a few large entries must not push out every other.
    func insert(_ value: Value, for key: Key, weight: Int) {
        guard weight <= weightLimit / 8 else { return }
        storage.withLock { storage in
            if let replaced = storage.entries.updateValue((value, weight), forKey: key) {
                storage.weight -= replaced.weight
            } else {
                storage.order.append(key)
            }
            storage.weight += weight
            while storage.order.count > capacity || storage.weight > weightLimit {
                let oldest = storage.order.removeFirst()
                if let removed = storage.entries.removeValue(forKey: oldest) { storage.weight -= removed.weight }
            }
        }
    }
}
