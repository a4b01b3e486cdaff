/// Records a provider keeps in the host's store, such as the responses a client may continue
/// from: they outlive a restart when the store is a file, and every host of a fleet that
/// shares a PostgreSQL store sees the same ones. The host hands them to a provider through
/// ``Provider/attach(records:)`` before its first request.
///
/// Values are bytes the provider encodes as it likes; keys are its own, apart from every other
/// provider's. The host keeps up to 256 MiB of one provider's records; past that the records
/// written least recently are dropped.
public protocol ProviderRecords: Sendable {
    /// Keeps `value` at `key`, replacing what was there. It returns at once: the record is
    /// written with the host's next batch, within a tenth of a second, and ``load(_:)`` on this
    /// host sees it before then.
    func save(_ value: [UInt8], at key: String)
    /// The record at `key`, or `nil` when there is none or the store cannot be reached (the
    /// host logs why).
    func load(_ key: String) async -> [UInt8]?
    /// Removes the record at `key`; whether there was one.
    func remove(_ key: String) async -> Bool
}
