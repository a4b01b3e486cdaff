extension RequestFields {
    /// The value at `path`, or `nil` when any step of it is absent or JSON `null`.
    ///
    /// A path names members with dots and array elements with brackets, as errors name them:
    /// `inferenceConfig.temperature`, `messages[2].content`, `tools[0].toolSpec.name`. A step
    /// through something that is not an object or an array, or an index past the end, is absent.
    public func value(at path: String) -> JSONValue? {
        var current = body
        for step in Self.steps(of: path) {
            switch (step, current) {
            case (.member(let name), .object(let members)):
                guard let next = members[name] else { return nil }
                current = next
            case (.element(let index), .array(let elements)):
                guard elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        // Spelt out: JSONValue is ExpressibleByNilLiteral, so in `cond ? nil : current` the
        // `nil` would be JSON null.
        if current.isNull { return Optional.none }
        return current
    }

    /// The string at `path`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `path` when it holds something else.
    public func string(at path: String) throws(ReplyError) -> String? {
        try value(at: path).map { value throws(ReplyError) in try Self.string(value, param: path) }
    }

    /// The string at `path`.
    ///
    /// - Throws: A 400 naming `path` when it is absent, null or not a string.
    public func requiredString(at path: String) throws(ReplyError) -> String {
        guard let value = value(at: path) else { throw Self.missing(path) }
        return try Self.string(value, param: path)
    }

    /// The boolean at `path`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `path` when it holds something else.
    public func bool(at path: String) throws(ReplyError) -> Bool? {
        try value(at: path).map { value throws(ReplyError) in try Self.bool(value, param: path) }
    }

    /// The integer at `path` within `range`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `path` when it is not an integer or is out of range.
    public func integer(at path: String, in range: ClosedRange<Int>) throws(ReplyError) -> Int? {
        try value(at: path).map { value throws(ReplyError) in try Self.integer(value, param: path, in: range) }
    }

    /// The number (an integer or a fraction) at `path` within `range`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `path` when it is not a number or is out of range.
    public func number(at path: String, in range: ClosedRange<Double>) throws(ReplyError) -> Double? {
        try value(at: path).map { value throws(ReplyError) in try Self.number(value, param: path, in: range) }
    }

    /// The object at `path`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `path` when it holds something else.
    public func object(at path: String) throws(ReplyError) -> [String: JSONValue]? {
        try value(at: path).map { value throws(ReplyError) in try Self.object(value, param: path) }
    }

    /// The array at `path`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `path` when it holds something else.
    public func array(at path: String) throws(ReplyError) -> [JSONValue]? {
        try value(at: path).map { value throws(ReplyError) in try Self.array(value, param: path) }
    }

    /// `value` as a number within `range`.
    ///
    /// - Throws: A 400 naming `param` when it is not a number or is out of range.
    public static func number(_ value: JSONValue, param: String, in range: ClosedRange<Double>) throws(ReplyError) -> Double {
        guard let number = value.doubleValue, value.boolValue == nil else { throw wrongType(param, expected: "a number", got: value) }
        guard range.contains(number) else {
            throw ReplyError.invalidParameter(
                param,
                "Invalid '\(param)': \(number) is out of range. Expected a value between \(range.lowerBound) and \(range.upperBound).",
                code: "invalid_value")
        }
        return number
    }

    private enum Step {
        case member(String)
        case element(Int)
    }

    /// The steps of a path: `a.b[2].c` is `a`, `b`, 2, `c`. A bracket that does not hold a
    /// number is part of a member's name.
    private static func steps(of path: String) -> [Step] {
        var steps: [Step] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var name = part[...]
            var indexes: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "["),
                let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]), index >= 0
            {
                indexes.insert(index, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { steps.append(.member(String(name))) }
            steps += indexes.map(Step.element)
        }
        return steps
    }
}
