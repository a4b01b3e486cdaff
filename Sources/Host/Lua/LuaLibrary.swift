import CLua
import CLuaSandbox
import LyrebirdPluginAPI

/// The `lyrebird` global and the `reply` object that scripts get.
///
/// Every function here is a plain Swift function called through the sandbox's trampoline. It
/// reads its arguments with functions that never raise, and hands back its results or its
/// error message with `luaReturn` or `luaFail`: the trampoline pushes them, or raises the
/// error, once this Swift frame has returned.
enum LuaLibrary {
    /// The functions of the `lyrebird` global (json, random, store, native) and the `reply`
    /// object's methods.
    static func functions(natives: LuaNatives) -> [LuaFunction] {
        let library = [
            LuaFunction(path: "lyrebird.json.encode", function: jsonEncode),
            LuaFunction(path: "lyrebird.json.decode", function: jsonDecode),
            LuaFunction(path: "lyrebird.random", function: random),
            LuaFunction(path: "lyrebird.log", function: log),
            LuaFunction(path: "lyrebird.store.get", function: storeGet),
            LuaFunction(path: "lyrebird.store.set", function: storeSet),
            LuaFunction(path: "lyrebird.store.increment", function: storeIncrement),
            LuaFunction(path: "lyrebird.native"),
        ]
        let reply = [
            LuaFunction(path: "text", function: replyText, replyMethod: true),
            LuaFunction(path: "reasoning", function: replyReasoning, replyMethod: true),
            LuaFunction(path: "tool_call", function: replyToolCall, replyMethod: true),
            LuaFunction(path: "tool_call_start", function: replyToolCallStart, replyMethod: true),
            LuaFunction(path: "tool_call_arguments", function: replyToolCallArguments, replyMethod: true),
            LuaFunction(path: "pause", function: replyPause, replyMethod: true),
            LuaFunction(path: "error", function: replyError, replyMethod: true),
            LuaFunction(path: "finish", function: replyFinish, replyMethod: true),
            LuaFunction(path: "usage", function: replyUsage, replyMethod: true),
            LuaFunction(path: "embedding", function: replyEmbedding, replyMethod: true),
        ]
        return library + natives.functions + reply
    }
}

// MARK: lyrebird.json

private func jsonEncode(_ state: OpaquePointer?) -> Int32 {
    guard let state else { return 0 }
    do {
        return luaReturn(state, .string(try LuaValues.json(at: 1, in: state).serialized))
    } catch {
        return luaFail(state, "lyrebird.json.encode: the value is \(error.description)")
    }
}

private func jsonDecode(_ state: OpaquePointer?) -> Int32 {
    guard let state else { return 0 }
    guard let text = LuaValues.string(at: 1, in: state) else { return luaFail(state, "lyrebird.json.decode expects a string") }
    do {
        return luaReturn(state, try JSONValue.parse(text))
    } catch {
        return luaFail(state, "lyrebird.json.decode: \(error.message)")
    }
}

// MARK: lyrebird.random

private func random(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    let arguments = lua_gettop(state)
    let unit = context.random.unit()
    if arguments == 0 { return luaReturn(state, .number(unit)) }
    guard lua_isinteger(state, 1) != 0, arguments == 1 || lua_isinteger(state, 2) != 0 else {
        return luaFail(state, "lyrebird.random expects no arguments, (n) or (m, n) with integers")
    }
    let low = arguments == 1 ? 1 : Int64(lyrebird_lua_tointeger(state, 1))
    let high = Int64(lyrebird_lua_tointeger(state, arguments == 1 ? 1 : 2))
    guard low <= high else { return luaFail(state, "lyrebird.random: the interval is empty") }
    let (width, overflow) = high.subtractingReportingOverflow(low)
    guard !overflow, width < Int64(1) << 53 else { return luaFail(state, "lyrebird.random: the interval is too wide") }
    return luaReturn(state, .integer(low + Int64(unit * Double(width + 1))))
}

// MARK: lyrebird.log

/// `lyrebird.log(...)`: its arguments as text (tables as JSON), joined by spaces, to the host's log.
private func log(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    var parts: [String] = []
    for index in 1...max(1, lua_gettop(state)) {
        switch lua_type(state, index) {
        case LUA_TNONE, LUA_TNIL: parts.append("nil")
        case LUA_TSTRING: parts.append(LuaValues.string(at: index, in: state) ?? "")
        default:
            guard let value = try? LuaValues.json(at: index, in: state) else {
                return luaFail(state, "lyrebird.log: an argument is too large")
            }
            parts.append(value.serialized)
        }
    }
    context.log(parts.joined(separator: " "))
    return 0
}

// MARK: lyrebird.store

/// Why a `lyrebird.store` call is refused before it reads or writes.
private struct StoreRefusal: Error {
    let message: String
}

