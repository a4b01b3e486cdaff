import Foundation

/// Which script files a fixture may name with `lua: FILE`.
///
/// A configuration file is the operator's own and may name any file. A fixture sent over HTTP
/// is not: naming a file would let a client run it as a script, or read it back through the
/// syntax error it causes, so such fixtures carry their scripts inline, or name files inside
/// the one folder the configuration opens to them (`settings.scripts_dir`).
enum ScriptFileAccess: Sendable {
    /// Any file (a configuration file's fixtures).
    case any
    /// Files inside this folder only (its path resolved, without symbolic links).
    case inside(String)
    /// No file at all.
    case none

    /// The file `path` names, resolved against `folder`, or why it may not be used.
    func resolve(_ path: String, relativeTo folder: String?) -> Result<String, ScriptFileRefusal> {
        switch self {
        case .any:
            return .success(path)
        case .none:
            return .failure(
                ScriptFileRefusal(
                    message:
                        "fixtures sent over HTTP may not name script files; send the script as lua_inline, or set settings.scripts_dir and name a file inside it"
                ))
        case .inside(let root):
            let joined = path.hasPrefix("/") ? path : (root as NSString).appendingPathComponent(path)
            let resolved = URL(fileURLWithPath: joined).resolvingSymlinksInPath().standardizedFileURL.path
            guard resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
                return .failure(ScriptFileRefusal(message: "\(path.debugDescription) is not inside settings.scripts_dir"))
            }
            return .success(resolved)
        }
    }
}

/// Why a fixture may not name a script file.
struct ScriptFileRefusal: Error {
    var message: String
}
