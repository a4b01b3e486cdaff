import Foundation
import Logging
import LyrebirdPluginAPI

/// The one way every request takes: decode, choose a reply, produce its events, pace them,
/// encode, record.
///
/// It never knows which wire format it serves; the provider translates at both ends. A fixed
/// reply is produced without a task or a channel, and a stream whose events are all ready is
/// encoded into one body.
struct Pipeline: Sendable {
    let fixtures: FixtureStore
    let responders: [String: any Responder]
    let journal: Journal
    let strict: Bool
    let defaultReply: PreparedReply
    let streamChunkCharacters: Int
    /// Where matching runs when a fixture has a Lua predicate.
    let scripts: ScriptThreadPool
    /// Model ids the configuration names (`settings.models`).
    let configuredModels: [String]
    /// Models the providers offer.
    let providerModels: [ModelListing]
    /// Generates and checks replies for requests with a JSON response format.
    let structuredOutput: StructuredOutput
    /// Checks each request's key and counts it against its plan.
    let quotas: QuotaStage
    /// The time replies are stamped with and the journal records.
    let clock: HostClock
    /// Decides each reply's fault and timing.
    let faults: FaultStage

    init(
        fixtures: FixtureStore, responders: [String: any Responder], journal: Journal, strict: Bool, defaultReply: String,
        streamChunkCharacters: Int, scripts: ScriptThreadPool, configuredModels: [String], providerModels: [ModelListing],
        quotas: QuotaStage, faults: FaultStage, logger: Logger
    ) {
        self.quotas = quotas
        self.faults = faults
        self.clock = quotas.ledger.clock
        self.scripts = scripts
        self.configuredModels = configuredModels
        self.providerModels = providerModels
        self.fixtures = fixtures
        self.responders = responders
        self.journal = journal
        self.strict = strict
        self.defaultReply = PreparedReply(StaticReply(content: defaultReply), streamChunkCharacters: streamChunkCharacters)
        self.structuredOutput = StructuredOutput(
            defaultReply: self.defaultReply, defaultText: defaultReply, streamChunkCharacters: streamChunkCharacters, logger: logger)
        self.streamChunkCharacters = streamChunkCharacters
    }

    /// What the HTTP transport sends back.
    enum Outcome: Sendable {
        /// One whole response.
        case whole(WireResponse)
        /// A stream whose events are still to come.
        case stream(ReplyStream<BodyEncoding>)
        /// A whole response the fault stage breaks on its way out.
        case faulted(WireResponse, WholeFault)
        /// No response: the fault stage closes the connection.
        case dropped(reason: String)
        /// A body written as its parts come, until it ends or the client goes away (the admin
        /// API's live journal).
        case live(contentType: String, JournalStreams.Stream)
    }

    /// What the WebSocket transport sends back for one request.
    enum FrameOutcome: Sendable {
        /// The request failed before its reply began: one error message, in the connection's shape.
        case failed(ReplyError)
        /// The reply's messages, still to come.
        case stream(ReplyStream<FrameEncoding>)
        /// The fault stage closes the connection without a close frame.
        case dropped(reason: String)
        /// The fault stage closes the connection with this close frame.
        case closed(code: UInt16, reason: String)
    }

    /// The headers every streamed reply carries.
    static let streamHeaders = [Header(name: "cache-control", value: "no-cache")]

    /// One request on its way: what the journal will say of it, and the facts every encoder of
    /// its reply agrees on.
    private struct Run {
        let journal: Journal
        var entry: JournalEntry
        let started: ContinuousClock.Instant
        var context: ReplyContext
        /// What the quota stage let in, to settle when the reply ends.
        var ticket: QuotaTicket?

