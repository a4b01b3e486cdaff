import LyrebirdPluginAPI

/// Finds what serves a method and path. Literal paths are found by hash; patterns with
/// parameters are tried most specific first.
struct RouteTable<Handler: Sendable>: Sendable {
    struct Entry: Sendable {
        let method: HTTPMethodName
        let pattern: RoutePattern
        let path: String
        let handler: Handler
        /// When not empty, the route takes only requests that meet one of them.
        let conditions: [RouteCondition]

        /// Whether the route takes `request` (or, without a request, takes requests in general).
        func takes(_ request: WireRequest?) -> Bool {
            conditions.isEmpty || request.map { request in conditions.contains { $0.holds(for: request) } } ?? false
        }
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

    /// Adds a route, or says why it cannot be added. Routes may share a method and path when
    /// their `conditions` differ: the ones with conditions are tried first.
    mutating func add(_ method: HTTPMethodName, _ path: String, _ handler: Handler, conditions: [RouteCondition] = []) throws(Refusal) {
        let pattern: RoutePattern
        do {
            pattern = try RoutePattern(path)
        } catch {
            throw .unservable(error)
        }
        let conditionSet = Set(conditions)
        if entries.contains(where: { $0.method == method && $0.pattern.shape == pattern.shape && Set($0.conditions) == conditionSet }) {
            throw .taken
        }
        let entry = Entry(method: method, pattern: pattern, path: path, handler: handler, conditions: conditions)
        entries.append(entry)
        // Conditional routes go before the unconditional ones they share a path with.
        if pattern.isLiteral {
            literalPaths[pattern.literalPath, default: []].append(entry)
            literalPaths[pattern.literalPath]!.sort { !$0.conditions.isEmpty && $1.conditions.isEmpty }
        } else {
            patterns.append(entry)
            patterns.sort { ($0.pattern.specificity, $0.conditions.count) > ($1.pattern.specificity, $1.conditions.count) }
        }
    }

    /// Every route that serves `path`, whatever its method.
    func handlers(at path: String) -> [Entry] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return entries.filter { $0.pattern.match(segments) != nil }
    }

    /// What serves `method` at `path` for `request`, whose headers and query decide between
    /// routes with conditions.
    func lookup(_ method: HTTPMethodName, _ path: String, request: WireRequest? = nil) -> Lookup {
        if let literal = literalPaths[path], let entry = literal.first(where: { $0.method == method && $0.takes(request) }) {
            return .found(entry.handler, parameters: [:])
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [HTTPMethodName] = []
        if let literal = literalPaths["/" + segments.joined(separator: "/")] {
            for entry in literal {
                if entry.method == method && entry.takes(request) { return .found(entry.handler, parameters: [:]) }
                if entry.method != method && !allowed.contains(entry.method) { allowed.append(entry.method) }
            }
        }
        for entry in patterns {
            guard let parameters = entry.pattern.match(segments) else { continue }
            if entry.method == method && entry.takes(request) { return .found(entry.handler, parameters: parameters) }
            if entry.method != method && !allowed.contains(entry.method) { allowed.append(entry.method) }
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
