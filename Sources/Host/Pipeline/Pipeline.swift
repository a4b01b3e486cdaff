import Foundation
import LyrebirdPluginAPI

/// The one way every request takes: decode, choose a reply, produce its events, encode, record.
///
/// It never knows which wire format it serves; the provider translates at both ends.
struct Pipeline: Sendable {
    let fixtures: FixtureStore
    let responders: [String: any Responder]
    let journal: Journal
    let strict: Bool
    let defaultReply: String
    let streamChunkCharacters: Int

    /// What the transport sends back.
    enum Outcome: Sendable {
        /// One whole response.
        case whole(WireResponse)
        /// A stream: its content type and a function that writes its chunks.
        case stream(contentType: String, write: @Sendable (_ send: @Sendable ([UInt8]) async throws -> Void) async -> Void)
    }

    func handle(_ wire: WireRequest, route: ProviderRoute, provider: any Provider, requestID: String) async -> Outcome {
        let started = ContinuousClock.now
        var entry = JournalEntry(
            requestID: requestID, time: Date().timeIntervalSince1970, method: wire.method.rawValue, path: wire.path,
            status: 200, streamed: false, durationMilliseconds: 0
        )
        func record(status: Int, error: String? = nil) {
            self.journal.record(entry.finished(status: status, error: error, startedAt: started))
        }

        var context = ReplyContext(
            requestID: requestID, idSuffix: Identifiers.alphanumeric(24), created: Int(Date().timeIntervalSince1970),
            model: "", systemFingerprint: "fp_lyrebird", promptTokens: 0
        )
        let request: CanonicalRequest
        do {
            request = try provider.decode(wire, route: route)
        } catch {
            record(status: error.status, error: error.message)
            return .whole(provider.encode(error, for: nil, context: context))
        }
        context.model = request.model
        context.promptTokens = TokenCounter.promptTokens(request)
        entry.operation = request.operation
        entry.model = request.model
        entry.streamed = request.stream

        let (sourceName, source) = chooseSource(for: request)
        entry.source = sourceName

        let channel = ReplyChannel()
        let chunking = request.stream ? streamChunkCharacters : nil
        let producer = Task {
            await source.run(for: request, into: channel, chunkCharacters: chunking)
            await complete(channel, request: request, promptTokens: context.promptTokens)
            channel.close()
        }

        if !request.stream {
            var choice = CompletedReply.Choice(index: 0)
            var usage = Usage(promptTokens: context.promptTokens, completionTokens: 0)
            for await event in channel.events {
                switch event {
                case .error(let error):
                    producer.cancel()
                    record(status: error.status, error: error.message)
                    return .whole(provider.encode(error, for: request, context: context))
                case .usage(let reported):
                    usage = reported
                default:
                    choice.apply(event)
                }
            }
            let choices = (0..<request.choiceCount).map { index -> CompletedReply.Choice in
                var copy = choice
                copy.index = index
                return copy
            }
            record(status: 200)
            return .whole(provider.encode(CompletedReply(choices: choices, usage: usage), for: request, context: context))
        }

        let cursor = EventCursor(channel.events)
        guard let first = await cursor.next() else {
            let error = ReplyError(status: 500, message: "the responder produced no reply", type: "server_error")
            record(status: 500, error: error.message)
            return .whole(provider.encode(error, for: request, context: context))
        }
        if case .error(let error) = first {
            producer.cancel()
            record(status: error.status, error: error.message)
            return .whole(provider.encode(error, for: request, context: context))
        }
        let encoder = provider.makeStreamEncoder(for: request, context: context)
        let choiceCount = request.choiceCount
        let streamEntry = entry
        let streamJournal = journal
        return .stream(contentType: encoder.contentType) { [encoder] send in
            var encoder = encoder
            var streamError: String?
            do {
                try await send(encoder.start())
                var event: ReplyEvent? = first
                while let current = event {
                    if case .error(let error) = current { streamError = error.message }
                    try await send(Self.encode(current, with: &encoder, choices: choiceCount))
                    event = await cursor.next()
                }
                try await send(encoder.finish())
            } catch {
                producer.cancel()
                streamError = "client went away: \(error)"
            }
            streamJournal.record(streamEntry.finished(status: 200, error: streamError, startedAt: started))
        }
    }

    /// Encodes one event for every choice it belongs to.
    private static func encode(_ event: ReplyEvent, with encoder: inout any StreamEncoder, choices: Int) -> [UInt8] {
        switch event {
        case .usage, .error:
            return encoder.encode(event, choice: 0)
        default:
            guard choices > 1 else { return encoder.encode(event, choice: 0) }
            var bytes: [UInt8] = []
            for choice in 0..<choices { bytes += encoder.encode(event, choice: choice) }
            return bytes
        }
    }

    /// Picks the reply: `mock_response` first, then the first matching fixture, then the default.
    private func chooseSource(for request: CanonicalRequest) -> (String, ReplySource) {
        if let mock = request.mockResponse {
            return ("mock_response", .staticReply(StaticReply(content: mock)))
        }
        if let fixture = fixtures.firstMatch(for: request) {
            switch fixture.reply {
            case .message(let reply): return (fixture.id, .staticReply(reply))
            case .error(let error): return (fixture.id, .error(error))
            case .custom(let responder, let parameters):
                return (fixture.id, .responder(responder, parameters: parameters))
            case .responder(let name, let parameters):
                guard let responder = responders[name] else {
                    let error = ReplyError(
                        status: 500, message: "\(fixture.label) names responder \(name.debugDescription), which is not loaded",
                        type: "server_error")
                    return (fixture.id, .error(error))
                }
                return (fixture.id, .responder(responder, parameters: parameters))
            }
        }
        if strict {
            return ("none", .error(noMatchError(for: request)))
        }
        return ("default", .staticReply(StaticReply(content: defaultReply)))
    }

    private func noMatchError(for request: CanonicalRequest) -> ReplyError {
        let misses = fixtures.nearMisses(for: request)
        var message = "No fixture matched this request (strict mode)."
        if misses.isEmpty {
            message += " There are no fixtures loaded."
        } else {
            message += " Closest: "
            message += misses.map { miss in
                "\(miss.fixture.label) (\(miss.reasons.joined(separator: "; ")))"
            }.joined(separator: "; ")
        }
        return ReplyError(status: 404, message: message, type: "invalid_request_error", code: "no_fixture_matched")
    }

    /// Adds what the responder left out: a finish, then usage counted by `TokenCounter`.
    private func complete(_ channel: ReplyChannel, request: CanonicalRequest, promptTokens: Int) async {
        let accounts = channel.snapshot
        guard !accounts.failed else { return }
        if !accounts.finished { await channel.emit(.finish(.stop)) }
        if !accounts.reportedUsage {
            await channel.emit(.usage(Usage(promptTokens: promptTokens, completionTokens: accounts.completionTokens * request.choiceCount)))
        }
    }
}
