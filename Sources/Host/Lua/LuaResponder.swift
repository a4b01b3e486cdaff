import LyrebirdPluginAPI

/// A fixture's Lua script as a responder: it calls `respond(req, reply)` and turns what the
/// script returned, or drove through `reply`, into reply events.
final class LuaResponder: Responder {
    let name: String
    private let pool: LuaStatePool
    private let store = LuaStore()
    private let streamChunkCharacters: Int

    init(script: LuaScript, environment: LuaEnvironment) throws(LuaScriptError) {
        self.name = "lua:" + script.name
        self.pool = try LuaStatePool(script: script, environment: environment)
        self.streamChunkCharacters = environment.streamChunkCharacters
    }

    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
        let context = LuaCallContext(
            seed: LuaRequestTable.seed(for: request),
            store: store.scope(for: LuaStore.conversation(of: request))
        )
        let table = LuaRequestTable.make(request, parameters: parameters)
        let returned: JSONValue
        do {
            returned = try pool.withState { state throws(LuaScriptError) in try state.call(with: table, context: context) }
        } catch {
            throw ReplyError(status: 500, message: error.description, type: "server_error", code: "lua_error")
        }
        for step in context.steps {
            switch step {
            case .event(let event): await sink.emit(event)
            case .pause(let milliseconds): await sink.pause(milliseconds: milliseconds)
            }
        }
        switch LuaReplyTable.reply(from: returned) {
        case .failure(let problem):
            throw ReplyError(
                status: 500, message: "Lua script \(pool.script.name) returned a bad reply: \(problem.message)", type: "server_error",
                code: "lua_error")
        case .success(.none):
            return
        case .success(.some(.error(let error))):
            await sink.emit(.error(error))
        case .success(.some(.message(let reply))):
            let events = reply.events(chunkCharacters: request.stream ? streamChunkCharacters : nil, makeCallID: Identifiers.toolCallID)
            // A script that drove tool calls itself and also returns some continues their numbering.
            for event in events {
                await sink.emit(event.shiftingToolIndex(by: context.toolCalls))
            }
        }
    }
}

extension ReplyEvent {
    fileprivate func shiftingToolIndex(by offset: Int) -> ReplyEvent {
        guard offset > 0 else { return self }
        switch self {
        case .toolCallStart(let index, let id, let name): return .toolCallStart(index: index + offset, id: id, name: name)
        case .toolCallArguments(let index, let fragment): return .toolCallArguments(index: index + offset, fragment: fragment)
        default: return self
        }
    }
}
