/// How much one structured-output request may cost. A schema past these limits gets a 400 in the
/// provider's error shape rather than a document, so that a hostile schema costs no more than an
/// ordinary large request.
package struct StructuredOutputLimits: Sendable {
    /// How deeply arrays and objects may nest in a generated document.
    var maximumDepth = 32
    /// From this depth on the generator fills in only what the schema requires: optional
    /// properties are left out, arrays get their fewest items and `null` is preferred, so that
    /// recursive schemas end soon.
    var fullDepth = 6
    /// How many schemas may be open inside each other at once while generating or checking one
    /// value (document nesting, `$ref`s and combinators together): it bounds the call stack.
    var maximumNesting = 64
    /// Schema visits the generator and the validator may make for one document together. A
    /// Pydantic model of a dozen fields, nested models and a recursive one takes a few hundred.
    var maximumSteps = 50_000
    /// Operations the generator and the validator may spend inside schema visits for one
    /// document together: each pattern state followed or advanced over a character (and each
    /// range a character class tests), each instruction of a compiled pattern, each value read to
    /// hash or compare it for `enum`, `const` and `uniqueItems`, each `patternProperties` test,
    /// each entry of a `required`, `properties` or combinator list read at a visit.
    /// A step costs one visit however large the value, so this bounds what one visit can cost.
    /// Checking `^\d{5}$` against a zip code takes 30, a 10,000-character string against
    /// `^[a-z0-9._-]+@[a-z0-9.-]+$` about 120,000.
    var maximumOperations = 10_000_000
    /// Values one generated document may hold.
    var maximumValues = 10_000
    /// The longest string a schema may require (`minLength`).
    var maximumStringLength = 10_000
    /// The most array items or object members a schema may require (`minItems`, `minProperties`).
    var maximumItems = 1_000
    /// How many problems the validator reports before it stops looking.
    var maximumProblems = 5

    /// The limits the host applies.
    package static let standard = StructuredOutputLimits()
}
