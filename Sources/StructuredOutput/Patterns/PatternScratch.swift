/// The lists `PatternProgram.matches` works in, kept between checks by `WorkBudget` so that a
/// check of a short name against many patterns (`patternProperties`) does not allocate for each.
struct PatternScratch {
    /// The states live at the current position, then at the next.
    var current: [Int32] = []
    var next: [Int32] = []
    /// States still to follow while computing a closure.
    var pending: [Int32] = []
    /// For each state, the last stamp it was added under: a state is in the list being built
    /// when its mark is that list's stamp, so the lists never need clearing.
    var marks: [Int] = []
    /// The last stamp handed out; stamps only grow, so marks left by earlier checks never match.
    var stamp = 0

    /// Makes `marks` cover a program of `size` instructions.
    mutating func prepare(for size: Int) {
        if marks.count < size { marks += repeatElement(0, count: size - marks.count) }
    }
}
