/// A pattern compiled for matching in time proportional to the text's length times the
/// program's, charged to a `WorkBudget`: Thompson's construction, run over all states at once, so no pattern can make a
/// check backtrack for long.
package struct PatternProgram: Sendable {
    /// The most instructions a program may have; counted repeats (`\d{1000}`) are written out.
    static let maximumInstructions = 20_000
    /// What any check costs in `WorkBudget` operations beyond the states it follows: setting up
    /// takes about as long as following a few states, and a short name checked against
    /// thousands of `patternProperties` is all setup.
    static let checkCost = 8

    private enum Instruction: Sendable {
        case scalar(Unicode.Scalar)
        case characterClass(PatternCharacterClass)
        /// Continue at both targets.
        case split(Int, Int)
        case jump(Int)
        case start
        case end
        case match
    }

    private var instructions: [Instruction] = []
    /// Whether letters match in either case: literals are lower-cased when compiled and the
    /// text when matched, and a class takes a character in either case.
    private let ignoringCase: Bool
    /// What advancing each state over one character costs, in `WorkBudget` operations: one, plus
    /// the ranges a character class tests.
    private var weights: [Int] = []
    /// Whether every match must begin at the start of the text (`^...`), so that a check can stop
    /// as soon as no state is live.
    private var isAnchored = false

    package init(_ node: PatternNode, ignoringCase: Bool = false) throws(PatternError) {
        self.ignoringCase = ignoringCase
        try emit(node)
        instructions.append(.match)
        weights = instructions.map { instruction in
            guard case .characterClass(let characters) = instruction else { return 1 }
            return 1 + characters.parts.reduce(0) { $0 + $1.ranges.count }
        }
        if case .start = instructions[0] { isAnchored = true }
    }

    /// How many instructions the program has: what compiling it cost, and the most states that
    /// can be live at once.
    var size: Int { instructions.count }

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
        let text = ignoringCase ? text.map(\.lowercased) : text
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
            // A match may begin at any position.
            if addClosure(0, stamp: base + position + 1, at: position, length: text.count, into: &current, &scratch, cost: &cost) {
                try budget.spend(operations: cost)
                return true
            }
            guard position < text.count, !(isAnchored && position > 0 && current.isEmpty) else { break }
            next.removeAll(keepingCapacity: true)
            let scalar = text[position]
            for state in current {
                let counter = Int(state)
                cost += weights[counter]
                let advances: Bool
                switch instructions[counter] {
                case .scalar(let expected): advances = expected == scalar
                case .characterClass(let characters):
                    advances = characters.contains(scalar) || (ignoringCase && characters.contains(scalar.uppercased))
                default: advances = false
                }
                if advances,
                    addClosure(
                        counter + 1, stamp: base + position + 2, at: position + 1, length: text.count, into: &next, &scratch, cost: &cost)
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

    /// Adds the states reachable from `counter` without reading a character to `list`, counting
    /// each state followed in `cost`; true when one of them is the match.
    private func addClosure(
        _ counter: Int, stamp: Int, at position: Int, length: Int, into list: inout [Int32], _ scratch: inout PatternScratch,
        cost: inout Int
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
            case .start: if position == 0 { scratch.pending.append(Int32(counter + 1)) }
            case .end: if position == length { scratch.pending.append(Int32(counter + 1)) }
            case .match: return true
            case .scalar, .characterClass: list.append(last)
            }
        }
        return false
    }

    private mutating func emit(_ node: PatternNode) throws(PatternError) {
        guard instructions.count < Self.maximumInstructions else {
            throw PatternError("the pattern is too large (over \(Self.maximumInstructions) steps once its repeats are written out)")
        }
        switch node {
        case .literal(let scalar): instructions.append(.scalar(ignoringCase ? scalar.lowercased : scalar))
        case .characterClass(let characters): instructions.append(.characterClass(characters))
        case .start: instructions.append(.start)
        case .end: instructions.append(.end)
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
