import CLyrebirdPlugin
import Logging
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Provider structs as plugins of each minor version register them: the host reads only as much
/// as the plugin wrote, and opens streams the way the plugin's version can.
@Suite struct ProviderVersionTests {
    /// Registers a provider through the host table as a plugin's entry point would, cut to
    /// `size` bytes and followed by 0xFF bytes the plugin never wrote: a callback read from
    /// them would not be NULL, and calling it would crash.
    static func register(
        size: Int, streamOpen: Bool, streamOpenV2: Bool, routes: String = #"[{"method":"POST","path":"/test/stream","operation":"test"}]"#,
        answer: Bool = false, streamAbort: Bool = false, models: String? = nil, context: UnsafeMutableRawPointer? = nil
    ) -> (status: Int32, providers: [PluginProvider], problems: [String]) {
        let registration = PluginRegistration(file: "test.so", configuration: .null, logger: Logger(label: "test"))
        let api = HostFunctionTable.make(for: registration)
        let info = UnsafeMutablePointer<lyrebird_plugin_info>.allocate(capacity: 1)
        defer { info.deallocate() }
        info.initialize(to: lyrebird_plugin_info())
        info.pointee.abi_major = UInt16(LYREBIRD_PLUGIN_ABI_MAJOR)
        registration.beginEntry(info: info)

        let capacity = MemoryLayout<lyrebird_provider>.size
        let memory = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: MemoryLayout<lyrebird_provider>.alignment)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0xFF, count: capacity)
        let status = "test.stream".withCString { name in
            routes.withCString { routes in
                (models ?? "").withCString { modelsText in
                    var table = lyrebird_provider()
                    table.models_json = models == nil ? nil : modelsText
                    table.struct_size = UInt32(size)
                    table.name = name
                    table.routes_json = routes
                    table.context = context
                    table.decode = { _, _, _ in LYREBIRD_ERROR }
                    table.encode_reply = { _, _, _, _, _ in LYREBIRD_ERROR }
                    table.encode_error = { _, _, _, _, _ in LYREBIRD_ERROR }
                    table.stream_encode = { _, _, _, _ in LYREBIRD_ERROR }
                    // The stream handle is the context: the counters of StreamCalls, when given.
                    table.stream_finish = { stream, _ in
                        StreamCalls.count(stream, .finish)
                        return LYREBIRD_OK
                    }
                    table.stream_close = { stream in StreamCalls.count(stream, .close) }
                    if streamOpen {
                        table.stream_open = { context, _, _, stream, contentType, start in
                            stream?.pointee = context ?? UnsafeMutableRawPointer(bitPattern: 1)
                            PluginBytes.give(Array("text/x-abi-1.0".utf8), to: contentType, alloc: { malloc($0) })
                            PluginBytes.give(Array("start".utf8), to: start, alloc: { malloc($0) })
                            return LYREBIRD_OK
                        }
                    }
                    if streamOpenV2 {
                        table.stream_open_v2 = { context, _, _, head in
                            guard let head else { return LYREBIRD_ERROR }
                            head.pointee.stream = context ?? UnsafeMutableRawPointer(bitPattern: 1)
                            PluginBytes.give(Array("text/x-abi-1.1".utf8), to: &head.pointee.content_type, alloc: { malloc($0) })
                            PluginBytes.give(
                                Array(#"[{"name":"x-test","value":"yes"}]"#.utf8), to: &head.pointee.headers_json, alloc: { malloc($0) })
                            return LYREBIRD_OK
                        }
                    }
                    if answer {
                        // Answers with what it was given: [path parameters, host info, reply context].
                        table.answer = { _, request, host, replyContext, out in
                            guard let request, let out else { return LYREBIRD_ERROR }
                            let parameters = PluginBytes.copy(request.pointee.path_parameters_json)
                            let body =
                                Array("[".utf8) + parameters + Array(",".utf8) + PluginBytes.copy(host) + Array(",".utf8)
                                + PluginBytes.copy(replyContext) + Array("]".utf8)
                            out.pointee.status = 203
                            PluginBytes.give(body, to: &out.pointee.body, alloc: { malloc($0) })
                            return LYREBIRD_OK
                        }
                    }
                    if streamAbort {
                        table.stream_abort = { stream, _ in StreamCalls.count(stream, .abort) }
                    }
                    withUnsafeBytes(of: &table) { memory.copyMemory(from: $0.baseAddress!, byteCount: min(size, capacity)) }
                    return api.pointee.register_provider(api.pointee.host, memory.bindMemory(to: lyrebird_provider.self, capacity: 1))
                }
            }
        }
        let outcome = registration.endEntry(name: "test")
        return (status, outcome.providers, outcome.problems)
    }

    static func openStream(_ provider: PluginProvider) -> any StreamEncoder {
        let context = ReplyContext(requestID: "req_1", idSuffix: "abc", created: 0, model: "m", systemFingerprint: "", promptTokens: 0)
        return provider.makeStreamEncoder(for: CanonicalRequest(operation: "test", model: "m", messages: []), context: context)
    }

    @Test func aProviderOfABI1_0IsReadOnlyAsFarAsItWroteAndStreamsThroughStreamOpen() throws {
        let size = try #require(HeaderLayoutTests.pinned["1.0"]?["lyrebird_provider"])
        let registered = Self.register(size: size, streamOpen: true, streamOpenV2: false)
        #expect(registered.status == LYREBIRD_OK, "\(registered.problems)")
        let provider = try #require(registered.providers.first)
        var encoder = Self.openStream(provider)
        #expect(encoder.contentType == "text/x-abi-1.0")
        #expect(encoder.headers.isEmpty)
        #expect(encoder.start() == Array("start".utf8))
    }

    @Test func aProviderOfABI1_1GivesItsStreamsHeaders() throws {
        let registered = Self.register(size: MemoryLayout<lyrebird_provider>.size, streamOpen: false, streamOpenV2: true)
        #expect(registered.status == LYREBIRD_OK, "\(registered.problems)")
        let provider = try #require(registered.providers.first)
        let encoder = Self.openStream(provider)
        #expect(encoder.contentType == "text/x-abi-1.1")
        #expect(encoder.headers == [Header(name: "x-test", value: "yes")])
    }

    @Test func stream_open_v2WinsWhenBothAreSet() throws {
        let registered = Self.register(size: MemoryLayout<lyrebird_provider>.size, streamOpen: true, streamOpenV2: true)
        let provider = try #require(registered.providers.first)
        #expect(Self.openStream(provider).contentType == "text/x-abi-1.1")
    }

    @Test func aStructShorterThanABI1_0IsRefused() {
        let registered = Self.register(size: PluginRegistration.providerSizeV1_0 - 8, streamOpen: true, streamOpenV2: false)
        #expect(registered.status == LYREBIRD_ERROR)
        #expect(registered.providers.isEmpty)
        #expect(registered.problems == ["register_provider was given a struct of 80 bytes; ABI 1.0 needs 88"])
    }

    @Test func aProviderThatCannotOpenStreamsIsRefused() {
        let registered = Self.register(size: MemoryLayout<lyrebird_provider>.size, streamOpen: false, streamOpenV2: false)
        #expect(registered.status == LYREBIRD_ERROR)
        #expect(registered.problems.first?.contains("one of stream_open and stream_open_v2 is enough") == true)
    }

    @Test func modelsJSONThatIsNotAListOfIdsIsRefused() {
        let registered = Self.register(
            size: MemoryLayout<lyrebird_provider>.size, streamOpen: false, streamOpenV2: true, models: #"{"id": "m"}"#)
        #expect(registered.status == LYREBIRD_ERROR)
        #expect(registered.problems.first?.hasPrefix(#"provider "test.stream" has models_json the host cannot read"#) == true)
    }

    static let thingsRoute = #"[{"method":"GET","path":"/test/things/{thing}","operation":"things","answered_by":"provider"}]"#

    @Test func aRouteTheProviderAnswersItselfNeedsAnAnswerCallback() {
        let registered = Self.register(
            size: MemoryLayout<lyrebird_provider>.size, streamOpen: false, streamOpenV2: true, routes: Self.thingsRoute)
        #expect(registered.status == LYREBIRD_ERROR)
        #expect(
            registered.problems == [
                #"provider "test.stream" answers GET /test/things/{thing} itself ("answered_by": "provider") but gives no answer callback (lyrebird_provider.answer, ABI 1.1)"#
            ])
    }

    @Test func aProviderOfABI1_0CannotAnswerRoutesItself() throws {
        // The answer it sets lies past the 88 bytes a 1.0 plugin writes: the host never reads it.
        let size = try #require(HeaderLayoutTests.pinned["1.0"]?["lyrebird_provider"])
        let registered = Self.register(size: size, streamOpen: true, streamOpenV2: false, routes: Self.thingsRoute, answer: true)
        #expect(registered.status == LYREBIRD_ERROR)
        #expect(registered.problems.first?.contains("gives no answer callback") == true)
    }

    @Test func answerGetsThePathParametersTheHostsModelsAndAReplyContext() async throws {
        let registered = Self.register(
            size: MemoryLayout<lyrebird_provider>.size, streamOpen: false, streamOpenV2: true, routes: Self.thingsRoute, answer: true,
            models: #"["thing-1"]"#)
        #expect(registered.status == LYREBIRD_OK, "\(registered.problems)")
        var provider = try #require(registered.providers.first)
        provider.plugin = "things-plugin"
        let plugin = LoadedPlugin(
            file: "test.so", name: "things-plugin", version: "1.0.0", abiVersion: "1.1", swiftCompilerVersion: nil, providers: [provider],
            responders: [])
        let host = try LyrebirdHost(
            configuration: try HostConfiguration(yaml: "settings: {models: [model-a]}\nfixtures: []\n"), providers: [], plugins: [plugin])
        let response = await host.respond(to: WireRequest(method: .get, path: "/test/things/a%20b"))
        #expect(response.status == 203)
        let body = try #require(try JSONValue.parse(response.body).arrayValue)
        #expect(body.count == 3)
        #expect(body.first == ["thing": "a b"])
        #expect(
            body.dropFirst().first == [
                "models": [["id": "model-a", "owned_by": "lyrebird"], ["id": "thing-1", "owned_by": "test.stream"]]
            ])
        #expect(body.last?["request_id"]?.stringValue == response.headers.first { $0.name == "x-request-id" }?.value)
        let entry = try #require(host.journal.all.last)
        #expect(entry.provider == "test.stream")
        #expect(entry.plugin == "things-plugin")
        #expect(entry.source == "provider")
    }

    @Test func aStreamWhoseClientWentAwayIsAbortedNotFinished() throws {
        let calls = StreamCalls()
        defer { calls.release() }
        let registered = Self.register(
            size: MemoryLayout<lyrebird_provider>.size, streamOpen: false, streamOpenV2: true, streamAbort: true, context: calls.handle)
        let provider = try #require(registered.providers.first)
        do {
            var encoder = Self.openStream(provider)
            encoder.abandoned(reason: "client went away")
        }
        #expect(calls.counts == [.finish: 0, .abort: 1, .close: 1])
    }

    @Test func aStreamOfABI1_0IsOnlyClosedWhenItsClientWentAway() throws {
        let calls = StreamCalls()
        defer { calls.release() }
        let size = try #require(HeaderLayoutTests.pinned["1.0"]?["lyrebird_provider"])
        // stream_abort lies past what a 1.0 plugin writes: never called.
        let registered = Self.register(size: size, streamOpen: true, streamOpenV2: false, streamAbort: true, context: calls.handle)
        let provider = try #require(registered.providers.first)
        do {
            var encoder = Self.openStream(provider)
            encoder.abandoned(reason: "client went away")
        }
        #expect(calls.counts == [.finish: 0, .abort: 0, .close: 1])
    }
}

/// Counts the stream calls a test provider receives; its handle is the provider's context and
/// stream state, so that C callbacks, which capture nothing, can reach it.
final class StreamCalls {
    enum Call: Int, CaseIterable {
        case finish, abort, close
    }

    let handle: UnsafeMutableRawPointer
    private var counters: UnsafeMutablePointer<Int> { handle.assumingMemoryBound(to: Int.self) }

    init() {
        handle = .allocate(byteCount: Call.allCases.count * MemoryLayout<Int>.stride, alignment: MemoryLayout<Int>.alignment)
        handle.initializeMemory(as: Int.self, repeating: 0, count: Call.allCases.count)
    }

    func release() {
        handle.deallocate()
    }

    var counts: [Call: Int] {
        Dictionary(uniqueKeysWithValues: Call.allCases.map { ($0, counters[$0.rawValue]) })
    }

    /// Counts `call` for the stream `stream`, unless it is a placeholder handle of another test.
    static func count(_ stream: UnsafeMutableRawPointer?, _ call: Call) {
        guard let stream, UInt(bitPattern: stream) != 1 else { return }
        stream.assumingMemoryBound(to: Int.self)[call.rawValue] += 1
    }
}