        /// - Parameter now: The host's clock, which replies are stamped with; the journal keeps
        ///   the real time, so that the waits it shows are the client's.
        /// - Parameter arrival: When the request reached the host, if the connection said so;
        ///   else now.
        init(
            _ wire: WireRequest, provider: any Provider, requestID: String, journal: Journal, now: Double,
            arrival: ContinuousClock.Instant? = nil
        ) {
            started = arrival ?? ContinuousClock.now
            self.journal = journal
            entry = JournalEntry(
                requestID: requestID, time: Date().timeIntervalSince1970, method: wire.method.rawValue, path: wire.path,
                provider: provider.name,
                plugin: Pipeline.plugin(of: provider), status: 200, streamed: false, durationMilliseconds: 0
            )
            entry.apiKey = wire.apiKey
            entry.traceParent = wire.header("traceparent")
            entry.requestBody = JournalEntry.excerpt(wire.body)
            context = ReplyContext.fresh(requestID: requestID, created: now)
        }

        /// Journals the request, with the reply's body and usage when they are known, and
        /// settles its quota ticket with the usage's tokens.
        func record(status: Int, error: String? = nil, usage: Usage? = nil, reply: [UInt8] = []) {
            var finished = entry.finished(status: status, error: error, startedAt: started)
            finished.reply = JournalEntry.excerpt(reply)
            finished.usage = usage
            journal.record(finished)
            ticket?.finish(tokens: usage?.totalTokens ?? 0)
        }

        /// What a stream calls when it ends: the journal entry as it stands now, and the ticket.
        var onStreamEnd: @Sendable (_ end: ReplyStreamEnd) -> Void {
            let journal = self.journal
            let entry = self.entry
            let started = self.started
            let ticket = self.ticket
            return { end in
                var finished = entry.finished(status: 200, error: end.error, startedAt: started)
                finished.reply = end.text.isEmpty ? nil : end.text
                finished.usage = end.usage
                finished.replyWrites = end.writes
                journal.record(finished)
                ticket?.finish(tokens: end.usage?.totalTokens ?? 0)
            }
        }

        /// Lets the quota stage decide: `nil` to go on (with the ticket kept), else the refusal,
        /// noted in the entry for the journal.
        mutating func admit(through quotas: QuotaStage, _ wire: WireRequest, provider: any Provider) -> QuotaStage.Refused? {
            switch quotas.admit(key: entry.apiKey, provider: provider) {
            case .pass:
                return nil
            case .admitted(let ticket):
                self.ticket = ticket
                return nil
            case .refused(let refused):
                entry.retryAfterMilliseconds = refused.error.retryAfterMilliseconds
                entry.context = wire.contextID
                entry.source = QuotaStage.source
                return refused
            }
        }

        /// The response to a request the quota stage refused, journaled.
        func response(to refused: QuotaStage.Refused, from quotas: QuotaStage, provider: any Provider) -> WireResponse {
            let response = quotas.response(to: refused, provider: provider, context: context)
            record(status: response.status, error: refused.error.message, reply: response.body)
            return response
        }
    }

    /// A reply under way: its events, their schedule, and what the fault stage does to it.
    private struct Reply {
        let feed: EventFeed
        var pacer: Pacer?
        var fault: Fault?
        var timing: ReplyTiming?
    }

    /// An error response in the provider's shape; one the fault stage made reads as a real
    /// provider's transient failure: the client's own retry rules apply (no `x-should-retry:
    /// false`, which fixtures' errors carry), and a wait comes as `retry-after` too.
    private static func encode(
        _ error: ReplyError, for request: CanonicalRequest, by provider: any Provider, context: ReplyContext, fault: Fault?
    ) -> WireResponse {
        var response = provider.encode(error, for: request, context: context)
        guard let fault else { return response }
        switch fault.kind {
        case .error, .streamError: break
        default: return response
        }
        response.headers.removeAll { $0.name.lowercased() == "x-should-retry" && $0.value == "false" }
        if let wait = error.retryAfterMilliseconds, !response.headers.contains(where: { $0.name.lowercased() == "retry-after" }) {
            response.headers.append(Header(name: "retry-after", value: String((wait + 999) / 1000)))
        }
        return response
    }

    /// The longest a hang lasts before the connection closes, when the fault gives no time.
    static let longestHang: Duration = .seconds(600)

