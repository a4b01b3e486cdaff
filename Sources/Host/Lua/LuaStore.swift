import LyrebirdPluginAPI

/// The key-value store of one Lua fixture, split into partitions: one per conversation, so a
/// script can keep state across the turns of a multi-turn exchange, and one per API key, for
/// state that spans a client's partitions (a quota, a counter).
///
/// Values live in the host's store (`settings.store`), so they outlive a restart when it is a
/// file and every host of a PostgreSQL fleet sees the same ones. Clients choose partitions and
/// keys, so the store is bounded: past `maximumBytes` the partitions written least recently are
/// dropped, as a cache drops its oldest entries. Each call is one step of the store under its
/// lock, so `increment` is atomic however many requests (and hosts) run at once.
///
/// Every call blocks its thread until the store answers: scripts call it from the host's script
/// threads, which may block, never from an event loop or a task.
final class LuaStore: Sendable {
    /// What one fixture's store may hold, in bytes of JSON text (`RecordCost`).
    static let defaultMaximumBytes = 64 << 20

    let engine: any StoreEngine
    /// The store's space in the host's store: the fixture's script.
    let space: String
    let maximumBytes: Int

    init(engine: any StoreEngine, script: String, maximumBytes: Int = LuaStore.defaultMaximumBytes) {
        self.engine = engine
        self.space = "lua:" + script
        self.maximumBytes = maximumBytes
    }

    /// Which partition of the store a call reads and writes.
    enum Partition: String, CaseIterable {
        /// The request's conversation (`LuaStore.conversation(of:)`).
        case conversation
        /// The request's API key; requests without one share one partition.
        case apiKey = "api_key"
    }

    /// Why a call to the store failed.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// `increment` found something other than a number at the key.
        case notANumber(key: String, type: String)
        /// The value alone is larger than the whole store.
        case tooLarge(limit: Int)
        /// The store could not be read or written.
        case unavailable(String)

        var description: String {
            switch self {
            case .notANumber(let key, let type): return "\(key.debugDescription) holds a \(type), not a number"
            case .tooLarge(let limit): return "the value is larger than the whole store (\(limit) bytes)"
            case .unavailable(let reason): return "the store cannot be reached: \(reason)"
            }
        }
    }

    /// The store as one partition sees it.
    struct Scope {
        let store: LuaStore
        /// The partition's name in the store: its kind and its id.
        let name: String

        func get(_ key: String) throws(Failure) -> JSONValue? {
            let address = address(key)
            let engine = store.engine
            return try store.wait { try await engine.record(address) }.flatMap { try? JSONValue.parse($0) }
        }

        /// Stores `value`; `null` removes the key.
        func set(_ key: String, _ value: JSONValue) throws(Failure) {
            let change: RecordChange = value.isNull ? .remove : .set(Array(value.serialized.utf8))
            _ = try store.update(address(key)) { _ in change }
        }

        /// Adds `delta` to the number at `key` (a missing key counts as 0) in one step under the
        /// store's lock, and returns the sum: integers stay integers while the sum fits.
        func increment(_ key: String, by delta: JSONValue) throws(Failure) -> JSONValue {
            let update = try store.update(address(key)) { current in
                let value = current.flatMap { try? JSONValue.parse($0) } ?? .integer(0)
                let sum: JSONValue
                switch (value, delta) {
                case (.integer(let a), .integer(let b)):
                    let (result, overflow) = a.addingReportingOverflow(b)
                    sum = overflow ? .number(Double(a) + Double(b)) : .integer(result)
                case (.integer(let a), .number(let b)): sum = .number(Double(a) + b)
                case (.number(let a), .integer(let b)): sum = .number(a + Double(b))
                case (.number(let a), .number(let b)): sum = .number(a + b)
                case (let other, _): throw Failure.notANumber(key: key, type: other.typeName)
                }
                return .set(Array(sum.serialized.utf8))
            }
            return update.current.flatMap { try? JSONValue.parse($0) } ?? .null
        }

        private func address(_ key: String) -> RecordAddress {
            RecordAddress(space: store.space, partition: name, key: key)
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

    private func update(_ address: RecordAddress, _ change: @escaping @Sendable ([UInt8]?) throws -> RecordChange)
        throws(Failure) -> RecordUpdate
    {
        let (engine, limit) = (self.engine, maximumBytes)
        return try wait { try await engine.updateRecord(address, spaceLimit: limit, change) }
    }

    /// Blocks the script thread until the store answers.
    private func wait<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) throws(Failure) -> Value {
        do {
            return try ThreadBlockingWait.run(operation)
        } catch let failure as Failure {
            throw failure
        } catch let tooLarge as RecordTooLarge {
            throw .tooLarge(limit: tooLarge.limit)
        } catch {
            throw .unavailable("\(error)")
        }
    }

    /// The conversation a request belongs to: the `x-lyrebird-conversation` header, else the
    /// request's `user` field, else `default`.
    static func conversation(of request: CanonicalRequest) -> String {
        request.header("x-lyrebird-conversation") ?? request.user ?? "default"
    }
}
