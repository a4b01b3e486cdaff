import CLua
import Foundation
import Logging
import Synchronization

/// The source of one Lua script, from a file or inline in a fixture.
///
/// A file script is watched: when the file changes on disk the new text is compiled and, if
/// it compiles, replaces the old one (states built from the old text are retired); a broken
/// edit is logged and the previous version keeps serving.
public final class LuaScript: Sendable {
    /// What the script is called in messages: its path, or `fixture "name" (inline)`.
    public let name: String
    /// The chunk name Lua uses in error positions (`path:line:`).
    let chunkName: String
    private let path: String?
    let kind: Kind
    private let state: Mutex<Snapshot>

    /// How the script's text becomes a chunk.
    enum Kind: Sendable {
        /// Defines `respond(req, reply)`.
        case responder
        /// Is the body of a predicate: `req` is in scope and it returns true or false.
        case predicate
    }

    struct Snapshot: Sendable {
        var source: String
        var version: Int
        var modified: Date?
        var checked: ContinuousClock.Instant
    }

    /// How often a file script's modification time is looked at.
    static let reloadCheckInterval = Duration.milliseconds(250)

    /// Reads and compiles a script file. `displayName` is the path as the configuration wrote
    /// it: Lua shortens long chunk names in error positions, so the short form reads better.
    init(file path: String, displayName: String, kind: Kind) throws(LuaScriptError) {
        self.name = displayName
        self.chunkName = "@" + displayName
        self.path = path
        self.kind = kind
        let source: String
        do {
            source = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LuaScriptError(script: displayName, message: "cannot read \(path): \(error.localizedDescription)")
        }
        let wrapped = Self.wrap(source, kind: kind)
        if let problem = Self.syntaxError(in: wrapped, chunkName: chunkName) {
            throw LuaScriptError(script: displayName, message: problem)
        }
        state = Mutex(Snapshot(source: wrapped, version: 1, modified: Self.modificationDate(of: path), checked: .now))
    }

    /// Compiles inline script text; `name` says where it came from.
    init(inline source: String, name: String, kind: Kind) throws(LuaScriptError) {
        self.name = name
        self.chunkName = "=" + name
        self.path = nil
        self.kind = kind
        let wrapped = Self.wrap(source, kind: kind)
        if let problem = Self.syntaxError(in: wrapped, chunkName: chunkName) {
            throw LuaScriptError(script: name, message: problem)
        }
        state = Mutex(Snapshot(source: wrapped, version: 1, modified: nil, checked: .now))
    }

    /// The current text and its version, reloading a changed file first (and saying so to `logger`).
    func current(logger: Logger) -> (source: String, version: Int) {
        guard let path else { return state.withLock { ($0.source, $0.version) } }
        let due = state.withLock { snapshot -> Date?? in
            guard ContinuousClock.now - snapshot.checked >= Self.reloadCheckInterval else { return .none }
            snapshot.checked = .now
            return .some(snapshot.modified)
        }
        if case .some(let known) = due, let modified = Self.modificationDate(of: path), modified != known {
            reload(path: path, modified: modified, logger: logger)
        }
        return state.withLock { ($0.source, $0.version) }
    }

    private func reload(path: String, modified: Date, logger: Logger) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            logger.warning("Lua script \(name) could not be read; keeping the previous version")
            return
        }
        let wrapped = Self.wrap(text, kind: kind)
        if let problem = Self.syntaxError(in: wrapped, chunkName: chunkName) {
            logger.error("Lua script \(name) was edited but does not compile; keeping the previous version: \(problem)")
            state.withLock { $0.modified = modified }
            return
        }
        state.withLock { snapshot in
            snapshot.source = wrapped
            snapshot.version += 1
            snapshot.modified = modified
        }
        logger.info("Lua script \(name) reloaded")
    }

    /// A predicate body runs with `req` bound; the prefix stays on the first line so line
    /// numbers in errors match the file.
    private static func wrap(_ source: String, kind: Kind) -> String {
        switch kind {
        case .responder: return source
        case .predicate: return "local req = ...; " + source
        }
    }

    private static func modificationDate(of path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Lua's message when `source` does not compile, or `nil`.
    static func syntaxError(in source: String, chunkName: String) -> String? {
        guard let state = luaL_newstate() else { return "cannot create a Lua state" }
        defer { lua_close(state) }
        let status = source.withCString { text in
            lyrebird_lua_loadbuffer(state, text, strlen(text), chunkName)
        }
        guard status != LUA_OK else { return nil }
        return LuaValues.string(at: -1, in: state) ?? "syntax error"
    }
}
