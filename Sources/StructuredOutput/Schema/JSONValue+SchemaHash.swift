import LyrebirdPluginAPI

extension JSONValue {
    /// What reading this value once costs in `WorkBudget` operations: one for each value in it,
    /// and one more for every 64 bytes of a string or a member name. Values that are
    /// `isSchemaEqual` have the same cost.
    var schemaCost: Int {
        switch self {
        case .null, .bool, .integer, .number: return 1
        case .string(let text): return 1 + text.utf8.count / 64
        case .array(let elements): return elements.reduce(1) { $0 + $1.schemaCost }
        case .object(let members): return members.reduce(1) { $0 + 1 + $1.key.utf8.count / 64 + $1.value.schemaCost }
        }
    }

    /// A hash that agrees with `isSchemaEqual` (`1` and `1.0` hash alike, object members in any
    /// order), with what computing it cost added to `cost`; `nil` once the cost passes `limit`,
    /// since a value costlier than every value it is looked up among equals none of them.
    func schemaHash(cost: inout Int, limit: Int = .max) -> Int? {
        var hasher = Hasher()
        var spent = 0
        defer { cost += spent }
        guard feedSchemaHash(into: &hasher, cost: &spent, limit: limit) else { return nil }
        return hasher.finalize()
    }

    private func feedSchemaHash(into hasher: inout Hasher, cost: inout Int, limit: Int) -> Bool {
        cost += 1
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        // Numbers by their value as a Double, which `isSchemaEqual` compares integers and
        // numbers by; integers too large for a Double to tell apart share a hash, and are told
        // apart by the comparison after it.
        case .integer(let value): hasher.combine(Double(value))
        case .number(let value): hasher.combine(value)
        case .string(let text):
            cost += text.utf8.count / 64
            hasher.combine(3)
            hasher.combine(text)
        case .array(let elements):
            hasher.combine(4)
            hasher.combine(elements.count)
            for element in elements {
                guard cost <= limit, element.feedSchemaHash(into: &hasher, cost: &cost, limit: limit) else { return false }
            }
        case .object(let members):
            // Members are hashed one by one and summed, so their order does not matter.
            var sum = 0
            for (name, value) in members {
                cost += 1 + name.utf8.count / 64
                var member = Hasher()
                member.combine(name)
                guard cost <= limit, value.feedSchemaHash(into: &member, cost: &cost, limit: limit) else { return false }
                sum &+= member.finalize()
            }
            hasher.combine(5)
            hasher.combine(members.count)
            hasher.combine(sum)
        }
        return cost <= limit
    }
}
