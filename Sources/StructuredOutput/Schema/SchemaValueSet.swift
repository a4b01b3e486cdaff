import LyrebirdPluginAPI

/// Values hashed as JSON Schema compares them (`isSchemaEqual`), so that finding one costs the
/// size of the value looked for rather than the number of values held: an `enum` of 100,000
/// values is hashed once per document, not scanned once per item checked against it, and
/// `uniqueItems` looks for each item among those before it in one pass.
///
/// Every hash and comparison is charged to a `WorkBudget`.
struct SchemaValueSet {
    /// The values held, first of each equal kind.
    private(set) var values: [JSONValue] = []
    /// The indices into `values` of the values with each hash.
    private var buckets: [Int: [Int]] = [:]
    /// The cost of the costliest value held: a costlier one equals none of them.
    private var largest = 0

    init() {}

    /// The set of `values`.
    init(_ values: [JSONValue], budget: WorkBudget) throws(StructuredOutputError) {
        for value in values { _ = try insert(value, budget: budget) }
    }

    /// Adds `value` unless an equal one is held; the index of that one when it is.
    mutating func insert(_ value: JSONValue, budget: WorkBudget) throws(StructuredOutputError) -> Int? {
        var cost = 0
        // Without a limit the hash is always made.
        let hash = value.schemaHash(cost: &cost) ?? 0
        try budget.spend(operations: cost)
        if let held = try find(value, hash: hash, cost: cost, budget: budget) { return held }
        buckets[hash, default: []].append(values.count)
        values.append(value)
        largest = max(largest, cost)
        return nil
    }

    /// Whether a value equal to `value` is held.
    func contains(_ value: JSONValue, budget: WorkBudget) throws(StructuredOutputError) -> Bool {
        var cost = 0
        let hash = value.schemaHash(cost: &cost, limit: largest)
        try budget.spend(operations: cost)
        guard let hash else { return false }
        return try find(value, hash: hash, cost: cost, budget: budget) != nil
    }

    private func find(_ value: JSONValue, hash: Int, cost: Int, budget: WorkBudget) throws(StructuredOutputError) -> Int? {
        for index in buckets[hash] ?? [] {
            // Comparing costs at most what hashing `value` did.
            try budget.spend(operations: cost)
            if values[index].isSchemaEqual(to: value) { return index }
        }
        return nil
    }
}
