import CFFI
import CLua
import CLuaSandbox
import Foundation

/// Plain C functions from extension libraries, bound with libffi and callable from Lua as
/// `lyrebird.native.<library>.<function>(...)`.
///
/// An extension exports `const char *lyrebird_lua_manifest(void)`, which returns one line per
/// function: its symbol and its signature, for example `haversine_km double(double,double,double,double)`.
/// Types: `int32`, `int64`, `float`, `double`, `string` (a NUL-terminated `const char *`),
/// `bytes` (an argument only: passed as `const void *data, size_t length`) and `void` (a
/// return type only).
public final class LuaNatives: Sendable {
    /// The libraries, by the name scripts use.
    let libraries: [String: [NativeFunction]]

    /// No native libraries.
    public static let none = LuaNatives(libraries: [:])

    init(libraries: [String: [NativeFunction]]) {
        self.libraries = libraries
    }

    /// Loads extension libraries; `extensions` maps the name scripts use to the library path.
    ///
    /// - Throws: `LuaNativeError` naming the file and the function for a library that does not
    ///   load, has no manifest, or lists an unknown type or a missing symbol.
    public static func load(_ extensions: [(name: String, path: String)]) throws(LuaNativeError) -> LuaNatives {
        var libraries: [String: [NativeFunction]] = [:]
        for (name, path) in extensions {
            guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
                throw LuaNativeError(file: path, message: "cannot load: \(String(cString: dlerror()))")
            }
            guard let manifestSymbol = dlsym(handle, "lyrebird_lua_manifest") else {
                throw LuaNativeError(file: path, message: "no lyrebird_lua_manifest function: not a Lyrebird Lua extension")
            }
            typealias Manifest = @convention(c) () -> UnsafePointer<CChar>?
            guard let text = unsafeBitCast(manifestSymbol, to: Manifest.self)() else {
                throw LuaNativeError(file: path, message: "lyrebird_lua_manifest returned NULL")
            }
            var functions: [NativeFunction] = []
            for line in String(cString: text).split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let signature = try NativeSignature(parsing: String(line), file: path)
                guard let symbol = dlsym(handle, signature.symbol) else {
                    throw LuaNativeError(file: path, message: "the manifest lists \(signature.symbol), but the library does not export it")
                }
                functions.append(try NativeFunction(signature: signature, address: symbol, file: path))
            }
            libraries[name] = functions
        }
        return LuaNatives(libraries: libraries)
    }

    /// Every function as `lyrebird.native.<library>.<function>`.
    var functions: [LuaFunction] {
        libraries.flatMap { library, functions in
            functions.map { function in
                LuaFunction(
                    path: "lyrebird.native.\(library).\(function.signature.symbol)", function: callNative,
                    upvalue: Unmanaged.passUnretained(function).toOpaque())
            }
        }
    }
}

/// An extension library that cannot be used.
public struct LuaNativeError: Error, Sendable, CustomStringConvertible {
    /// The library or manifest at fault.
    public var file: String
    /// What is wrong with it.
    public var message: String
    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}

/// The Lua-facing call: checks and converts the arguments, calls through libffi, converts the result.
private func callNative(_ state: OpaquePointer?) -> Int32 {
    guard let state, let pointer = lyrebird_lua_upvalue(state) else { return 0 }
    let function = Unmanaged<NativeFunction>.fromOpaque(pointer).takeUnretainedValue()
    switch function.call(state) {
    case .success(let result): return luaReturn(state, result)
    case .failure(let failure): return luaFail(state, "native \(function.signature.symbol): \(failure.message)")
    }
}
