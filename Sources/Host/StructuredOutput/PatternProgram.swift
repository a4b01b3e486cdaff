/// A pattern compiled for matching in time proportional to the text's length times the
/// program's: Thompson's construction, run over all states at once, so no pattern can make a
/// check backtrack for long.
struct PatternProgram: Sendable {
    /// The most instructions a program may have; counted repeats (`\d{1000}`) are written out.
    static let maximumInstructions = 20_000

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

    init(_ node: PatternNode, ignoringCase: Bool = false) throws(PatternError) {
        self.ignoringCase = ignoringCase
        try emit(node)
        instructions.append(.match)
    }

    /// Whether the pattern matches anywhere in `text` (JSON Schema patterns are not anchored).
    func matches(_ text: [Unicode.Scalar]) -> Bool {
        let text = ignoringCase ? text.map(\.lowercased) : text
        var current: [Int] = []
        var next: [Int] = []
        var marks = [Int](repeating: -1, count: instructions.count)
        // One work list for every closure: allocating one per character would dominate.
        var pending: [Int] = []
        for position in 0...text.count {
            // A match may begin at any position.
            if addClosure(0, at: position, length: text.count, into: &current, marks: &marks, pending: &pending) { return true }
            guard position < text.count else { break }
            next.removeAll(keepingCapacity: true)
            let scalar = text[position]
            for counter in current {
                let advances: Bool
                switch instructions[counter] {
                case .scalar(let expected): advances = expected == scalar
                case .characterClass(let characters):
                    advances = characters.contains(scalar) || (ignoringCase && characters.contains(scalar.uppercased))
                default: advances = false
                }
                if advances, addClosure(counter + 1, at: position + 1, length: text.count, into: &next, marks: &marks, pending: &pending) {
                    return true
                }
            }
            swap(&current, &next)
        }
        return false
    }

    /// Adds the states reachable from `counter` without reading a character; true when one of
    /// them is the match.
    private func addClosure(
        _ counter: Int, at position: Int, length: Int, into list: inout [Int], marks: inout [Int], pending: inout [Int]
    ) -> Bool {
        pending.removeAll(keepingCapacity: true)
        pending.append(counter)
        while let counter = pending.popLast() {
            guard marks[counter] != position else { continue }
            marks[counter] = position
            switch instructions[counter] {
            case .jump(let target): pending.append(target)
            case .split(let first, let second): pending.append(contentsOf: [second, first])
            case .start: if position == 0 { pending.append(counter + 1) }
            case .end: if position == length { pending.append(counter + 1) }
            case .match: return true
            case .scalar, .characterClass: list.append(counter)
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
