import LyrebirdPluginAPI
import Yams

extension ConfigDecoder {
    /// `reply: {lua: FILE}` (relative to the config file) or `reply: {lua_inline: CODE}`.
    mutating func decodeLuaResponder(_ node: Node, path: String, inline: Bool) -> (any Responder)? {
        guard let text = string(node, path: path) else { return nil }
        var file = ""
        if !inline {
            switch scriptFiles.resolve(text, relativeTo: nil) {
            case .success(let allowed): file = allowed
            case .failure(let refusal):
                report(node, key: path, refusal.message)
                return nil
            }
        }
        do {
            let script =
                inline
                ? try LuaScript(inline: text, name: "\(currentFixture ?? "fixture") \(path)", kind: .responder)
                : try LuaScript(file: resolvePath(file), displayName: text, kind: .responder)
            return try LuaResponder(script: script, environment: lua)
        } catch {
            report(node, key: path, error.description)
            return nil
        }
    }

    /// `match: {lua: CODE}`: the body of a predicate of `req`.
    mutating func decodeLuaPredicate(_ node: Node, path: String) -> LuaPredicate? {
        guard let text = string(node, path: path) else { return nil }
        do {
            let script = try LuaScript(inline: text, name: "\(currentFixture ?? "fixture") \(path)", kind: .predicate)
            return try LuaPredicate(script: script, environment: lua)
        } catch {
            report(node, key: path, error.description)
            return nil
        }
    }

    /// `lua_extensions: {NAME: PATH, ...}`: native libraries whose functions scripts call as
    /// `lyrebird.native.NAME.FUNCTION`.
    mutating func decodeLuaExtensions(_ node: Node) -> LuaNatives {
        guard let mapping = node.mapping else {
            report(node, key: "lua_extensions", "must be a mapping of names to library paths")
            return .none
        }
        var extensions: [(name: String, path: String)] = []
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? ""
            guard let path = string(value, path: "lua_extensions.\(name)") else { continue }
            extensions.append((name, resolvePath(path)))
        }
        do {
            return try LuaNatives.load(extensions)
        } catch {
            report(node, key: "lua_extensions", error.description)
            return .none
        }
    }
}