    func handle(_ wire: WireRequest, route: ProviderRoute, provider: any Provider, requestID: String) async -> Outcome {
        var run = Run(
            wire, provider: provider, requestID: requestID, journal: journal, now: clock.now(),
            arrival: RequestArrival.instant(wire.header(RequestArrival.header)))
        if let refused = run.admit(through: quotas, wire, provider: provider) {
            return .whole(run.response(to: refused, from: quotas, provider: provider))
        }
        let outcome = await reply(to: wire, route: route, provider: provider, run: &run)
        guard let headers = run.ticket?.headers else { return outcome }
        switch outcome {
        case .whole(var response):
            response.headers += headers
            return .whole(response)
        case .stream(let stream):
            stream.headers += headers
            return .stream(stream)
        case .faulted(var response, let fault):
            response.headers += headers
            return .faulted(response, fault)
        case .dropped, .live:
            return outcome
        }
    }

    /// The reply to a request the quota stage let in.
    private func reply(to wire: WireRequest, route: ProviderRoute, provider: any Provider, run: inout Run) async -> Outcome {
        guard route.transports.contains(.http) || route.transports.contains(.sse) else {
            let error = ReplyError(
                status: 426,
                message: "\(wire.method.rawValue) \(route.path) takes WebSocket connections only; connect with a WebSocket client.",
                type: "invalid_request_error", code: "websocket_required")
            run.record(status: error.status, error: error.message)
            var response = provider.encode(error, for: nil, context: run.context)
            response.headers.append(Header(name: "upgrade", value: "websocket"))
            return .whole(response)
        }
        let request: CanonicalRequest
        do {
            await provider.prepare(wire, route: route)
            request = try decode(wire, route: route, provider: provider, run: &run)
        } catch {
            return .whole(provider.encode(error, for: nil, context: run.context))
        }
        if request.stream && !route.transports.contains(.sse) {
            let error = ReplyError.invalidParameter(
                "stream", "\(wire.method.rawValue) \(route.path) does not stream; send the request without 'stream': true.",
                code: "stream_not_supported")
            run.record(status: error.status, error: error.message)
            return .whole(provider.encode(error, for: nil, context: run.context))
        }
        if !request.stream && !route.transports.contains(.http) {
            let error = ReplyError.invalidParameter(
                "stream", "\(wire.method.rawValue) \(route.path) only streams; send the request with 'stream': true.",
                code: "stream_required")
            run.record(status: error.status, error: error.message)
            return .whole(provider.encode(error, for: nil, context: run.context))
        }

        var reply = await startReply(for: request, run: &run)
        if let reason = await dropped(reply, run: run, webSocket: false) { return .dropped(reason: reason) }
        await waitForHeaders(reply.timing, run: run)
        guard request.stream else {
            var deadline: ContinuousClock.Instant?
            if case .disconnect(.afterMilliseconds(let milliseconds)) = reply.fault?.kind {
                deadline = run.started + .milliseconds(milliseconds)
            }
            guard var response = await wholeReply(reply, for: request, provider: provider, run: run, deadline: deadline) else {
                return .dropped(reason: "the fault stage closed the connection before the reply was ready")
            }
            switch reply.fault?.kind {
            case .malformedJSON:
                response.body = Array(response.body.prefix(max(1, response.body.count / 2)))
                return .whole(response)
            case .disconnect(.afterEvents), .truncate:
                return .faulted(response, .cut(afterBytes: response.body.count / 2))
            case .splitEvents(let split):
                return .faulted(response, .split(split))
            default:
                return .whole(response)
            }
        }
        let first: (event: ReplyEvent, due: ContinuousClock.Instant?)
        switch await firstEvent(of: &reply) {
        case .success(let event):
            first = event
        case .failure(let error):
            // An error before the first event becomes an ordinary error response: the SDKs check
            // the status before they read a stream.
            run.record(status: error.status, error: error.message)
            return .whole(Self.encode(error, for: request, by: provider, context: run.context, fault: reply.fault))
        }
        let streamFault = reply.fault.flatMap { StreamFault($0, start: run.started) }
        let stream = ReplyStream(
            encoder: BodyEncoding(encoder: provider.makeStreamEncoder(for: request, context: run.context)), feed: reply.feed,
            pacer: reply.pacer, first: first, choiceCount: request.choiceCount, fault: streamFault, startedAt: run.started,
            onEnd: run.onStreamEnd
        )
        if reply.feed.isComplete && reply.pacer == nil && streamFault == nil {
            // Every event is ready: the whole stream is one body, sent in one write.
            let body = await stream.next() ?? []
            return .whole(WireResponse(status: 200, headers: stream.headers, contentType: stream.contentType, body: body))
        }
        return .stream(stream)
    }

