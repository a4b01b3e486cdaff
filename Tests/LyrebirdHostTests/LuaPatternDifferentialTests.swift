import CLua
import CLuaSandbox
import Testing

/// The sandbox's pattern matcher (`patterns.c`) and table functions (`tables.c`) are its own code,
/// held here to liblua's: the same snippets run in a plain state with liblua's own libraries and
/// in a sandboxed state, and every result and every error message must be the same. The snippets
/// come from a seeded generator, so a failure names a case that runs again the same way.
@Suite struct LuaPatternDifferentialTests {
    @Test func patternFunctionsAnswerAsLiblua() throws {
        var generator = CaseGenerator(seed: 0x5eed_0001)
        let snippets = (0..<8000).map { _ in generator.patternCase() }
        try LuaComparison().expectSameAnswers(snippets)
    }

    /// Long patterns, and patterns at Lua's limits: 32 captures, 200 nested attempts.
    @Test func patternsAtTheLimitsAnswerAsLiblua() throws {
        var generator = CaseGenerator(seed: 0x5eed_0002)
        let snippets = (0..<300).map { _ in generator.limitCase() }
        try LuaComparison().expectSameAnswers(snippets)
    }

    @Test func tableFunctionsAnswerAsLiblua() throws {
        var generator = CaseGenerator(seed: 0x5eed_0003)
        let snippets = (0..<2000).map { _ in generator.tableCase() }
        try LuaComparison().expectSameAnswers(snippets)
    }

    /// One case for each error message and quirk liblua 5.4 shows, so that each is checked on
    /// every run whatever the generator draws.
    @Test func everyMessageAndQuirkAnswersAsLiblua() throws {
        let calls = [
            #"string.find("abc", "x%")"#, #"string.find("xbc", "x%")"#, #"string.find("abc", "[a")"#,
            #"string.find("abc", "%f")"#, #"string.find("abc", "%fa")"#, #"string.find("abc", "%ba")"#,
            #"string.find("abc", "%1")"#, #"string.find("abc", "%0")"#, #"string.find("abc", "(a%1)")"#,
            #"string.match("abc", ")")"#, #"string.find("a)", ")")"#, #"string.find("abc", "(")"#,
            #"string.find("abc", string.rep("()", 33))"#, #"string.find("abc", string.rep("()", 32))"#,
            #"string.find(string.rep("a", 300), string.rep("a?", 199))"#,
            #"string.find(string.rep("a", 300), string.rep("a?", 200))"#, #"string.find("", string.rep("a*", 300))"#,
            #"string.find("ab", string.rep(".-", 200))"#, #"string.find("]", "[]]")"#, #"string.find("]", "[a-%%]")"#,
            #"string.find("abc", "[]")"#, #"string.find("abc", "%z")"#, #"string.find("a\0b", "%z")"#,
            #"string.gsub("a-b]5", "[a-]", "x")"#, #"string.gsub("a-5]", "[--]", "x")"#, #"string.gsub("a-5]", "[^--]", "x")"#,
            #"string.gsub("a%]", "[%%-]]", "x")"#, #"string.gsub("a-z", "[a-%a]", "x")"#,
            #"string.find("abc", "b", -1)"#, #"string.find("abc", "", 4)"#, #"string.find("abc", "", 5)"#,
            #"string.find("abc", "b", math.mininteger)"#, #"string.find("a.c", ".", 1, true)"#,
            #"string.find("a", "a", 1.5)"#, #"string.find("a", "a", "x")"#, #"string.find("a")"#,
            #"string.match("  x", "()%f[%w]()")"#, #"string.match("x(a(b)c)y", "%b()")"#,
            #"string.find("aaa", "()%1")"#, #"string.find("abc", "[%a-z]")"#, #"string.find("abc", "%f[^]")"#,
            #"string.gsub("abc", "(", "x")"#, #"string.gsub("abc", "(", "%1")"#, #"string.gsub("abc", "(", {})"#,
            #"string.gsub("abc", "a", "%2")"#, #"string.gsub("abc", "a", "%")"#, #"string.gsub("abc", "a", "%x")"#,
            #"string.gsub("abc", "a", {a = {}})"#, #"string.gsub("abc", "a", function() return true end)"#,
            #"string.gsub("abc", "a")"#, #"string.gsub("abc", "a", nil, "x")"#, #"string.gsub("abc", "a", true)"#,
            #"string.gsub("a", "a", "x", 1.5)"#, #"string.gsub("hello", "", "-")"#, #"string.gsub("abc", "%w*", "x")"#,
            #"string.gsub("abc", "^a*", "x")"#, #"string.gsub("abc", "(b)", "%1%1%0%%")"#, #"string.gsub("abc", "()b()", "%1%2")"#,
            #"string.gsub("abc", "%w", {a = 1.5, b = false})"#, #"string.gsub("hello world", "o", "0", 1)"#,
            #"table.insert(nil)"#, #"table.insert({})"#, #"table.insert({}, 1, 2, 3)"#, #"table.insert({}, 3, 2)"#,
            #"table.insert("abc", 1)"#, #"table.remove({}, 5)"#, #"table.remove({[0] = "z"})"#, #"table.remove({1, 2, 3}, 5)"#,
            #"table.unpack({}, 1, 1e7)"#, #"table.unpack({}, math.mininteger, math.maxinteger)"#, #"table.concat({1, {}}, "")"#,
            #"table.sort({3, 1, 2}, 5)"#, #"table.sort({1, "x"})"#, #"table.sort({1, 2, 3, 4}, function() return true end)"#,
            #"table.move({}, 1, math.maxinteger, 2)"#, #"table.move({}, -1, math.maxinteger, 2)"#, #"table.move("abc", 1, 3, 1, {})"#,
        ]
        let snippets = calls.flatMap { call in
            ["return describe(pcall(function() return \(call) end))", "return describe(\(call))"]
        }
        try LuaComparison().expectSameAnswers(snippets, minimumSuccesses: 0)
    }

