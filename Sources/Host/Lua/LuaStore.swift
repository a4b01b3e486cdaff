import LyrebirdPluginAPI
import Synchronization

/// The key-value store of one Lua fixture, split into partitions: one per conversation, so a
/// script can keep state across the turns of a multi-turn exchange, and one per API key, for
/// state that spans a client's partitions (a quota, a counter).
///
/// Clients choose partitions and keys, so the store is bounded: past `maximumBytes` the
/// partitions written least recently are dropped, as a cache drops its oldest entries. Each
/// call takes the store's lock once, so `increment` is atomic however many requests run at once.
final class LuaStore: Sendable {
    /// What one fixture's store may hold, in the units of `LuaValues.json(at:in:cost:)`.
    static let defaultMaximumBytes = 64 << 20
    /// What a partition costs besides its keys and values.
    private static let partitionOverhead = 64

    private struct PartitionValues {
        var values: [String: (value: JSONValue, bytes: Int)] = [:]
        var bytes = 0
        var lastWrite: UInt64 = 0
    }

    private struct State {
        var partitions: [String: PartitionValues] = [:]
        var bytes = 0
        var writes: UInt64 = 0
        /// Partitions in the order of their writes; an entry whose stamp is no longer its
        /// partition's `lastWrite` is stale and skipped.
        var order: [(stamp: UInt64, partition: String)] = []
        var orderStart = 0
    }

    let maximumBytes: Int
    private let state = Mutex(State())

    init(maximumBytes: Int = LuaStore.defaultMaximumBytes) {
        self.maximumBytes = maximumBytes
    }

    /// Which partition of the store a call reads and writes.
    enum Partition: String, CaseIterable {
        /// The request's conversation (`LuaStore.conversation(of:)`).
        case conversation
        /// The request's API key; requests without one share one partition.
        case apiKey = "api_key"
    }

    /// Why an increment was refused.
    enum IncrementError: Error, Equatable {
        /// The key holds something other than a number.
        case notANumber(String)
    }

    /// The store as one partition sees it.
    struct Scope {
        let store: LuaStore
        /// The partition's name in the store: its kind and its id.
        let name: String

        func get(_ key: String) -> JSONValue? {
            store.state.withLock { $0.partitions[name]?.values[key]?.value }
        }

        /// Stores `value` (`null` removes the key); `bytes` is what it costs.
        ///
        /// - Returns: `false` when the value alone is larger than the whole store.
        func set(_ key: String, _ value: JSONValue, bytes: Int) -> Bool {
            store.update(key, in: name) { _ in (value, bytes + key.utf8.count) } != nil
        }

        /// Adds `delta` to the number at `key` (a missing key counts as 0) in one step under the
        /// store's lock, and returns the sum: integers stay integers while the sum fits.
        func increment(_ key: String, by delta: JSONValue) throws(IncrementError) -> JSONValue {
            var refusal: IncrementError?
            let result = store.update(key, in: name) { current in
                let sum: JSONValue
                switch (current ?? .integer(0), delta) {
                case (.integer(let a), .integer(let b)):
                    let (value, overflow) = a.addingReportingOverflow(b)
                    sum = overflow ? .number(Double(a) + Double(b)) : .integer(value)
                case (.integer(let a), .number(let b)): sum = .number(Double(a) + b)
                case (.number(let a), .integer(let b)): sum = .number(a + Double(b))
                case (.number(let a), .number(let b)): sum = .number(a + b)
                case (let other, _):
                    refusal = .notANumber(other.typeName)
                    return nil
                }
                return (sum, key.utf8.count + 16)
            }
            if let refusal { throw refusal }
            return result ?? .null
        }
    }

    /// The scope of `partition` for `request`.
    func scope(_ partition: Partition, of request: CanonicalRequest) -> Scope {
        switch partition {
        case .conversation: return scope(.conversation, id: Self.conversation(of: request))
        case .apiKey: return scope(.apiKey, id: request.apiKey ?? "")
        }
    }

    /// The scope of the partition of kind `partition` named `id`.
    func scope(_ partition: Partition, id: String) -> Scope {
        Scope(store: self, name: partition.rawValue + ":" + id)
    }

    /// Replaces the value at `key` in partition `name` by what `change` makes of the current
    /// one (with the new value's cost), all under the lock; `change` returning `nil` leaves the
    /// store as it is. Returns the new value, or `nil` when nothing was stored: `change`
    /// declined, or the value alone is larger than the whole store.
    private func update(
        _ key: String, in name: String, _ change: (JSONValue?) -> (value: JSONValue, bytes: Int)?
    ) -> JSONValue? {
        state.withLock { state in
            guard let (value, bytes) = change(state.partitions[name]?.values[key]?.value) else { return nil }
            if !value.isNull && bytes + Self.partitionOverhead > maximumBytes { return nil }
            Self.store(value, bytes: bytes, at: key, in: name, into: &state, maximumBytes: maximumBytes)
            return value
        }
    }

    private static func store(
        _ value: JSONValue, bytes: Int, at key: String, in name: String, into state: inout State, maximumBytes: Int
    ) {
        var partition = state.partitions.removeValue(forKey: name) ?? PartitionValues()
        state.bytes -= partition.values.isEmpty ? 0 : partition.bytes + Self.partitionOverhead
        if let previous = partition.values.removeValue(forKey: key) { partition.bytes -= previous.bytes }
        if !value.isNull {
            partition.values[key] = (value, bytes)
            partition.bytes += bytes
        }
        guard !partition.values.isEmpty else { return }
        state.writes += 1
        partition.lastWrite = state.writes
        state.order.append((state.writes, name))
        state.bytes += partition.bytes + Self.partitionOverhead
        // Room is made before the partition goes back in, so it is never the one dropped.
        while state.bytes > maximumBytes, let oldest = Self.leastRecentlyWritten(in: &state) {
            state.bytes -= oldest.bytes + Self.partitionOverhead
        }
        state.partitions[name] = partition
        Self.compact(&state)
    }

    private static func leastRecentlyWritten(in state: inout State) -> PartitionValues? {
        while state.orderStart < state.order.count {
            let (stamp, name) = state.order[state.orderStart]
            state.orderStart += 1
            if let partition = state.partitions[name], partition.lastWrite == stamp {
                return state.partitions.removeValue(forKey: name)
            }
        }
        return nil
    }

    /// Drops stale order entries once they are most of the list.
    private static func compact(_ state: inout State) {
        guard state.order.count > 1024 && state.order.count > 2 * state.partitions.count else { return }
        state.order = state.order[state.orderStart...].filter { state.partitions[$0.partition]?.lastWrite == $0.stamp }
        state.orderStart = 0
    }

    /// The conversation a request belongs to: the `x-lyrebird-conversation` header, else the
    /// request's `user` field, else `default`.
    static func conversation(of request: CanonicalRequest) -> String {
        request.header("x-lyrebird-conversation") ?? request.user ?? "default"
    }
}
