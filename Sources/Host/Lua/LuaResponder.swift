import LyrebirdPluginAPI

/// A fixture's Lua script as a responder: it calls `respond(req, reply)` on one of the host's
/// script threads and turns what the script returned, or drove through `reply`, into reply
/// events.
final class LuaResponder: ScriptResponder {
    /// What one call produced.
    private struct Outcome: Sendable {
        var returned: JSONValue
        var steps: [LuaCallContext.Step]
        var toolCalls: Int
    }

    let name: String
    private let pool: LuaStatePool
    /// The fixture's store; `nil` until a host attaches the responder.
    private let store: LuaStore?
    private let streamChunkCharacters: Int
    /// The host's script threads; `nil` until a host attaches the responder.
    private let threads: ScriptThreadPool?

    init(script: LuaScript, environment: LuaEnvironment) throws(LuaScriptError) {
        self.name = "lua:" + script.name
        self.pool = try LuaStatePool.prepared(script: script, environment: environment)
        self.streamChunkCharacters = environment.streamChunkCharacters
        self.threads = nil
        self.store = nil
    }

    private init(name: String, pool: LuaStatePool, runtime: ScriptRuntime) {
        self.name = name
        self.pool = pool
        self.streamChunkCharacters = runtime.streamChunkCharacters
        self.threads = runtime.threads
        self.store = LuaStore(engine: runtime.store.engine, script: pool.script.name)
    }

    func running(on runtime: ScriptRuntime) -> any Responder {
        LuaResponder(
            name: name, pool: LuaStatePool(script: pool.script, environment: pool.environment.running(on: runtime)), runtime: runtime)
    }

    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
        guard let threads, let store else {
            throw ReplyError(
                status: 500, message: "Lua responder \(name) runs only on a host's script threads, and no host attached it",
                type: "server_error", code: "lua_error")
        }
        let embeddingInputs = request.replyKind == .message ? 0 : request.messages.count
        let table = LuaRequestTable.make(request, parameters: parameters)
        let pool = self.pool
        let result: Result<Outcome, LuaScriptError>
        do {
            result = try await threads.run { cancellation in
                Result { () throws(LuaScriptError) -> Outcome in
                    let context = LuaCallContext(
                        seed: LuaRequestTable.seed(for: request), store: (store, request), embeddingInputs: embeddingInputs,
                        logger: pool.environment.logger, script: pool.script.name)
                    let returned = try pool.withState(cancellation: cancellation) { state throws(LuaScriptError) in
                        try state.call(with: table, context: context, cancellation: cancellation)
                    }
                    return Outcome(returned: returned, steps: context.steps, toolCalls: context.toolCalls)
                }
            }
        } catch {
            throw error.replyError
        }
        let outcome: Outcome
        switch result {
        case .success(let value): outcome = value
        case .failure(let error):
            // The client gets the error and the journal keeps it; whoever runs the server sees it too.
            pool.environment.logger.warning("\(error.description)")
            throw ReplyError(status: 500, message: error.description, type: "server_error", code: "lua_error")
        }
        // Events between two pauses are ready together and go to the sink as one batch.
        var ready: [ReplyEvent] = []
        for step in outcome.steps {
            switch step {
            case .event(let event): ready.append(event)
            case .pause(let milliseconds):
                // A client that went away reads nothing more: the steps left are dropped, not played.
                if Task.isCancelled { return }
                await sink.emit(contentsOf: ready)
                ready.removeAll(keepingCapacity: true)
                await sink.pause(milliseconds: milliseconds)
            }
        }
        if Task.isCancelled { return }
        await sink.emit(contentsOf: ready)
        switch LuaReplyTable.reply(from: outcome.returned) {
        case .failure(let problem):
            pool.environment.logger.warning("Lua script \(pool.script.name) returned a bad reply: \(problem.message)")
            throw ReplyError(
                status: 500, message: "Lua script \(pool.script.name) returned a bad reply: \(problem.message)", type: "server_error",
                code: "lua_error")
        case .success(.none):
            return
        case .success(.some(.error(let error))):
            await sink.emit(.error(error))
        case .success(.some(.message(let reply))):
            guard reply.embeddings.count <= embeddingInputs else {
                throw ReplyError(
                    status: 500,
                    message:
                        "Lua script \(pool.script.name) returned \(reply.embeddings.count) embeddings for a request with \(embeddingInputs) inputs to embed",
                    type: "server_error", code: "lua_error")
            }
            // Vector i embeds input i; the host computes the vectors of the inputs after them.
            let embeddings = reply.embeddings.enumerated().map { ReplyEvent.embedding(index: $0.offset, vector: $0.element) }
            let events = reply.events(chunkCharacters: request.stream ? streamChunkCharacters : nil, makeCallID: Identifiers.toolCallID)
            // A script that drove tool calls itself and also returns some continues their numbering.
            await sink.emit(contentsOf: embeddings + events.map { $0.shiftingToolIndex(by: outcome.toolCalls) })
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