    /// The comparison is not blind: a snippet whose answer differs between the states is seen.
    @Test func theComparisonSeesADifference() throws {
        let comparison = try LuaComparison()
        let outcome = comparison.run("return describe(type(io), collectgarbage)")
        #expect(outcome.reference == Array("2|s5:table|function".utf8))
        #expect(outcome.sandbox == Array("2|s3:nil|nil".utf8))
    }
}

/// Runs snippets in a plain state with liblua's libraries and in a sandboxed state. Both have
/// `describe(...)`, which writes values as text (type, length and bytes), `collect(s, p, init)`,
/// every answer of a gmatch iterator, and `note(...)`, which appends to the global `log`.
final class LuaComparison {
    private let reference: OpaquePointer
    private let sandbox: OpaquePointer

    /// A sandboxed call may spend this many instructions. liblua's matcher can be exponential and
    /// nothing stops it: when the sandbox, which charges every step of the same search, runs out,
    /// the snippet is not run in the plain state at all (and counts as skipped).
    static let instructions: Int64 = 20_000_000

    static let harness = """
        local function dump(t)
          local s = ""
          for k = -2, 25 do local v = rawget(t, k) if v ~= nil then s = s .. k .. "=" .. show(v) .. "," end end
          for _, k in ipairs({"n", "a", "b", "x"}) do local v = rawget(t, k) if v ~= nil then s = s .. k .. "=" .. show(v) .. "," end end
          return s
        end
        function show(v)
          local t = type(v)
          if t == "string" then return "s" .. #v .. ":" .. v
          elseif t == "number" then return math.type(v) .. ":" .. tostring(v)
          elseif t == "table" then return "{" .. dump(v) .. "}"
          else return t == "function" and t or tostring(v) end
        end
        function describe(...)
          local s = tostring(select("#", ...))
          for i = 1, select("#", ...) do s = s .. "|" .. show((select(i, ...))) end
          return s
        end
        function collect(...)
          local ok, iterator = pcall(string.gmatch, ...)
          if not ok then return "gmatch " .. describe(ok, iterator) end
          local s = ""
          for _ = 1, 40 do
            local answer = describe(pcall(iterator))
            s = s .. answer .. ";"
            if answer == "1|true" or answer:sub(1, 7) == "2|false" then break end
          end
          return s .. describe(pcall(iterator))
        end
        log = ""
        function note(...) log = log .. describe(...) .. ";" return ... end
        function respond() end
        """

