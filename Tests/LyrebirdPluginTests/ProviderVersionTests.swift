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
    static func register(size: Int, streamOpen: Bool, streamOpenV2: Bool) -> (
        status: Int32, providers: [PluginProvider], problems: [String]
    ) {
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
            #"[{"method":"POST","path":"/test/stream","operation":"test"}]"#.withCString { routes in
                var table = lyrebird_provider()
                table.struct_size = UInt32(size)
                table.name = name
                table.routes_json = routes
                table.decode = { _, _, _ in LYREBIRD_ERROR }
                table.encode_reply = { _, _, _, _, _ in LYREBIRD_ERROR }
                table.encode_error = { _, _, _, _, _ in LYREBIRD_ERROR }
                table.stream_encode = { _, _, _, _ in LYREBIRD_ERROR }
                table.stream_finish = { _, _ in LYREBIRD_ERROR }
                table.stream_close = { _ in }
                if streamOpen {
                    table.stream_open = { _, _, _, stream, contentType, start in
                        stream?.pointee = UnsafeMutableRawPointer(bitPattern: 1)
                        PluginBytes.give(Array("text/x-abi-1.0".utf8), to: contentType, alloc: { malloc($0) })
                        PluginBytes.give(Array("start".utf8), to: start, alloc: { malloc($0) })
                        return LYREBIRD_OK
                    }
                }
                if streamOpenV2 {
                    table.stream_open_v2 = { _, _, _, head in
                        guard let head else { return LYREBIRD_ERROR }
                        head.pointee.stream = UnsafeMutableRawPointer(bitPattern: 1)
                        PluginBytes.give(Array("text/x-abi-1.1".utf8), to: &head.pointee.content_type, alloc: { malloc($0) })
                        PluginBytes.give(
                            Array(#"[{"name":"x-test","value":"yes"}]"#.utf8), to: &head.pointee.headers_json, alloc: { malloc($0) })
                        return LYREBIRD_OK
                    }
                }
                withUnsafeBytes(of: &table) { memory.copyMemory(from: $0.baseAddress!, byteCount: min(size, capacity)) }
                return api.pointee.register_provider(api.pointee.host, memory.bindMemory(to: lyrebird_provider.self, capacity: 1))
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
}
