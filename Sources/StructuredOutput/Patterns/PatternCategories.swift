/// A set of Unicode general categories, what a `\p{...}` class matches: `\p{L}` is the five
/// letter categories. Membership is read from `Unicode.Scalar.Properties.generalCategory`, so it
/// follows the Unicode version of the Swift runtime.
package struct PatternCategories: OptionSet, Sendable {
    package let rawValue: UInt32

    package init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    init(_ category: Unicode.GeneralCategory) {
        self.init(rawValue: 1 << Self.bit(category))
    }

    /// Whether `scalar`'s category is in the set; the empty set looks nothing up.
    func includes(_ scalar: Unicode.Scalar) -> Bool {
        rawValue != 0 && rawValue & (1 << Self.bit(scalar.properties.generalCategory)) != 0
    }

    /// The categories a property name stands for: a category or group by its short or long name
    /// (`Lu`, `Uppercase_Letter`, `L`, `Letter`), alone or as `gc=...` or `General_Category=...`.
    /// Names are compared loosely, as Unicode recommends: case, spaces, `_` and `-` are ignored.
    ///
    /// - Throws: for scripts and other properties, which Swift's Unicode data does not give.
    static func named(_ name: String) throws(PatternError) -> PatternCategories {
        let parts = name.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            switch loose(parts[0]) {
            case "gc", "generalcategory": break
            case "sc", "script", "scx", "scriptextensions":
                throw PatternError(
                    "Unicode scripts (\\p{\(name)}) are not supported: the Unicode data Lyrebird reads gives general categories only")
            default:
                throw PatternError("the Unicode property \(parts[0]) is not supported: only general categories are (\\p{L}, \\p{gc=Lu})")
            }
        }
        guard let categories = byName[loose(parts[parts.count - 1])] else {
            throw PatternError(
                "\\p{\(name)} is not a general category (such as L, Lu, Letter or Uppercase_Letter); scripts and other properties are not supported"
            )
        }
        return categories
    }

    private static func loose(_ name: Substring) -> String {
        String(name.lowercased().filter { !"_- ".contains($0) })
    }

    /// Every category with its short and long names, in the order of their bits.
    private static let categories: [(short: String, long: String, category: Unicode.GeneralCategory)] = [
        ("Lu", "Uppercase_Letter", .uppercaseLetter), ("Ll", "Lowercase_Letter", .lowercaseLetter),
        ("Lt", "Titlecase_Letter", .titlecaseLetter), ("Lm", "Modifier_Letter", .modifierLetter),
        ("Lo", "Other_Letter", .otherLetter), ("Mn", "Nonspacing_Mark", .nonspacingMark), ("Mc", "Spacing_Mark", .spacingMark),
        ("Me", "Enclosing_Mark", .enclosingMark), ("Nd", "Decimal_Number", .decimalNumber), ("Nl", "Letter_Number", .letterNumber),
        ("No", "Other_Number", .otherNumber), ("Pc", "Connector_Punctuation", .connectorPunctuation),
        ("Pd", "Dash_Punctuation", .dashPunctuation), ("Ps", "Open_Punctuation", .openPunctuation),
        ("Pe", "Close_Punctuation", .closePunctuation), ("Pi", "Initial_Punctuation", .initialPunctuation),
        ("Pf", "Final_Punctuation", .finalPunctuation), ("Po", "Other_Punctuation", .otherPunctuation),
        ("Sm", "Math_Symbol", .mathSymbol), ("Sc", "Currency_Symbol", .currencySymbol), ("Sk", "Modifier_Symbol", .modifierSymbol),
        ("So", "Other_Symbol", .otherSymbol), ("Zs", "Space_Separator", .spaceSeparator), ("Zl", "Line_Separator", .lineSeparator),
        ("Zp", "Paragraph_Separator", .paragraphSeparator), ("Cc", "Control", .control), ("Cf", "Format", .format),
        ("Cs", "Surrogate", .surrogate), ("Co", "Private_Use", .privateUse), ("Cn", "Unassigned", .unassigned),
    ]

    /// The groups of categories, named by the first letter their members share.
    private static let groups: [(short: String, long: String, members: [String])] = [
        ("L", "Letter", ["Lu", "Ll", "Lt", "Lm", "Lo"]), ("LC", "Cased_Letter", ["Lu", "Ll", "Lt"]),
        ("M", "Mark", ["Mn", "Mc", "Me"]), ("N", "Number", ["Nd", "Nl", "No"]),
        ("P", "Punctuation", ["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"]), ("S", "Symbol", ["Sm", "Sc", "Sk", "So"]),
        ("Z", "Separator", ["Zs", "Zl", "Zp"]), ("C", "Other", ["Cc", "Cf", "Cs", "Co", "Cn"]),
    ]

    private static let byName: [String: PatternCategories] = {
        var names: [String: PatternCategories] = [:]
        for (short, long, category) in categories {
            names[loose(short[...])] = PatternCategories(category)
            names[loose(long[...])] = PatternCategories(category)
        }
        for (short, long, members) in groups {
            let union = PatternCategories(members.map { names[loose($0[...])]! })
            names[loose(short[...])] = union
            names[loose(long[...])] = union
        }
        return names
    }()

    /// Up to 32 characters of each category, by bit, for writing samples: the first ones of the
    /// Basic Multilingual Plane, which has members of every category but `Cs` (surrogates are
    /// not characters). Found once, on first use, in a few milliseconds.
    static let examples: [[Unicode.Scalar]] = {
        var examples = [[Unicode.Scalar]](repeating: [], count: categories.count)
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let bit = Self.bit(scalar.properties.generalCategory)
            if examples[bit].count < 32 { examples[bit].append(scalar) }
        }
        return examples
    }()

    /// The examples of each category in the set that has some.
    var memberExamples: [[Unicode.Scalar]] {
        Self.examples.indices.filter { rawValue & (1 << $0) != 0 && !Self.examples[$0].isEmpty }.map { Self.examples[$0] }
    }

    /// The category's place in `categories`, which is its bit.
    private static func bit(_ category: Unicode.GeneralCategory) -> Int {
        switch category {
        case .uppercaseLetter: 0
        case .lowercaseLetter: 1
        case .titlecaseLetter: 2
        case .modifierLetter: 3
        case .otherLetter: 4
        case .nonspacingMark: 5
        case .spacingMark: 6
        case .enclosingMark: 7
        case .decimalNumber: 8
        case .letterNumber: 9
        case .otherNumber: 10
        case .connectorPunctuation: 11
        case .dashPunctuation: 12
        case .openPunctuation: 13
        case .closePunctuation: 14
        case .initialPunctuation: 15
        case .finalPunctuation: 16
        case .otherPunctuation: 17
        case .mathSymbol: 18
        case .currencySymbol: 19
        case .modifierSymbol: 20
        case .otherSymbol: 21
        case .spaceSeparator: 22
        case .lineSeparator: 23
        case .paragraphSeparator: 24
        case .control: 25
        case .format: 26
        case .surrogate: 27
        case .privateUse: 28
        case .unassigned: 29
        @unknown default: 29
        }
    }
}