    /// Handles one request that arrived as a WebSocket message: `wire` carries the request body
    /// the message held, and the reply is always streamed, as messages shaped by `shape`. The
    /// journal records it with the method `WEBSOCKET`.
    func handleMessage(_ wire: WireRequest, route: ProviderRoute, provider: any Provider, requestID: String, shape: FrameShape) async
        -> FrameOutcome
    {
        var run = Run(wire, provider: provider, requestID: requestID, journal: journal, now: clock.now())
        run.entry.method = "WEBSOCKET"
        if let refused = run.admit(through: quotas, wire, provider: provider) {
            // A WebSocket message has no headers: the error message says it all.
            run.record(status: refused.error.status, error: refused.error.message)
            return .failed(refused.error)
        }
        let request: CanonicalRequest
        do {
            await provider.prepare(wire, route: route)
            request = try decode(wire, route: route, provider: provider, run: &run)
        } catch {
            return .failed(error)
        }
        run.entry.streamed = true
        var reply = await startReply(for: request, run: &run)
        if case .webSocketClose(let code, let reason) = reply.fault?.kind {
            reply.feed.cancel()
            run.record(status: 0, error: "the fault stage closed the connection with code \(code)")
            return .closed(code: code, reason: reason)
        }
        if let reason = await dropped(reply, run: run, webSocket: true) { return .dropped(reason: reason) }
        switch await firstEvent(of: &reply) {
        case .success(let first):
            let encoding = FrameEncoding(encoder: provider.makeFrameEncoder(for: request, context: run.context), shape: shape)
            return .stream(
                ReplyStream(
                    encoder: encoding, feed: reply.feed, pacer: reply.pacer, first: first, choiceCount: request.choiceCount,
                    fault: reply.fault.flatMap { StreamFault($0, start: run.started) }, startedAt: run.started,
                    onEnd: run.onStreamEnd))
        case .failure(let error):
            run.record(status: error.status, error: error.message)
            return .failed(error)
        }
    }

    /// Decodes `wire` and notes what the journal and the encoders need of the request; a
    /// failure is journaled.
    private func decode(_ wire: WireRequest, route: ProviderRoute, provider: any Provider, run: inout Run) throws(ReplyError)
        -> CanonicalRequest
    {
        let request: CanonicalRequest
        do {
            request = try provider.decode(wire, route: route)
        } catch {
            run.record(status: error.status, error: error.message)
            throw error
        }
        run.context.model = request.model
        run.context.promptTokens = TokenCounter.promptTokens(request)
        run.entry.operation = request.operation
        run.entry.model = request.model
        run.entry.streamed = request.stream
        return request
    }

    /// Chooses the reply's source, lets the fault stage decide its fault and timing, and
    /// starts producing its events.
    private func startReply(for request: CanonicalRequest, run: inout Run) async -> Reply {
        let choice = await chooseSource(for: request)
        run.entry.source = choice.name
        run.entry.context = request.contextID
        var source = choice.source
        var fault: Fault?
        var timing = choice.timing
        var random = SeededRandom(seed: 0)
        switch faults.decide(request, fixtureFault: choice.fault, fixtureKey: choice.faultKey, fixtureTiming: choice.timing) {
        case .success(let decision):
            (fault, timing, random) = (decision.fault, decision.timing, decision.random)
            run.entry.faults = decision.notes
        case .failure(let error):
            source = .error(error)
        }
        if let fault { source = faulted(source, by: fault, streamed: request.stream) }
        // A JSON response format: a reply without text gets a generated document, fixed text is checked.
        let shaped = structuredOutput.shape(source, from: choice.name, for: request)
        run.entry.warnings = choice.warnings + shaped.warnings
        run.entry.nearMisses = choice.nearMisses
        return Reply(
            feed: events(of: shaped.source, for: request, promptTokens: run.context.promptTokens, chunk: timing?.chunk),
            pacer: timing.map { Pacer($0, start: run.started, random: random) }, fault: fault, timing: timing)
    }

