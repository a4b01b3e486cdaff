/// A pattern compiled for matching in time proportional to the text's length times the
/// program's, charged to a `WorkBudget`: Thompson's construction, run over all states at once, so
/// no pattern can make a check backtrack for long. Assertions (`^ $ \b \B`) read no character:
/// they are followed, or not, by looking at the characters on either side of the position.
package struct PatternProgram: Sendable {
    /// The most instructions a program may have; counted repeats (`\d{1000}`) are written out.
    static let maximumInstructions = 20_000
    /// What any check costs in `WorkBudget` operations beyond the states it follows: setting up
    /// takes about as long as following a few states, and a short name checked against
    /// thousands of `patternProperties` is all setup.
    static let checkCost = 8

    private enum Instruction: Sendable {
        case scalar(Unicode.Scalar)
        /// A character whose lower case is this (lower-case) scalar: a literal under `(?i)`.
        case loweredScalar(Unicode.Scalar)
        case characterClass(PatternCharacterClass)
        /// A character the class takes ignoring case: a class under `(?i)`.
        case characterClassIgnoringCase(PatternCharacterClass)
        /// Continue at both targets.
        case split(Int, Int)
        case jump(Int)
        /// Continue with the next instruction, without reading, where the assertion holds.
        case assertion(PatternAssertion)
        case match
    }

    private var instructions: [Instruction] = []
    /// Whether some instruction ignores case, so that a check needs each character's lower case.
    private var foldsCase = false
    /// What advancing each state over one character costs, in `WorkBudget` operations: one, plus
    /// the ranges and category sets a character class tests.
    private var weights: [Int] = []
    /// Whether every match must begin at the start of the text (`^...`), so that a check can stop
    /// as soon as no state is live.
    private var isAnchored = false

    package init(_ node: PatternNode) throws(PatternError) {
        try emit(node)
        instructions.append(.match)
        weights = instructions.map { instruction in
            switch instruction {
            case .characterClass(let characters), .characterClassIgnoringCase(let characters): return 1 + characters.weight
            default: return 1
            }
        }
        if case .assertion(.textStart) = instructions[0] { isAnchored = true }
    }

    /// How many instructions the program has: what compiling it cost, and the most states that
    /// can be live at once.
    var size: Int { instructions.count }

    /// The most a check charges for each position of the text: every state followed once, and
    /// every live state advanced at its weight. A check of `n` characters costs at most
    /// `checkCost + (n + 1) * operationsPerPosition`: linear in the text whatever the pattern.
    var operationsPerPosition: Int { instructions.count + weights.reduce(0, +) }

    /// Whether the pattern matches anywhere in `text`, on no budget: for fixture regexes, whose
    /// cost (the text's length times the program's size, at most) their fixture's author sets.
    package func matches(_ text: [Unicode.Scalar]) -> Bool {
        (try? matches(text, budget: WorkBudget(steps: 0, operations: .max))) ?? false
    }

    /// Whether the pattern matches anywhere in `text` (JSON Schema patterns are not anchored).
    ///
    /// Every state followed or advanced is charged to `budget`, so a long text against a large
    /// program (`(?:a{1000}){19}b`, ~19,000 states) stops at the budget's operation limit rather
    /// than running for the text's length times the program's.
    ///
    /// - Throws: `.limitExceeded` when the budget runs out.
    package func matches(_ text: [Unicode.Scalar], budget: WorkBudget) throws(StructuredOutputError) -> Bool {
        // The lists are moved out of the budget for the check and back after it.
        var scratch = PatternScratch()
        swap(&scratch, &budget.patternScratch)
        defer { swap(&scratch, &budget.patternScratch) }
        scratch.prepare(for: instructions.count)
        // The list for position p is stamped base + p + 1, above every earlier check's stamps.
        let base = scratch.stamp
        scratch.stamp = base + text.count + 2
        var cost = Self.checkCost
        var current = scratch.current
        var next = scratch.next
        scratch.current = []
        scratch.next = []
        defer {
            scratch.current = current
            scratch.next = next
        }
        current.removeAll(keepingCapacity: true)
        for position in 0...text.count {
            // Assertions look at the characters on either side of a position.
            let previous = position > 0 ? text[position - 1] : nil
            let scalar = position < text.count ? text[position] : nil
            // A match may begin at any position.
            if addClosure(0, stamp: base + position + 1, after: previous, before: scalar, into: &current, &scratch, cost: &cost) {
                try budget.spend(operations: cost)
                return true
            }
            guard let scalar, !(isAnchored && position > 0 && current.isEmpty) else { break }
            next.removeAll(keepingCapacity: true)
            let lowered = foldsCase ? scalar.lowercased : scalar
            let following = position + 1 < text.count ? text[position + 1] : nil
            for state in current {
                let counter = Int(state)
                cost += weights[counter]
                let advances: Bool
                switch instructions[counter] {
                case .scalar(let expected): advances = expected == scalar
                case .loweredScalar(let expected): advances = expected == lowered
                case .characterClass(let characters): advances = characters.contains(scalar)
                case .characterClassIgnoringCase(let characters): advances = characters.contains(scalar, lowered: lowered)
                default: advances = false
                }
                if advances,
                    addClosure(
                        counter + 1, stamp: base + position + 2, after: scalar, before: following, into: &next, &scratch, cost: &cost)
                {
                    try budget.spend(operations: cost)
                    return true
                }
            }
            swap(&current, &next)
            // Charged as it goes, so that a long check stops near the limit, not long after it.
            if cost >= 4096 {
                try budget.spend(operations: cost)
                cost = 0
            }
        }
        try budget.spend(operations: cost)
        return false
    }

    /// Adds the states reachable from `counter` without reading a character to `list`, at the
    /// position between `previous` and `current` (`nil` past either end of the text), counting
    /// each state followed in `cost`; true when one of them is the match.
    private func addClosure(
        _ counter: Int, stamp: Int, after previous: Unicode.Scalar?, before current: Unicode.Scalar?, into list: inout [Int32],
        _ scratch: inout PatternScratch, cost: inout Int
    ) -> Bool {
        scratch.pending.removeAll(keepingCapacity: true)
        scratch.pending.append(Int32(counter))
        while let last = scratch.pending.popLast() {
            let counter = Int(last)
            guard scratch.marks[counter] != stamp else { continue }
            scratch.marks[counter] = stamp
            cost += 1
            switch instructions[counter] {
            case .jump(let target): scratch.pending.append(Int32(target))
            case .split(let first, let second):
                scratch.pending.append(Int32(second))
                scratch.pending.append(Int32(first))
            case .assertion(let assertion):
                if assertion.holds(after: previous, before: current) { scratch.pending.append(Int32(counter + 1)) }
            case .match: return true
            case .scalar, .loweredScalar, .characterClass, .characterClassIgnoringCase: list.append(last)
            }
        }
        return false
    }

    private mutating func emit(_ node: PatternNode) throws(PatternError) {
        guard instructions.count < Self.maximumInstructions else {
            throw PatternError("the pattern is too large (over \(Self.maximumInstructions) steps once its repeats are written out)")
        }
        switch node {
        case .literal(let scalar, ignoringCase: false): instructions.append(.scalar(scalar))
        case .literal(let scalar, ignoringCase: true):
            instructions.append(.loweredScalar(scalar.lowercased))
            foldsCase = true
        case .characterClass(let characters, ignoringCase: false): instructions.append(.characterClass(characters))
        case .characterClass(let characters, ignoringCase: true):
            instructions.append(.characterClassIgnoringCase(characters))
            foldsCase = true
        case .assertion(let assertion): instructions.append(.assertion(assertion))
        case .sequence(let items):
            for item in items { try emit(item) }
        case .alternation(let branches):
            var exits: [Int] = []
            for branch in branches.dropLast() {
                let split = instructions.count
                instructions.append(.split(split + 1, -1))
                try emit(branch)
                exits.append(instructions.count)
                instructions.append(.jump(-1))
                instructions[split] = .split(split + 1, instructions.count)
            }
            if let last = branches.last { try emit(last) }
            for exit in exits { instructions[exit] = .jump(instructions.count) }
        case .repetition(let item, let minimum, let maximum):
            for _ in 0..<minimum { try emit(item) }
            guard let maximum else {
                let loop = instructions.count
                instructions.append(.split(loop + 1, -1))
                try emit(item)
                instructions.append(.jump(loop))
                instructions[loop] = .split(loop + 1, instructions.count)
                return
            }
            var splits: [Int] = []
            for _ in minimum..<maximum {
                splits.append(instructions.count)
                instructions.append(.split(instructions.count + 1, -1))
                try emit(item)
            }
            for split in splits { instructions[split] = .split(split + 1, instructions.count) }
        }
    }
}
