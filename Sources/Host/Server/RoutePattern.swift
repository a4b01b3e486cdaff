import Foundation

/// A route's path, parsed once: literal segments and parameters. A parameter is a whole segment
/// (`/v1/models/{model}`) or the part of one between a fixed prefix and suffix
/// (`/v1beta/models/{model}:generateContent`); a segment holds at most one.
struct RoutePattern: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(name: String, prefix: String, suffix: String)
    }

    let segments: [Segment]

    /// Parses `path`, or says why the router cannot serve it.
    init(_ path: String) throws(RoutePatternError) {
        guard path.hasPrefix("/") else { throw RoutePatternError(path: path, reason: "it does not start with /") }
        var segments: [Segment] = []
        var names = Set<String>()
        for piece in path.split(separator: "/", omittingEmptySubsequences: true) {
            let opens = piece.filter { $0 == "{" }.count
            let closes = piece.filter { $0 == "}" }.count
            if opens == 0 && closes == 0 {
                segments.append(.literal(String(piece)))
                continue
            }
            guard opens == 1, closes == 1, let open = piece.firstIndex(of: "{"), let close = piece.firstIndex(of: "}"), open < close
            else {
                throw RoutePatternError(
                    path: path,
                    reason: "the segment \(String(piece).debugDescription) must hold at most one {parameter}, with its braces in order")
            }
            let name = String(piece[piece.index(after: open)..<close])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw RoutePatternError(path: path, reason: "the parameter name \(name.debugDescription) must be letters, digits or _")
            }
            guard names.insert(name).inserted else {
                throw RoutePatternError(path: path, reason: "the parameter {\(name)} appears twice")
            }
            segments.append(.parameter(name: name, prefix: String(piece[..<open]), suffix: String(piece[piece.index(after: close)...])))
        }
        self.segments = segments
    }

    /// Whether the pattern has no parameters.
    var isLiteral: Bool {
        segments.allSatisfy {
            if case .literal = $0 { return true }
            return false
        }
    }

    /// The literal path, for patterns without parameters.
    var literalPath: String {
        "/"
            + segments.map { segment in
                if case .literal(let text) = segment { return text }
                return ""
            }.joined(separator: "/")
    }

    /// How much of the pattern is fixed text: among patterns that match the same path, the one
    /// with more wins.
    var specificity: Int {
        segments.reduce(0) { total, segment in
            switch segment {
            case .literal(let text): return total + text.count + 1
            case .parameter(_, let prefix, let suffix): return total + prefix.count + suffix.count
            }
        }
    }

    /// The same pattern with parameter names erased: two routes with equal shapes would claim the
    /// same paths.
    var shape: [Segment] {
        segments.map { segment in
            if case .parameter(_, let prefix, let suffix) = segment { return .parameter(name: "", prefix: prefix, suffix: suffix) }
            return segment
        }
    }

    /// The parameters' names, in the order of their segments.
    var parameterNames: [String] {
        segments.compactMap { segment in
            if case .parameter(let name, _, _) = segment { return name }
            return nil
        }
    }

    /// The path written back from its segments, parameters in braces: the route's own spelling
    /// without empty segments, and the path template OpenAPI reads.
    var template: String {
        "/"
            + segments.map { segment in
                switch segment {
                case .literal(let text): return text
                case .parameter(let name, let prefix, let suffix): return prefix + "{" + name + "}" + suffix
                }
            }.joined(separator: "/")
    }

    /// The parameter values when `path` (split into segments) matches, else `nil`.
    func match(_ path: [Substring]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, piece) in zip(segments, path) {
            switch segment {
            case .literal(let text):
                guard piece == text else { return nil }
            case .parameter(let name, let prefix, let suffix):
                guard piece.count > prefix.count + suffix.count, piece.hasPrefix(prefix), piece.hasSuffix(suffix) else { return nil }
                let value = piece.dropFirst(prefix.count).dropLast(suffix.count)
                parameters[name] = String(value).removingPercentEncoding ?? String(value)
            }
        }
        return parameters
    }
}

/// A route path the router cannot serve.
struct RoutePatternError: Error, Sendable {
    var path: String
    var reason: String

    var message: String { "the route \(path.debugDescription) cannot be served: \(reason)" }
}