    init() throws {
        reference = luaL_newstate()
        luaL_openlibs(reference)
        sandbox = lyrebird_lua_newstate(64 << 20)
        guard lyrebird_lua_setup(sandbox, nil, 0) == LUA_OK else { throw ComparisonError.setup(Self.top(sandbox)) }
        lyrebird_lua_begin(sandbox, Self.instructions, 10_000)
        let harness = Array(Self.harness.utf8)
        let status = harness.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { lyrebird_lua_load(sandbox, $0.baseAddress, $0.count, "=harness", 1) }
        }
        guard status == LUA_OK else { throw ComparisonError.setup(Self.top(sandbox)) }
        guard Self.runPlain(reference, harness, name: "=harness") else { throw ComparisonError.setup(Self.top(reference)) }
    }

    deinit {
        lua_close(reference)
        lyrebird_lua_close(sandbox)
    }

    enum ComparisonError: Error {
        case setup([UInt8])
    }

    /// What `snippet` gives in each state: its result, or "error: " and the message.
    /// `reference` is nil when the sandbox ran out of instructions.
    func run(_ snippet: String) -> (reference: [UInt8]?, sandbox: [UInt8]) {
        let source = Array(snippet.utf8)
        lyrebird_lua_begin(sandbox, Self.instructions, 10_000)
        var status = source.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { lyrebird_lua_load(sandbox, $0.baseAddress, $0.count, "=case", 0) }
        }
        if status == LUA_OK {
            // The entry is called with one argument, req: here nil.
            _ = lyrebird_lua_set_scratch(sandbox, [UInt8(LYREBIRD_LUA_VALUE_NIL)], 1)
            status = lyrebird_lua_call(sandbox, 0)
        }
        let sandboxAnswer = (status == LUA_OK ? [] : Array("error: ".utf8)) + Self.top(sandbox)
        if lyrebird_lua_stop_reason(sandbox) != LYREBIRD_LUA_RUNNING { return (nil, sandboxAnswer) }
        let succeeded = Self.runPlain(reference, source, name: "=case")
        return ((succeeded ? [] : Array("error: ".utf8)) + Self.top(reference), sandboxAnswer)
    }

    /// Runs every snippet and expects the same answers, and that the comparison says something:
    /// at least `minimumSuccesses` of the cases succeed in liblua, and almost none are skipped.
    func expectSameAnswers(_ snippets: [String], minimumSuccesses: Double = 0.4, sourceLocation: SourceLocation = #_sourceLocation) {
        var differences: [String] = []
        var skipped = 0
        var successes = 0
        for (index, snippet) in snippets.enumerated() {
            let outcome = run(snippet)
            guard let reference = outcome.reference else {
                skipped += 1
                continue
            }
            if !reference.starts(with: Array("error: ".utf8)) { successes += 1 }
            if reference != outcome.sandbox {
                differences.append(
                    "case \(index): \(snippet)\n  liblua:  \(Self.readable(reference))\n  sandbox: \(Self.readable(outcome.sandbox))"
                )
            }
        }
        #expect(
            differences.count == 0,
            "\(differences.count) of \(snippets.count) cases differ:\n\(differences.prefix(5).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
        #expect(
            skipped * 100 <= snippets.count, "\(skipped) of \(snippets.count) cases ran out of instructions", sourceLocation: sourceLocation
        )
        #expect(
            Double(successes) >= minimumSuccesses * Double(snippets.count),
            "only \(successes) of \(snippets.count) cases succeed in liblua", sourceLocation: sourceLocation)
    }

    /// Loads and runs a chunk in the plain state: its result, or the message, is on the top.
    private static func runPlain(_ state: OpaquePointer, _ source: [UInt8], name: String) -> Bool {
        lua_settop(state, 0)
        let loaded = source.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { lyrebird_lua_loadbuffer(state, $0.baseAddress, $0.count, name) }
        }
        return loaded == LUA_OK && lua_pcallk(state, 0, 1, 0, 0, nil) == LUA_OK
    }

    /// The bytes of the value on the top of the stack (a string or a number).
    private static func top(_ state: OpaquePointer) -> [UInt8] {
        var length = 0
        guard let text = lua_tolstring(state, -1, &length) else { return Array("(not a string)".utf8) }
        return text.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    private static func readable(_ bytes: [UInt8]) -> String {
        bytes.map { $0 >= 0x20 && $0 < 0x7f ? String(UnicodeScalar($0)) : "\\\($0)" }.joined()
    }
}

