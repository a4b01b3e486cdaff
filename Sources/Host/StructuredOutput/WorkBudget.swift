/// The schema visits left for one document, shared by the generator and the validator that
/// checks its choices, so that together they stop at `StructuredOutputLimits.maximumSteps`.
///
/// A class because the generator and its validator draw on the same count; it never leaves the
/// call that made it.
final class WorkBudget {
    private let limit: Int
    private var spent = 0

    init(steps: Int) {
        limit = steps
    }

    /// Takes one step, or throws when none are left.
    func spend() throws(StructuredOutputError) {
        guard spent < limit else {
            throw .limitExceeded("the schema needs more than \(limit) steps to generate or check a document")
        }
        spent += 1
    }
}
