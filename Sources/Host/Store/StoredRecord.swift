/// Where a record lives in the store: a space (one Lua fixture's store, one provider's
/// records), a partition of the space (what is dropped together when the space is full) and a
/// key in the partition.
struct RecordAddress: Sendable, Hashable {
    var space: String
    var partition: String
    var key: String
}

/// What an update makes of a record.
enum RecordChange: Sendable {
    /// Leaves the record as it is.
    case keep
    /// Stores this value.
    case set([UInt8])
    /// Removes the record.
    case remove
}

/// A record's value before and after an update; `nil` when there was none.
struct RecordUpdate: Sendable, Equatable {
    var previous: [UInt8]?
    var current: [UInt8]?
}

/// What records cost in their space: their value, their key and a little more, and a partition
/// on top of its records. One rule for both engines, so a space holds the same in either.
enum RecordCost {
    static let record = 16
    static let partition = 64

    static func of(_ value: [UInt8]?, key: String) -> Int {
        value.map { $0.count + key.utf8.count + record } ?? 0
    }
}

/// A value that alone costs more than its whole space may hold.
struct RecordTooLarge: Error, CustomStringConvertible {
    let limit: Int

    var description: String { "the value is larger than the whole store (\(limit) bytes)" }
}