    /// The source a fault puts in place of the reply's: its error, or a refusal.
    private func faulted(_ source: ReplySource, by fault: Fault, streamed: Bool) -> ReplySource {
        switch fault.kind {
        case .error(let error): return .error(error)
        case .streamError(let error, _) where !streamed: return .error(error)
        case .refusal(let text):
            // The fixture's own text, when the fault gives none, cut short by the filter.
            var refusal = StaticReply(content: text)
            if text == nil, case .prepared(let prepared) = source { refusal.content = prepared.reply.content }
            refusal.finishReason = .contentFilter
            return .prepared(PreparedReply(refusal, streamChunkCharacters: streamChunkCharacters))
        default: return source
        }
    }

    /// For a fault that ends the request before any response (a hang, a disconnect before the
    /// headers), waits as it says and journals it; the reason, or `nil` for any other fault.
    private func dropped(_ reply: Reply, run: Run, webSocket: Bool) async -> String? {
        let reason: String
        switch reply.fault?.kind {
        case .hang(let milliseconds):
            reply.feed.cancel()
            try? await Task.sleep(for: milliseconds.map { .milliseconds($0) } ?? Self.longestHang)
            reason =
                Task.isCancelled
                ? "the fault stage hung until the client gave up" : "the fault stage hung, then closed the connection"
        case .disconnect(.beforeHeaders):
            reason = "the fault stage closed the connection before the \(webSocket ? "reply" : "headers")"
        case .webSocketClose(let code, _) where !webSocket:
            reason = "the fault stage closed the connection before the headers (a WebSocket close \(code) on HTTP)"
        default:
            return nil
        }
        reply.feed.cancel()
        run.record(status: 0, error: reason)
        return reason
    }

    /// Waits until the timing lets the response's headers leave.
    private func waitForHeaders(_ timing: ReplyTiming?, run: Run) async {
        guard let latency = timing?.headerLatencyMilliseconds, latency > 0 else { return }
        try? await Task.sleep(until: run.started + .milliseconds(latency), clock: .continuous)
    }

    /// The reply to a request that does not stream, as one response; journaled. With a
    /// `deadline` before the reply would be ready, `nil` at the deadline (the fault stage
    /// closes the connection).
    private func wholeReply(
        _ reply: Reply, for request: CanonicalRequest, provider: any Provider, run: Run, deadline: ContinuousClock.Instant? = nil
    ) async -> WireResponse? {
        var pacer = reply.pacer
        let feed = reply.feed
        var choice = CompletedReply.Choice(index: 0)
        var usage = Usage(promptTokens: run.context.promptTokens, completionTokens: 0)
        var embeddings: [Int: [Double]] = [:]
        var failure: ReplyError?
        while failure == nil, let event = await feed.next() {
            _ = pacer?.due(event)
            switch event {
            case .error(let error): failure = error
            case .usage(let reported): usage = reported
            case .embedding(let index, let vector): embeddings[index] = vector
            default: choice.apply(event)
            }
        }
        if let deadline, deadline < pacer?.end ?? .now {
            try? await Task.sleep(until: deadline, clock: .continuous)
            run.record(status: 0, error: "the fault stage closed the connection before the reply was ready")
            return nil
        }
        if let end = pacer?.end { try? await Task.sleep(until: end, clock: .continuous) }
        if let failure {
            feed.cancel()
            let response = Self.encode(failure, for: request, by: provider, context: run.context, fault: reply.fault)
            run.record(status: failure.status, error: failure.message, reply: response.body)
            return response
        }
        let choices = (0..<request.choiceCount).map { index -> CompletedReply.Choice in
            var copy = choice
            copy.index = index
            return copy
        }
        let completed = CompletedReply(choices: choices, usage: usage, embeddings: Self.embeddings(embeddings, for: request))
        let response = provider.encode(completed, for: request, context: run.context)
        // An encoder may still refuse the reply: OpenAI's, when its log probabilities would
        // pass their limit.
        run.record(
            status: response.status, error: response.status >= 400 ? Self.errorMessage(in: response) : nil,
            usage: usage, reply: response.body)
        return response
    }