/// Pseudo-random snippets: SplitMix64, so that a seed always gives the same cases.
struct CaseGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A number in 0..<count.
    private mutating func below(_ count: Int) -> Int { Int(next() % UInt64(count)) }
    private mutating func oneIn(_ count: Int) -> Bool { below(count) == 0 }
    private mutating func pick<Element>(_ items: [Element]) -> Element { items[below(items.count)] }

    // MARK: Patterns

    /// Subject bytes: a few letters often, so that patterns match, and the bytes patterns treat specially.
    private static let subjectBytes: [UInt8] = Array("aaaaabbbbc ()[]%.-x12A_^$\n".utf8) + [0, 0xe9]
    private static let literals = ["a", "b", "c", "x", "A", "1", " ", "]", "^", "$", "-", "*", "+", "?", "\\000", "\\233"]
    private static let classLetters = Array("acdglpsuwxzACDGLPSUWXZq.%()[]-^$ ").map(String.init)
    private static let quantifiers = ["*", "+", "-", "?"]

    private mutating func subject(longest: Int = 10) -> String {
        Self.literal((0..<below(longest + 1)).map { _ in pick(Self.subjectBytes) })
    }

    private mutating func set() -> String {
        var text = oneIn(3) ? "[^" : "["
        for _ in 0...below(3) {
            switch below(5) {
            case 0: text += pick(Self.literals) + "-" + pick(Self.literals)
            case 1: text += "%" + pick(Self.classLetters)
            default: text += pick(["a", "b", "]", "-", "%", "^", "(", ")", "x", "1"])
            }
        }
        return oneIn(12) ? text : text + "]"
    }

    /// One part of a pattern, written as it goes inside a Lua string literal.
    private mutating func item() -> String {
        var text: String
        switch below(20) {
        case 0..<5: text = pick(Self.literals)
        case 5: text = "."
        case 6, 7: text = "%" + pick(Self.classLetters)
        case 8, 9: text = set()
        case 10: text = "("
        case 11: text = ")"
        case 12: text = "()"
        case 13: return "%" + String(below(10))
        case 14: return pick(["%b()", "%bab", "%baa", "%b", "%ba", "%b)("])
        case 15: return "%f" + pick(["[%a]", "[^a]", "[%w_]", "[", "a", "[a", "[%z]"])
        case 16: return "(" + pick(Self.literals) + pick(Self.quantifiers + [""]) + ")"
        default: return pick(["a", "b", "."]) + pick(Self.quantifiers + [""])
        }
        return oneIn(3) ? text + pick(Self.quantifiers) : text
    }

    private mutating func pattern() -> String {
        var text = oneIn(5) ? "^" : ""
        for _ in 0..<below(6) { text += item() }
        switch below(12) {
        case 0: text += "$"
        case 1: text += "%"
        default: break
        }
        return "\"" + text + "\""
    }

    private mutating func initArgument() -> String {
        pick(["nil", "1", "2", "0", "-1", "-3", "5", "11", "12", "-20", "math.mininteger", "math.maxinteger", "'2'", "1.5"])
    }

    private mutating func template() -> String {
        "\"" + (0..<below(4)).map { _ in pick(["x", "%0", "%1", "%2", "%3", "%%", "<", "%", "%a", "%9"]) }.joined() + "\""
    }

    /// find, match, gmatch or gsub with each kind of replacement, on a short subject.
    mutating func patternCase() -> String {
        let subject = subject()
        let pattern = pattern()
        switch below(10) {
        case 0: return "return describe(pcall(string.find, \(subject), \(pattern), \(initArgument())))"
        case 1:
            let plain = pick(["true", "false", "nil", "1"])
            return "return describe(pcall(string.find, \(subject), \(pattern), \(initArgument()), \(plain)))"
        case 2: return "return describe(pcall(string.match, \(subject), \(pattern), \(initArgument())))"
        case 3: return "return collect(\(subject), \(pattern), \(initArgument()))"
        case 4:
            let most = pick(["", ", 1", ", 2", ", 0", ", -1", ", 'x'", ", nil"])
            return "return describe(pcall(string.gsub, \(subject), \(pattern), \(template())\(most)))"
        case 5:
            let result = pick(["nil", "false", "'R'", "(...)", "{}", "1.5", "true", "select('#', ...)"])
            return
                "log = '' return describe(pcall(string.gsub, \(subject), \(pattern), function(...) note(...) return \(result) end)) .. log"
        case 6:
            let missing = pick(["nil", "'i'", "true"])
            let table =
                "setmetatable({a = 'A', b = false, [1] = 'one', [3] = 3.5, ['('] = {}}, {__index = function(t, k) note(k) return \(missing) end})"
            return "log = '' return describe(pcall(string.gsub, \(subject), \(pattern), \(table)\(pick(["", ", 2"])))) .. log"
        case 7: return "return describe((\(subject)):find(\(pattern)))"
        case 8: return "return describe((\(subject)):gsub(\(pattern), \(template())))"
        default: return "return describe(pcall(string.gsub, \(subject), \(pattern)\(pick([", nil", ", true", ", 3", ", {}", ""]))))"
        }
    }

    /// Long patterns and patterns at the limits, on subjects as long as they need. None of them
    /// backtracks much in liblua: the long ones match or fail at once.
    mutating func limitCase() -> String {
        let function = pick(["find", "match", "gsub"])
        let nesting = 195 + below(10)
        let subject: String
        let pattern: String
        switch below(6) {
        case 0:
            subject = "'abc'"
            pattern = "string.rep('()', \(29 + below(6))) .. '\(pick(["", "a", "(b)"]))'"
        case 1:
            subject = "'ab'"
            pattern = "string.rep('.-', \(nesting))"
        case 2:
            subject = "string.rep('a', \(nesting + below(3) - 1))"
            pattern = "string.rep('a?', \(nesting))"
        case 3:
            let count = 30 + below(10)
            subject = "string.rep('ab', \(count))"
            pattern = "string.rep('%a', \(2 * count - below(3)))"
        case 4:
            subject = "string.rep('xy', 30)"
            pattern = "string.rep('xy', \(20 + below(15))) .. '\(pick(["", "$", "(x)", "%"]))'"
        default:
            subject = "string.rep('(', 20)"
            pattern = "string.rep('(%(', \(31 + below(3))) .. '\(pick(["", ")", "))"]))'"
        }
        return "return describe(pcall(string.\(function), \(subject), \(pattern), \(pick(["'<%0>'", "1"]))))"
    }

    // MARK: Tables

    private static let values = ["1", "2", "3", "'a'", "'b'", "'xy'", "2.5", "-1", "true", "{}", "nil", "'10'", "math.maxinteger"]
    private static let positions = [
        "1", "2", "0", "-1", "3", "4", "5", "6", "nil", "'2'", "1.5", "math.maxinteger", "math.mininteger", "math.maxinteger - 1",
    ]
    private static let smallPositions = ["1", "2", "0", "-1", "3", "4", "nil", "'2'", "1.5"]

    /// `table`, or a proxy for it whose reads, writes and length go through logging metamethods,
    /// so that the order in which a function touches elements is compared too.
    private mutating func target(_ table: String) -> String {
        guard oneIn(4) else { return table }
        let length = pick(["#\(table)", "#\(table)", "2", "0", "-1", "'x'", "1.5", "3.0"])
        return
            "setmetatable({}, {__index = function(_, k) note('get', k) return rawget(\(table), k) end, __newindex = function(_, k, v) note('set', k, v) rawset(\(table), k, v) end, __len = function() note('len') return \(length) end})"
    }

    /// insert, remove, move, concat, unpack, pack or sort on a small table, then the table.
    /// Ranges liblua would walk for 2^63 steps are left out: nothing would stop liblua.
    mutating func tableCase() -> String {
        let table = "{" + (0..<below(6)).map { _ in pick(Self.values) }.joined(separator: ", ") + "}"
        var setup = "local t = \(table) "
        let target = target("t")
        let call: String
        switch below(10) {
        case 0:
            let arguments = pick(["", ", \(pick(Self.values))", ", \(pick(Self.positions)), \(pick(Self.values))", ", 1, 2, 3"])
            call = "table.insert(\(target)\(arguments))"
        case 1:
            // With a negative length, math.mininteger would shift 2^63 elements.
            let position = pick(Self.positions.filter { $0 != "math.mininteger" })
            call = "table.remove(\(target)\(pick(["", ", \(position)"])))"
        case 2:
            let range = pick([
                "\(pick(Self.smallPositions)), \(pick(Self.smallPositions))", "math.maxinteger, 1", "math.mininteger, math.maxinteger",
                "0, math.maxinteger", "math.maxinteger - 1, math.maxinteger",
            ])
            let destination = pick(Self.smallPositions + ["math.maxinteger", "math.maxinteger - 1", "math.mininteger"])
            call = "table.move(\(oneIn(10) ? "'abc'" : target), \(range), \(destination)\(pick(["", ", {}", ", t", ", nil"])))"
        case 3:
            let range = pick(["", ", \(pick(Self.positions))", ", \(pick(Self.positions)), \(pick(Self.positions))"])
            call = "table.concat(\(target)\(pick(["", ", ','", ", 1", ", nil", ", {}"]))\(range))"
        case 4:
            let range = pick(["", ", \(pick(Self.positions))", ", \(pick(Self.positions)), \(pick(Self.positions))"])
            call = "table.unpack(\(target)\(range))"
        case 5: call = "table.pack(\((0..<below(4)).map { _ in pick(Self.values) }.joined(separator: ", ")))"
        case 6:
            let keys = (0..<below(12)).map { _ in pick(["1", "2", "3", "7", "-4", "2.5", "0/0", "'a'", "'b'"]) }
            setup = "local t = {\(keys.joined(separator: ", "))} "
            let order = pick([
                "", ", nil", ", function(a, b) note(a, b) return a > b end", ", function(a, b) return true end",
                ", function(a, b) error('cmp') end", ", 3", ", function(a, b) return a < b end", ", rawequal", ", math.ult",
            ])
            call = "table.sort(t\(order))"
        case 7: call = "table.insert(\(pick(["nil", "'s'", "1"])), 1)"
        case 8: call = "table.remove(\(pick(["nil", "'s'"])))"
        default: call = "table.concat(\(pick(["nil", "'s'", "{1, {}, 2}", "{1, nil, 3}"])))"
        }
        return "log = '' \(setup)return describe(pcall(function() return \(call) end)) .. ' t=' .. show(t) .. ' ' .. log"
    }

    /// `bytes` as a Lua string literal: letters, digits and a few safe bytes as they are, any
    /// other byte as a three-digit decimal escape.
    static func literal(_ bytes: [UInt8]) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                text.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let digits = String(byte)
                text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
            }
        }
        return text + "\""
    }
}
