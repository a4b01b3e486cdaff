import CFFI
import CLua
import Foundation

/// One C function bound with libffi. The call interface is prepared once, at load time.
final class NativeFunction: @unchecked Sendable {
    let signature: NativeSignature
    private let address: UnsafeMutableRawPointer
    private let interface: UnsafeMutablePointer<ffi_cif>
    private let cArgumentCount: Int

    init(signature: NativeSignature, address: UnsafeMutableRawPointer, file: String) throws(LuaNativeError) {
        self.signature = signature
        self.address = address
        var types: [UnsafeMutablePointer<ffi_type>?] = []
        for argument in signature.arguments {
            switch argument {
            case .int32: types.append(lyrebird_ffi_type_sint32())
            case .int64: types.append(lyrebird_ffi_type_sint64())
            case .float: types.append(lyrebird_ffi_type_float())
            case .double: types.append(lyrebird_ffi_type_double())
            case .string: types.append(lyrebird_ffi_type_pointer())
            case .bytes: types += [lyrebird_ffi_type_pointer(), lyrebird_ffi_type_uint64()]
            case .void: break
            }
        }
        cArgumentCount = types.count
        // Both live as long as the process: the interface keeps pointing at the type list.
        let typeList = UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>.allocate(capacity: max(1, types.count))
        typeList.initialize(from: types, count: types.count)
        interface = .allocate(capacity: 1)
        let status = ffi_prep_cif(interface, FFI_DEFAULT_ABI, UInt32(types.count), Self.ffiType(signature.result), typeList)
        guard status == FFI_OK else {
            throw LuaNativeError(file: file, message: "\(signature.symbol): libffi cannot prepare the call (status \(status.rawValue))")
        }
    }

    private static func ffiType(_ type: NativeSignature.ValueType) -> UnsafeMutablePointer<ffi_type> {
        switch type {
        case .void: return lyrebird_ffi_type_void()
        case .int32: return lyrebird_ffi_type_sint32()
        case .int64: return lyrebird_ffi_type_sint64()
        case .float: return lyrebird_ffi_type_float()
        case .double: return lyrebird_ffi_type_double()
        case .string, .bytes: return lyrebird_ffi_type_pointer()
        }
    }

    /// Calls with the Lua arguments at stack positions 1...; returns the results for Lua.
    func call(_ state: OpaquePointer) -> Result<LuaValueWriter, NativeCallFailure> {
        let given = Int(lua_gettop(state))
        guard given == signature.arguments.count else {
            return .failure(NativeCallFailure("expects \(signature.arguments.count) arguments, got \(given)"))
        }
        // One 8-byte slot per C argument; strings point into Lua's own copies, which stay on
        // the stack (and so alive) for the whole call.
        let slots = UnsafeMutableRawPointer.allocate(byteCount: max(1, cArgumentCount) * 8, alignment: 8)
        defer { slots.deallocate() }
        let values = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: max(1, cArgumentCount))
        defer { values.deallocate() }
        var slot = 0
        for (position, type) in signature.arguments.enumerated() {
            let index = Int32(position + 1)
            let target = slots + slot * 8
            switch type {
            case .int32, .int64:
                guard lua_isinteger(state, index) != 0 else {
                    return .failure(NativeCallFailure("argument \(index) must be an integer, got \(typeName(state, index))"))
                }
                let value = lyrebird_lua_tointeger(state, index)
                if type == .int32 {
                    guard let narrow = Int32(exactly: value) else {
                        return .failure(NativeCallFailure("argument \(index) does not fit in int32"))
                    }
                    target.storeBytes(of: narrow, as: Int32.self)
                } else {
                    target.storeBytes(of: Int64(value), as: Int64.self)
                }
            case .float, .double:
                guard lua_type(state, index) == LUA_TNUMBER else {
                    return .failure(NativeCallFailure("argument \(index) must be a number, got \(typeName(state, index))"))
                }
                let value = lyrebird_lua_tonumber(state, index)
                if type == .float {
                    target.storeBytes(of: Float(value), as: Float.self)
                } else {
                    target.storeBytes(of: value, as: Double.self)
                }
            case .string, .bytes:
                guard lua_type(state, index) == LUA_TSTRING else {
                    return .failure(NativeCallFailure("argument \(index) must be a string, got \(typeName(state, index))"))
                }
                var length = 0
                let pointer = lua_tolstring(state, index, &length)
                target.storeBytes(of: UnsafeRawPointer(pointer), as: UnsafeRawPointer?.self)
                if type == .bytes {
                    values[slot] = target
                    slot += 1
                    (slots + slot * 8).storeBytes(of: UInt64(length), as: UInt64.self)
                }
            case .void:
                break
            }
            values[slot] = slots + slot * 8
            slot += 1
        }
        // libffi widens small results into a full ffi_arg (8 bytes).
        var result: UInt64 = 0
        withUnsafeMutableBytes(of: &result) { buffer in
            ffi_call(interface, unsafeBitCast(address, to: (@convention(c) () -> Void).self), buffer.baseAddress, values)
        }
        return .success(value(of: result, as: signature.result))
    }

    private func value(of raw: UInt64, as type: NativeSignature.ValueType) -> LuaValueWriter {
        var writer = LuaValueWriter()
        switch type {
        case .void: break
        case .int32: writer.write(.integer(Int64(Int32(truncatingIfNeeded: Int64(bitPattern: raw)))))
        case .int64: writer.write(.integer(Int64(bitPattern: raw)))
        case .float: writer.write(.number(Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))))
        case .double: writer.write(.number(Double(bitPattern: raw)))
        case .string, .bytes:
            if let pointer = UnsafePointer<CChar>(bitPattern: UInt(raw)) {
                // The bytes as they are: Lua strings need not be UTF-8.
                writer.writeString(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
            } else {
                writer.write(.null)
            }
        }
        return writer
    }

    private func typeName(_ state: OpaquePointer, _ index: Int32) -> String {
        String(cString: lua_typename(state, lua_type(state, index)))
    }
}

/// Why a native call was refused.
struct NativeCallFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