    /// The message of an error response, read from the error shapes providers use
    /// (`{"error": {"message": ...}}` or `{"error": "..."}`).
    private static func errorMessage(in response: WireResponse) -> String {
        let error = (try? JSONValue.parse(response.body))?["error"]
        return error?["message"]?.stringValue ?? error?.stringValue ?? "answered \(response.status)"
    }

    /// The first event of a streamed reply, with the time it may leave; an error in its place
    /// (or no event at all) ends the reply, after the time the error was due.
    private func firstEvent(of reply: inout Reply) async -> Result<(event: ReplyEvent, due: ContinuousClock.Instant?), ReplyError> {
        guard let first = await reply.feed.next() else {
            return .failure(ReplyError(status: 500, message: "the responder produced no reply", type: "server_error"))
        }
        let due = reply.pacer?.due(first)
        if case .error(let error) = first {
            if let due { try? await Task.sleep(until: due, clock: .continuous) }
            reply.feed.cancel()
            return .failure(error)
        }
        return .success((first, due))
    }

    /// Has a provider answer a route it owns, and journals it.
    func answer(_ wire: WireRequest, route: ProviderRoute, provider: any Provider, requestID: String) async -> Outcome {
        var run = Run(wire, provider: provider, requestID: requestID, journal: journal, now: clock.now())
        run.entry.operation = route.operation
        run.entry.source = "provider"
        if let refused = run.admit(through: quotas, wire, provider: provider) {
            return .whole(run.response(to: refused, from: quotas, provider: provider))
        }
        var response = await provider.answer(wire, route: route, host: hostInfo, context: run.context)
        run.record(status: response.status, error: response.status >= 400 ? "answered \(response.status)" : nil, reply: response.body)
        response.headers += run.ticket?.headers ?? []
        return .whole(response)
    }

    /// The plugin that registered `provider`, for the journal and the OpenAPI document; `nil`
    /// for a provider given in code.
    static func plugin(of provider: any Provider) -> String? {
        (provider as? PluginProvider)?.plugin
    }

    /// Journals a request that no route took.
    func recordUnrouted(_ wire: WireRequest, requestID: String, error: ReplyError) {
        let entry = JournalEntry(
            requestID: requestID, time: Date().timeIntervalSince1970, method: wire.method.rawValue, path: wire.path, provider: nil,
            status: error.status, streamed: false, durationMilliseconds: 0)
        journal.record(entry.finished(status: error.status, error: error.message, startedAt: .now))
    }

    /// Journals a WebSocket message that carried no request the connection could take.
    func recordRefusedMessage(path: String, provider: any Provider, requestID: String, error: ReplyError) {
        let entry = JournalEntry(
            requestID: requestID, time: Date().timeIntervalSince1970, method: "WEBSOCKET", path: path, provider: provider.name,
            plugin: Self.plugin(of: provider), status: error.status, streamed: true, durationMilliseconds: 0)
        journal.record(entry.finished(status: error.status, error: error.message, startedAt: .now))
    }

    /// What the host tells providers answering routes themselves: the models it knows of, from
    /// the configuration, the fixtures (exact model ids they match) and the providers.
    var hostInfo: HostInfo {
        var seen = Set<String>()
        var models: [ModelListing] = []
        func add(_ id: String, ownedBy: String) {
            if seen.insert(id).inserted { models.append(ModelListing(id: id, ownedBy: ownedBy)) }
        }
        for id in configuredModels { add(id, ownedBy: "lyrebird") }
        for fixture in fixtures.all {
            for id in fixture.match.exactModels { add(id, ownedBy: "lyrebird") }
        }
        for listing in providerModels { add(listing.id, ownedBy: listing.ownedBy) }
        return HostInfo(models: models)
    }

    /// One vector per input of an embedding request: those the reply gave, and computed ones
    /// for the rest.
    private static func embeddings(_ given: [Int: [Double]], for request: CanonicalRequest) -> [[Double]] {
        guard case .embeddings(let dimensions) = request.replyKind else { return [] }
        return request.messages.indices.map { index in
            given[index] ?? SemanticEmbedder.vector(for: request.messages[index].text, dimensions: dimensions)
        }
    }