/// The store partition a `lyrebird.store` function names in its argument `index` (a string,
/// `conversation` when absent), or why the call is refused.
private func storeScope(_ function: String, argument index: Int32, in state: OpaquePointer) -> Result<LuaStore.Scope, StoreRefusal> {
    let unavailable = StoreRefusal(message: "lyrebird.store is only available to responders")
    guard let context = LuaCallContext.current(in: state) else { return .failure(unavailable) }
    var partition = LuaStore.Partition.conversation
    if lua_type(state, index) > LUA_TNIL {
        let names = LuaStore.Partition.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
        guard let name = LuaValues.string(at: index, in: state), let named = LuaStore.Partition(rawValue: name) else {
            return .failure(StoreRefusal(message: "lyrebird.store.\(function): the scope must be \(names)"))
        }
        partition = named
    }
    return context.store(partition).map { .success($0) } ?? .failure(unavailable)
}

private func storeGet(_ state: OpaquePointer?) -> Int32 {
    guard let state else { return 0 }
    guard let key = LuaValues.string(at: 1, in: state) else { return luaFail(state, "lyrebird.store.get expects a string key") }
    switch storeScope("get", argument: 2, in: state) {
    case .failure(let failure): return luaFail(state, failure.message)
    case .success(let store):
        do {
            return luaReturn(state, try store.get(key) ?? .null)
        } catch {
            return luaFail(state, "lyrebird.store.get: \(error.description)")
        }
    }
}

private func storeIncrement(_ state: OpaquePointer?) -> Int32 {
    guard let state else { return 0 }
    guard let key = LuaValues.string(at: 1, in: state) else { return luaFail(state, "lyrebird.store.increment expects a string key") }
    let delta: JSONValue
    switch lua_type(state, 2) {
    case LUA_TNONE, LUA_TNIL: delta = .integer(1)
    case LUA_TNUMBER:
        delta = lua_isinteger(state, 2) != 0 ? .integer(Int64(lyrebird_lua_tointeger(state, 2))) : .number(lyrebird_lua_tonumber(state, 2))
    default: return luaFail(state, "lyrebird.store.increment: the amount must be a number")
    }
    let store: LuaStore.Scope
    switch storeScope("increment", argument: 3, in: state) {
    case .failure(let failure): return luaFail(state, failure.message)
    case .success(let found): store = found
    }
    do {
        return luaReturn(state, try store.increment(key, by: delta))
    } catch {
        return luaFail(state, "lyrebird.store.increment: \(error.description)")
    }
}

private func storeSet(_ state: OpaquePointer?) -> Int32 {
    guard let state else { return 0 }
    guard let key = LuaValues.string(at: 1, in: state) else { return luaFail(state, "lyrebird.store.set expects a string key") }
    let store: LuaStore.Scope
    switch storeScope("set", argument: 3, in: state) {
    case .failure(let failure): return luaFail(state, failure.message)
    case .success(let found): store = found
    }
    let value: JSONValue
    do {
        var bytes = 0
        value = try LuaValues.json(at: 2, in: state, cost: &bytes)
    } catch {
        return luaFail(state, "lyrebird.store.set: the value is \(error.description)")
    }
    do {
        try store.set(key, value)
        return 0
    } catch {
        return luaFail(state, "lyrebird.store.set: \(error.description)")
    }
}

// MARK: reply

/// Adds `steps` to the reply; `false` once the reply would outgrow the state's memory cap (it
/// is host memory until it is sent).
private func add(_ steps: LuaCallContext.Step..., bytes: Int, to context: LuaCallContext, in state: OpaquePointer) -> Bool {
    context.add(steps, bytes: bytes, in: state)
}

private func replyTooLarge(_ state: OpaquePointer) -> Int32 {
    luaFail(
        state, "reply: the reply and the script's memory together pass lua_memory_limit_bytes (\(lyrebird_lua_memory_limit(state)) bytes)")
}

private func replyText(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    guard let text = LuaValues.string(at: 2, in: state) else { return luaFail(state, "reply:text expects a string") }
    guard add(.event(.text(text)), bytes: text.utf8.count, to: context, in: state) else { return replyTooLarge(state) }
    return 0
}

private func replyReasoning(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    guard let text = LuaValues.string(at: 2, in: state) else { return luaFail(state, "reply:reasoning expects a string") }
    guard add(.event(.reasoning(text)), bytes: text.utf8.count, to: context, in: state) else { return replyTooLarge(state) }
    return 0
}

/// `reply:tool_call(name, arguments [, id])`: a whole call; arguments are a table or JSON text.
private func replyToolCall(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    guard let name = LuaValues.string(at: 2, in: state) else { return luaFail(state, "reply:tool_call expects a tool name") }
    let arguments: String
    do {
        arguments =
            lua_type(state, 3) == LUA_TSTRING
            ? LuaValues.string(at: 3, in: state) ?? "{}" : try LuaValues.json(at: 3, in: state).serializedArguments
    } catch {
        return luaFail(state, "reply:tool_call: the arguments are \(error.description)")
    }
    let index = context.toolCalls
    let start = ReplyEvent.toolCallStart(index: index, id: LuaValues.string(at: 4, in: state) ?? Identifiers.toolCallID(), name: name)
    guard
        add(
            .event(start), .event(.toolCallArguments(index: index, fragment: arguments)), bytes: name.utf8.count + arguments.utf8.count,
            to: context, in: state)
    else {
        return replyTooLarge(state)
    }
    context.toolCalls += 1
    return luaReturn(state, .integer(Int64(index)))
}

