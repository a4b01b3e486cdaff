import Testing

@testable import LyrebirdHost

@Suite struct YAMLBudgetTests {
    @Test func aDocumentLargeWithoutAliasesIsToldSo() throws {
        let budget = YAMLBudget(maximumNodes: 100)
        let plain = "[" + Array(repeating: "1", count: 200).joined(separator: ", ") + "]"
        do throws(YAMLBudget.Exceeded) {
            try budget.check(plain)
            Issue.record("expected the document to pass the budget")
        } catch {
            #expect(error.bound == .document)
            #expect(error.message.contains("holds more than 100 values"))
            #expect(!error.message.contains("alias"))
        }
        let repeated = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [" + Array(repeating: "*a", count: 20).joined(separator: ", ") + "]"
        do throws(YAMLBudget.Exceeded) {
            try budget.check(repeated)
            Issue.record("expected the aliases to pass the budget")
        } catch {
            #expect(error.bound == .expansion)
        }
    }

    @Test func aFixtureIsMeasuredAsTheHostHoldsIt() throws {
        // Text and 16 bytes a value: a mapping, two keys, two values, and the aliased scalar again.
        let size = try YAMLBudget().check("a: &x hello\nb: *x\n")
        #expect(size == 5 * YAMLBudget.nodeBytes + 1 + "hello".utf8.count * 2 + 1)
        var bounded = YAMLBudget()
        bounded.maximumSize = 100
        do throws(YAMLBudget.Exceeded) {
            try bounded.check("a: &x \"" + String(repeating: "y", count: 60) + "\"\nb: *x\n")
            Issue.record("expected the size bound")
        } catch {
            #expect(error.bound == .size(100))
        }
    }
}
