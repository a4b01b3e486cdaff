/// The work left for one document, shared by the generator and the validator that checks its
/// choices, so that together they stop at `StructuredOutputLimits.maximumSteps` schema visits
/// and `StructuredOutputLimits.maximumOperations` operations.
///
/// Steps count schema visits; operations count the work inside one visit that grows with the
/// value or the keyword (a pattern run over a string, an `enum` lookup, the `uniqueItems`
/// comparisons), so that no single visit can cost more than the limits allow.
///
/// A class because the generator and its validator draw on the same count; it never leaves the
/// call that made it.
package final class WorkBudget {
    private let stepLimit: Int
    private let operationLimit: Int
    private var steps = 0
    /// The operations spent so far.
    private(set) var operations = 0
    /// Memory pattern checks reuse: every check of a document runs here, one at a time, so a
    /// check allocates nothing once it has grown to the largest program.
    var patternScratch = PatternScratch()

    init(steps: Int, operations: Int = StructuredOutputLimits.standard.maximumOperations) {
        stepLimit = steps
        operationLimit = operations
    }

    /// Takes one step, or throws when none are left.
    func spend() throws(StructuredOutputError) {
        guard steps < stepLimit else {
            throw .limitExceeded("the schema needs more than \(stepLimit) steps to generate or check a document")
        }
        steps += 1
    }

    /// Takes `count` operations, or throws when fewer are left.
    func spend(operations count: Int) throws(StructuredOutputError) {
        guard count <= operationLimit - operations else {
            operations = operationLimit
            throw .limitExceeded(
                "the schema needs more than \(operationLimit) operations (pattern checks, enum, const, uniqueItems"
                    + " and patternProperties comparisons, and keyword lists read) to generate or check a document")
        }
        operations += count
    }
}
