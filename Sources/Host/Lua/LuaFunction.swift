import CLuaSandbox
import Foundation

/// A Swift function a state gets: at a dotted path of the globals (`lyrebird.json.encode`), or
/// as a method of every `reply` object. A `nil` function makes an empty table at the path.
struct LuaFunction {
    var path: String
    var function: lyrebird_lua_swift_function?
    /// Handed back to the function through `lyrebird_lua_upvalue`.
    var upvalue: UnsafeMutableRawPointer?
    var replyMethod = false

    /// Opens the safe libraries in `state` and installs `functions`; returns the `lua_pcall`
    /// status, with the error message on the stack top on failure.
    static func setUp(_ functions: [LuaFunction], in state: OpaquePointer) -> Int32 {
        let paths = functions.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        let table = zip(functions, paths).map { function, path in
            lyrebird_lua_function(
                path: path, function: function.function, upvalue: function.upvalue, reply_method: function.replyMethod ? 1 : 0)
        }
        return table.withUnsafeBufferPointer { lyrebird_lua_setup(state, $0.baseAddress, $0.count) }
    }
}