private func replyToolCallStart(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    guard let name = LuaValues.string(at: 2, in: state) else { return luaFail(state, "reply:tool_call_start expects a tool name") }
    let index = context.toolCalls
    let start = ReplyEvent.toolCallStart(index: index, id: LuaValues.string(at: 3, in: state) ?? Identifiers.toolCallID(), name: name)
    guard add(.event(start), bytes: name.utf8.count, to: context, in: state) else { return replyTooLarge(state) }
    context.toolCalls += 1
    return luaReturn(state, .integer(Int64(index)))
}

private func replyToolCallArguments(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    guard lua_isinteger(state, 2) != 0, let fragment = LuaValues.string(at: 3, in: state) else {
        return luaFail(state, "reply:tool_call_arguments expects (index, fragment)")
    }
    let index = Int(lyrebird_lua_tointeger(state, 2))
    guard (0..<context.toolCalls).contains(index) else {
        return luaFail(state, "reply:tool_call_arguments: no tool call with index \(index) was started")
    }
    guard add(.event(.toolCallArguments(index: index, fragment: fragment)), bytes: fragment.utf8.count, to: context, in: state) else {
        return replyTooLarge(state)
    }
    return 0
}

/// The longest one `reply:pause` may be, in milliseconds.
private let maximumPause = 60_000

private func replyPause(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    let milliseconds = lyrebird_lua_tonumber(state, 2)
    guard lua_type(state, 2) == LUA_TNUMBER, milliseconds.isFinite else { return luaFail(state, "reply:pause expects milliseconds") }
    guard (0...Double(maximumPause)).contains(milliseconds) else {
        return luaFail(state, "reply:pause: \(milliseconds) ms is outside 0 to \(maximumPause) ms, the longest one pause may be")
    }
    guard add(.pause(milliseconds: Int(milliseconds)), bytes: 0, to: context, in: state) else {
        return replyTooLarge(state)
    }
    return 0
}

private func replyError(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    guard let error = LuaReplyTable.error(from: (try? LuaValues.json(at: 2, in: state)) ?? .null) else {
        return luaFail(state, "reply:error expects {status = ..., message = ...}")
    }
    guard add(.event(.error(error)), bytes: error.message.utf8.count, to: context, in: state) else { return replyTooLarge(state) }
    return 0
}

private func replyFinish(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    let name = LuaValues.string(at: 2, in: state)
    let reason = name.flatMap(FinishReason.init(rawValue:)) ?? (context.toolCalls > 0 ? .toolCalls : .stop)
    if let name, FinishReason(rawValue: name) == nil { return luaFail(state, "reply:finish: unknown finish reason '\(name)'") }
    guard add(.event(.finish(reason)), bytes: 0, to: context, in: state) else { return replyTooLarge(state) }
    return 0
}

private func replyUsage(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    guard let usage = LuaReplyTable.usage(from: (try? LuaValues.json(at: 2, in: state)) ?? .null) else {
        return luaFail(state, "reply:usage expects {prompt_tokens = ..., completion_tokens = ...}")
    }
    guard add(.event(.usage(usage)), bytes: 0, to: context, in: state) else { return replyTooLarge(state) }
    return 0
}

/// `reply:embedding(index, vector)`: the vector of input `index`, counted from 1 as in
/// `req.messages`.
private func replyEmbedding(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = LuaCallContext.current(in: state) else { return 0 }
    guard lua_isinteger(state, 2) != 0 else { return luaFail(state, "reply:embedding expects (index, vector)") }
    let index = Int(lyrebird_lua_tointeger(state, 2))
    guard index >= 1, index <= context.embeddingInputs else {
        return luaFail(state, "reply:embedding: the request has \(context.embeddingInputs) inputs to embed, so there is no input \(index)")
    }
    let value: JSONValue
    do {
        value = try LuaValues.json(at: 3, in: state)
    } catch {
        return luaFail(state, "reply:embedding: the vector is \(error.description)")
    }
    guard let vector = LuaReplyTable.vector(from: value) else {
        return luaFail(state, "reply:embedding: the vector \(LuaReplyTable.vectorRule)")
    }
    guard add(.event(.embedding(index: index - 1, vector: vector)), bytes: vector.count * 8, to: context, in: state) else {
        return replyTooLarge(state)
    }
    return 0
}

extension JSONValue {
    /// Tool arguments as JSON text: an empty Lua table is `{}`.
    var serializedArguments: String {
        if case .null = self { return "{}" }
        return serialized
    }
}