    /// The events of `source` for `request`, ending with a finish and usage; a streamed fixed
    /// reply in pieces of `chunk` when a timing gives one its fixture did not prepare.
    private func events(of source: ReplySource, for request: CanonicalRequest, promptTokens: Int, chunk: ChunkSize?) -> EventFeed {
        switch source {
        case .prepared(let prepared) where request.replyKind != .message:
            // A fixed reply answers an embedding request with its pinned vectors, in turn for
            // each input; without any, the host computes them.
            var events: [ReplyEvent] = []
            if !prepared.embeddings.isEmpty {
                for index in request.messages.indices {
                    events.append(.embedding(index: index, vector: prepared.embeddings[index % prepared.embeddings.count]))
                }
            }
            events.append(.usage(prepared.usage ?? Usage(promptTokens: promptTokens, completionTokens: 0)))
            return EventFeed(events)
        case .prepared(var prepared):
            if let chunk, request.stream, chunk != prepared.chunk { prepared = PreparedReply(prepared.reply, chunk: chunk) }
            let events = prepared.events(streamed: request.stream)
            guard prepared.usage == nil else { return EventFeed(events) }
            let usage = Usage(
                promptTokens: promptTokens, completionTokens: prepared.completionTokens * request.choiceCount,
                reasoningTokens: prepared.reasoningTokens * request.choiceCount)
            return EventFeed(events, then: .usage(usage))
        case .error(let error):
            return EventFeed([.error(error)])
        case .responder(let responder, let parameters):
            let channel = ReplyChannel()
            let producer = Task {
                await ReplySource.run(responder, parameters: parameters, for: request, into: channel)
                await complete(channel, request: request, promptTokens: promptTokens)
                channel.close()
            }
            return EventFeed(channel: channel, producer: producer)
        }
    }

    /// The chosen reply: its source, the name the journal gives it, and its timing.
    private struct Choice {
        let name: String
        let source: ReplySource
        var timing: ReplyTiming?
        /// The fault of the fixture (or of its step), and the key its draws are kept under.
        var fault: Fault?
        var faultKey = ""
        /// What went wrong on the way that the journal should show: Lua predicates that failed.
        var warnings: [String] = []
        /// When no fixture matched, the closest ones and why each failed.
        var nearMisses: [String] = []
    }

    /// Picks the reply: `mock_response` first, then the first matching fixture, then the default.
    private func chooseSource(for request: CanonicalRequest) async -> Choice {
        if let mock = request.mockResponse {
            let reply = PreparedReply(StaticReply(content: mock), streamChunkCharacters: streamChunkCharacters)
            return Choice(name: "mock_response", source: .prepared(reply))
        }
        let snapshot = fixtures.snapshot
        let context = request.contextID
        let choice: FixtureStore.Choice
        do {
            if snapshot.containsScriptPredicates {
                // A Lua predicate may run up to its time limit: never on the cooperative pool.
                choice = try await fixtures.choose(in: snapshot, context: context) { start in
                    try await scripts.run { cancellation in
                        let subject = MatchSubject(request, indexes: snapshot.indexes, cancellation: cancellation)
                        return (snapshot.firstPassing(subject, from: start), subject.predicateFailures)
                    }
                }
            } else {
                let subject = MatchSubject(request, indexes: snapshot.indexes, cancellation: nil)
                choice = try await fixtures.choose(in: snapshot, context: context) { start in
                    (snapshot.firstPassing(subject, from: start), [])
                }
            }
        } catch let error as ScriptPoolError {
            return Choice(name: "none", source: .error(error.replyError))
        } catch {
            return Choice(name: "none", source: .error(.storeFailed(error)))
        }
        var warnings = choice.predicateFailures.map { "a Lua predicate failed and did not match: \($0)" }
        if strict, let failure = choice.predicateFailures.first {
            // Falling through to another fixture would hide which fixture was meant.
            let error = ReplyError(
                status: 500, message: "A Lua predicate failed (strict mode): \(failure)", type: "server_error", code: "lua_error")
            return Choice(name: "none", source: .error(error), warnings: warnings)
        }
        if let match = choice.match {
            let fixture = match.entry.fixture
            if let drift = snapshot.drift(of: match.place, in: request) { warnings.append(drift) }
            return Choice(
                name: fixture.id, source: source(of: fixture, reply: match.reply, prepared: match.prepared), timing: fixture.timing,
                fault: fixture.sequence?.steps[match.step].fault ?? fixture.fault, faultKey: "fixture \(fixture.id) step \(match.step)",
                warnings: warnings)
        }
        let misses: [String]
        do {
            misses = try await explainMiss(of: request, in: snapshot, usedUp: choice.usedUp)
        } catch {
            return Choice(name: "none", source: .error(error.replyError), warnings: warnings)
        }
        if strict {
            return Choice(name: "none", source: .error(Self.noMatchError(misses)), warnings: warnings, nearMisses: misses)
        }
        return Choice(name: "default", source: .prepared(defaultReply), warnings: warnings, nearMisses: misses)
    }

