import Logging
import LyrebirdPluginAPI

/// One provider's records in the host's store: a space of its own, each record its own
/// partition, so that past the limit the records written least recently go first. Saves wait
/// in the store writer's batch; reads look there before the store.
struct HostProviderRecords: ProviderRecords {
    /// What one provider's records may hold together.
    static let spaceLimit = 256 << 20

    let store: HostStore
    let space: String
    let logger: Logger

    init(provider: String, store: HostStore, logger: Logger) {
        self.store = store
        self.space = "provider:" + provider
        self.logger = logger
    }

    func save(_ value: [UInt8], at key: String) {
        store.writer.queue(value, at: address(key), spaceLimit: Self.spaceLimit)
    }

    func load(_ key: String) async -> [UInt8]? {
        let address = address(key)
        if let pending = store.writer.pendingRecord(at: address) { return pending }
        do {
            return try await store.engine.record(address)
        } catch {
            logger.error("cannot read record \(key) of \(space) from the store \(store.engine.location): \(error)")
            return nil
        }
    }

    func remove(_ key: String) async -> Bool {
        let address = address(key)
        // A batch on its way to the store could write the record again after it is removed.
        await store.writer.flush()
        let wasPending = store.writer.dropPendingRecord(at: address)
        do {
            let update = try await store.engine.updateRecord(address, spaceLimit: Self.spaceLimit) { _ in .remove }
            return wasPending || update.previous != nil
        } catch {
            logger.error("cannot remove record \(key) of \(space) from the store \(store.engine.location): \(error)")
            return wasPending
        }
    }

    private func address(_ key: String) -> RecordAddress {
        RecordAddress(space: space, partition: key, key: "")
    }
}
