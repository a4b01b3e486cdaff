import LyrebirdPluginAPI

/// Finds what serves a method and path. Paths are exact, or templates whose `{name}` segments
/// match any one segment.
struct RouteTable<Handler: Sendable>: Sendable {
    struct Entry: Sendable {
        let method: HTTPMethodName
        let segments: [Substring]
        let path: String
        let handler: Handler
    }

    enum Lookup {
        case found(Handler, parameters: [String: String])
        case methodNotAllowed(allowed: [HTTPMethodName])
        case notFound
    }

    private(set) var entries: [Entry] = []
    /// Routes without parameters by path, so that most requests find theirs with one hash.
    private var exactPaths: [String: [Entry]] = [:]

    /// Adds a route; returns `false` when the method and path are already taken.
    mutating func add(_ method: HTTPMethodName, _ path: String, _ handler: Handler) -> Bool {
        let segments = Self.split(path)
        if entries.contains(where: { $0.method == method && $0.segments == segments }) { return false }
        let entry = Entry(method: method, segments: segments, path: path, handler: handler)
        entries.append(entry)
        if !segments.contains(where: { $0.hasPrefix("{") }) {
            exactPaths["/" + segments.joined(separator: "/"), default: []].append(entry)
        }
        return true
    }

    func lookup(_ method: HTTPMethodName, _ path: String) -> Lookup {
        if let exact = exactPaths[path], let entry = exact.first(where: { $0.method == method }) {
            return .found(entry.handler, parameters: [:])
        }
        let segments = Self.split(path)
        var allowed: [HTTPMethodName] = []
        for entry in entries {
            guard let parameters = Self.match(entry.segments, segments) else { continue }
            if entry.method == method { return .found(entry.handler, parameters: parameters) }
            allowed.append(entry.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    private static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func match(_ template: [Substring], _ segments: [Substring]) -> [String: String]? {
        guard template.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (pattern, segment) in zip(template, segments) {
            if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                parameters[String(pattern.dropFirst().dropLast())] = String(segment)
            } else if pattern != segment {
                return nil
            }
        }
        return parameters
    }
}