    /// The fixtures that came closest to answering, each with the conditions it failed, as the
    /// journal and strict mode's error show them.
    private func explainMiss(
        of request: CanonicalRequest, in snapshot: FixtureStore.Snapshot, usedUp: Set<Int>
    ) async throws(ScriptPoolError) -> [String] {
        let explain = { @Sendable (cancellation: ScriptCancellation?) -> [String] in
            let subject = MatchSubject(request, indexes: snapshot.indexes, cancellation: cancellation)
            return snapshot.nearMisses(for: subject, usedUp: usedUp).map { "\($0.fixture.label): \($0.reasons.joined(separator: "; "))" }
        }
        // Explaining a Lua predicate's miss runs it again, and may tell another story.
        guard !snapshot.containsScriptPredicates else { return try await scripts.run { cancellation in explain(cancellation) } }
        let missed = FixtureStore.Snapshot.MissedRequest(request: request, usedUp: usedUp)
        if let explained = snapshot.missExplanations[missed] { return explained }
        let explained = explain(nil)
        let weight = request.messages.reduce(1024) { $0 + $1.text.utf8.count } + explained.reduce(0) { $0 + $1.utf8.count }
        snapshot.missExplanations.insert(explained, for: missed, weight: weight)
        return explained
    }

    private func source(of fixture: Fixture, reply: FixtureReply, prepared: PreparedReply?) -> ReplySource {
        switch reply {
        case .message(let reply):
            return .prepared(prepared ?? PreparedReply(reply, streamChunkCharacters: streamChunkCharacters))
        case .error(let error):
            return .error(error)
        case .custom(let responder, let parameters):
            return .responder(responder, parameters: parameters)
        case .responder(let name, let parameters):
            guard let responder = responders[name] else {
                return .error(
                    ReplyError(
                        status: 500, message: "\(fixture.label) names responder \(name.debugDescription), which is not loaded",
                        type: "server_error"))
            }
            return .responder(responder, parameters: parameters)
        }
    }

    /// The strict mode's answer to a request no fixture matched, naming the closest fixtures.
    private static func noMatchError(_ misses: [String]) -> ReplyError {
        var message = "No fixture matched this request (strict mode)."
        if misses.isEmpty {
            message += " There are no fixtures loaded."
        } else {
            message += " Closest: " + misses.joined(separator: " | ")
        }
        return ReplyError(status: 404, message: message, type: "invalid_request_error", code: "no_fixture_matched")
    }

    /// Adds what the responder left out: a finish, then usage counted by `TokenCounter`.
    private func complete(_ channel: ReplyChannel, request: CanonicalRequest, promptTokens: Int) async {
        let accounts = channel.snapshot
        guard !accounts.failed else { return }
        if !accounts.finished { await channel.emit(.finish(.stop)) }
        if !accounts.reportedUsage {
            await channel.emit(
                .usage(
                    Usage(
                        promptTokens: promptTokens, completionTokens: accounts.completionTokens * request.choiceCount,
                        reasoningTokens: accounts.reasoningTokens * request.choiceCount)))
        }
    }
}
