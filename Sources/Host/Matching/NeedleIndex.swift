/// Finds which of many byte strings ("needles") occur in a text in one pass over the text
/// (an Aho–Corasick automaton), so that `contains` conditions cost the same for one fixture
/// or a thousand.
struct NeedleIndex: Sendable {
    /// Maps a byte to its column in `transitions`; bytes no needle uses share column 0.
    private let columns: [UInt16]
    private let columnCount: Int
    /// The automaton: `transitions[state * columnCount + column]` is the next state.
    private let transitions: [Int32]
    /// For each state, the nearest among it and its suffixes (the failure chain) that has
    /// needles of its own, as a reporter: those states numbered in order, or -1 for none.
    private let reporters: [Int32]
    /// For each reporter, the next reporter along its failure chain, or -1.
    private let nextReporters: [Int32]
    /// The needles that end at each reporter, not counting those of its suffixes:
    /// `outputs[outputStarts[reporter] ..< outputStarts[reporter + 1]]`.
    private let outputStarts: [Int32]
    private let outputs: [Int32]
    /// How many needles there are; their ids are `0..<needleCount`.
    let needleCount: Int

    /// An index of `needles`; a needle's id is its position. Empty needles are never reported.
    init(_ needles: [[UInt8]]) {
        needleCount = needles.count
        var columns = [UInt16](repeating: 0, count: 256)
        var columnCount = 1
        for needle in needles {
            for byte in needle where columns[Int(byte)] == 0 {
                columns[Int(byte)] = UInt16(columnCount)
                columnCount += 1
            }
        }

        // The trie as a table of rows, one per state, where 0 means no child (the root is no
        // one's child); then filled in place, breadth first, into the full automaton: a row is
        // filled when its state is reached, from rows of shallower states, already full.
        var transitions = [Int32](repeating: 0, count: columnCount)
        var ends: [[Int32]] = [[]]
        var stateCount = 1
        for (id, needle) in needles.enumerated() where !needle.isEmpty {
            var state = 0
            for byte in needle {
                let slot = state * columnCount + Int(columns[Int(byte)])
                if transitions[slot] == 0 {
                    transitions[slot] = Int32(stateCount)
                    for _ in 0..<columnCount { transitions.append(0) }
                    ends.append([])
                    stateCount += 1
                }
                state = Int(transitions[slot])
            }
            ends[state].append(Int32(id))
        }

        var failure = [Int32](repeating: 0, count: stateCount)
        var order: [Int] = []
        order.reserveCapacity(stateCount)
        for column in 0..<columnCount where transitions[column] != 0 {
            order.append(Int(transitions[column]))
        }
        var head = 0
        while head < order.count {
            let state = order[head]
            head += 1
            let fallbackRow = Int(failure[state]) * columnCount
            for column in 0..<columnCount {
                let slot = state * columnCount + column
                let child = transitions[slot]
                if child != 0 {
                    failure[Int(child)] = transitions[fallbackRow + column]
                    order.append(Int(child))
                } else {
                    transitions[slot] = transitions[fallbackRow + column]
                }
            }
        }

        // Copying each state's suffixes' needles into its own list would cost the square of
        // the needles when they nest (`a`, `aa`, `aaa`, ...); a link to the nearest suffix with
        // needles costs one entry, and breadth-first order has set the failure state's already.
        // Reporters are numbered apart from states so that a search's record of those it has
        // reported costs the needles' number, not the automaton's size.
        var reporterNumbers = [Int32](repeating: -1, count: stateCount)
        var outputStarts: [Int32] = [0]
        var outputs: [Int32] = []
        for state in 0..<stateCount where !ends[state].isEmpty {
            reporterNumbers[state] = Int32(outputStarts.count - 1)
            outputs += ends[state]
            outputStarts.append(Int32(outputs.count))
        }
        var reporters = [Int32](repeating: -1, count: stateCount)
        var nextReporters = [Int32](repeating: -1, count: outputStarts.count - 1)
        for state in order {
            let inherited = reporters[Int(failure[state])]
            let number = reporterNumbers[state]
            if number >= 0 { nextReporters[Int(number)] = inherited }
            reporters[state] = number >= 0 ? number : inherited
        }

        self.columns = columns
        self.columnCount = columnCount
        self.transitions = transitions
        self.outputStarts = outputStarts
        self.outputs = outputs
        self.reporters = reporters
        self.nextReporters = nextReporters
    }

    /// Calls `found` once with the id of every needle that occurs in `text`.
    ///
    /// Each state's chain of suffixes with needles is walked only up to the first state already
    /// reported, whose own chain was reported with it: every byte costs a constant, and every
    /// needle one call, however the needles nest.
    func search(_ text: [UInt8], _ found: (Int) -> Void) {
        guard needleCount > 0 else { return }
        var reported = [Bool](repeating: false, count: nextReporters.count)
        columns.withUnsafeBufferPointer { columns in
            transitions.withUnsafeBufferPointer { transitions in
                var state = 0
                for byte in text {
                    state = Int(transitions[state * columnCount + Int(columns[Int(byte)])])
                    var reporter = Int(reporters[state])
                    while reporter >= 0 && !reported[reporter] {
                        reported[reporter] = true
                        for index in Int(outputStarts[reporter])..<Int(outputStarts[reporter + 1]) { found(Int(outputs[index])) }
                        reporter = Int(nextReporters[reporter])
                    }
                }
            }
        }
    }
}
