import LyrebirdPluginAPI

/// Finds what serves a method and path. Literal paths are found by hash; patterns with
/// parameters are tried most specific first.
struct RouteTable<Handler: Sendable>: Sendable {
    struct Entry: Sendable {
        let method: HTTPMethodName
        let pattern: RoutePattern
        let path: String
        let handler: Handler
    }

    enum Lookup {
        case found(Handler, parameters: [String: String])
        case methodNotAllowed(allowed: [HTTPMethodName])
        case notFound
    }

    /// Why a route was not added.
    enum Refusal: Error {
        case taken
        case unservable(RoutePatternError)
    }

    private(set) var entries: [Entry] = []
    /// Routes without parameters by path, so that most requests find theirs with one hash.
    private var literalPaths: [String: [Entry]] = [:]
    /// Routes with parameters, most specific first.
    private var patterns: [Entry] = []

    /// Adds a route, or says why it cannot be added.
    mutating func add(_ method: HTTPMethodName, _ path: String, _ handler: Handler) throws(Refusal) {
        let pattern: RoutePattern
        do {
            pattern = try RoutePattern(path)
        } catch {
            throw .unservable(error)
        }
        if entries.contains(where: { $0.method == method && $0.pattern.shape == pattern.shape }) { throw .taken }
        let entry = Entry(method: method, pattern: pattern, path: path, handler: handler)
        entries.append(entry)
        if pattern.isLiteral {
            literalPaths[pattern.literalPath, default: []].append(entry)
        } else {
            patterns.append(entry)
            patterns.sort { $0.pattern.specificity > $1.pattern.specificity }
        }
    }

    /// Every route that serves `path`, whatever its method.
    func handlers(at path: String) -> [Entry] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return entries.filter { $0.pattern.match(segments) != nil }
    }

    func lookup(_ method: HTTPMethodName, _ path: String) -> Lookup {
        if let literal = literalPaths[path], let entry = literal.first(where: { $0.method == method }) {
            return .found(entry.handler, parameters: [:])
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [HTTPMethodName] = []
        if let literal = literalPaths["/" + segments.joined(separator: "/")] {
            for entry in literal {
                if entry.method == method { return .found(entry.handler, parameters: [:]) }
                allowed.append(entry.method)
            }
        }
        for entry in patterns {
            guard let parameters = entry.pattern.match(segments) else { continue }
            if entry.method == method { return .found(entry.handler, parameters: parameters) }
            if !allowed.contains(entry.method) { allowed.append(entry.method) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// Every route at `path`, whatever its method, with the values of its path parameters.
    func routes(at path: String) -> [(handler: Handler, parameters: [String: String])] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var found = (literalPaths["/" + segments.joined(separator: "/")] ?? []).map {
            (handler: $0.handler, parameters: [String: String]())
        }
        for entry in patterns {
            if let parameters = entry.pattern.match(segments) { found.append((entry.handler, parameters)) }
        }
        return found
    }
}
