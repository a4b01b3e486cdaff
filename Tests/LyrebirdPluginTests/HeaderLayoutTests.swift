import CLyrebirdPlugin
import Testing

@testable import LyrebirdHost

/// Pins the header's struct layouts to its ABI version, so that a layout change without a
/// version change fails here, and a minor version that moves an existing field fails too.
@Suite struct HeaderLayoutTests {
    /// The layout of ABI 1.1, which 1.2 extends.
    private static let layout1_1: [String: Int] = [
        "lyrebird_bytes": 16,
        "lyrebird_buffer": 16,
        "lyrebird_wire_request": 96,
        "lyrebird_wire_request.method": 8,
        "lyrebird_wire_request.path": 16,
        "lyrebird_wire_request.query": 24,
        "lyrebird_wire_request.headers_json": 32,
        "lyrebird_wire_request.body": 48,
        "lyrebird_wire_request.route_json": 64,
        "lyrebird_wire_request.path_parameters_json": 80,
        "lyrebird_response": 56,
        "lyrebird_response.status": 4,
        "lyrebird_response.content_type": 8,
        "lyrebird_response.headers_json": 24,
        "lyrebird_response.body": 40,
        "lyrebird_stream_head": 64,
        "lyrebird_stream_head.stream": 8,
        "lyrebird_stream_head.content_type": 16,
        "lyrebird_stream_head.headers_json": 32,
        "lyrebird_stream_head.start": 48,
        "lyrebird_provider": 120,
        "lyrebird_provider.name": 8,
        "lyrebird_provider.routes_json": 16,
        "lyrebird_provider.context": 24,
        "lyrebird_provider.decode": 32,
        "lyrebird_provider.encode_reply": 40,
        "lyrebird_provider.encode_error": 48,
        "lyrebird_provider.stream_open": 56,
        "lyrebird_provider.stream_encode": 64,
        "lyrebird_provider.stream_finish": 72,
        "lyrebird_provider.stream_close": 80,
        "lyrebird_provider.stream_open_v2": 88,
        "lyrebird_provider.answer": 96,
        "lyrebird_provider.stream_abort": 104,
        "lyrebird_provider.models_json": 112,
        "lyrebird_sink": 32,
        "lyrebird_sink.sink": 8,
        "lyrebird_sink.emit": 16,
        "lyrebird_sink.pause": 24,
        "lyrebird_responder": 32,
        "lyrebird_responder.name": 8,
        "lyrebird_responder.context": 16,
        "lyrebird_responder.respond": 24,
        "lyrebird_host_api": 88,
        "lyrebird_host_api.abi_major": 4,
        "lyrebird_host_api.abi_minor": 6,
        "lyrebird_host_api.host": 8,
        "lyrebird_host_api.alloc": 16,
        "lyrebird_host_api.free": 24,
        "lyrebird_host_api.log": 32,
        "lyrebird_host_api.config_json": 40,
        "lyrebird_host_api.set_error": 48,
        "lyrebird_host_api.register_provider": 56,
        "lyrebird_host_api.register_responder": 64,
        "lyrebird_host_api.json_get": 72,
        "lyrebird_host_api.json_get_string": 80,
        "lyrebird_plugin_info": 104,
        "lyrebird_plugin_info.abi_major": 4,
        "lyrebird_plugin_info.abi_minor": 6,
        "lyrebird_plugin_info.name": 8,
        "lyrebird_plugin_info.version": 72,
        "lyrebird_swift_info": 40,
        "lyrebird_swift_info.abi_major": 4,
        "lyrebird_swift_info.abi_minor": 6,
        "lyrebird_swift_info.compiler_version": 8,
    ]

    /// Sizes and field offsets (bytes, x86_64 / arm64 Linux) of every struct, per ABI version.
    /// When you change the header: bump the version, then add its table here; never edit the
    /// table of a released version. (1.2 is not released yet: its table grows with it.)
    static let pinned: [String: [String: Int]] = [
        "1.0": [
            "lyrebird_bytes": 16,
            "lyrebird_buffer": 16,
            "lyrebird_wire_request": 80,
            "lyrebird_wire_request.method": 8,
            "lyrebird_wire_request.path": 16,
            "lyrebird_wire_request.query": 24,
            "lyrebird_wire_request.headers_json": 32,
            "lyrebird_wire_request.body": 48,
            "lyrebird_wire_request.route_json": 64,
            "lyrebird_response": 56,
            "lyrebird_response.status": 4,
            "lyrebird_response.content_type": 8,
            "lyrebird_response.headers_json": 24,
            "lyrebird_response.body": 40,
            "lyrebird_provider": 88,
            "lyrebird_provider.name": 8,
            "lyrebird_provider.routes_json": 16,
            "lyrebird_provider.context": 24,
            "lyrebird_provider.decode": 32,
            "lyrebird_provider.encode_reply": 40,
            "lyrebird_provider.encode_error": 48,
            "lyrebird_provider.stream_open": 56,
            "lyrebird_provider.stream_encode": 64,
            "lyrebird_provider.stream_finish": 72,
            "lyrebird_provider.stream_close": 80,
            "lyrebird_sink": 32,
            "lyrebird_sink.sink": 8,
            "lyrebird_sink.emit": 16,
            "lyrebird_sink.pause": 24,
            "lyrebird_responder": 32,
            "lyrebird_responder.name": 8,
            "lyrebird_responder.context": 16,
            "lyrebird_responder.respond": 24,
            "lyrebird_host_api": 88,
            "lyrebird_host_api.abi_major": 4,
            "lyrebird_host_api.abi_minor": 6,
            "lyrebird_host_api.host": 8,
            "lyrebird_host_api.alloc": 16,
            "lyrebird_host_api.free": 24,
            "lyrebird_host_api.log": 32,
            "lyrebird_host_api.config_json": 40,
            "lyrebird_host_api.set_error": 48,
            "lyrebird_host_api.register_provider": 56,
            "lyrebird_host_api.register_responder": 64,
            "lyrebird_host_api.json_get": 72,
            "lyrebird_host_api.json_get_string": 80,
            "lyrebird_plugin_info": 104,
            "lyrebird_plugin_info.abi_major": 4,
            "lyrebird_plugin_info.abi_minor": 6,
            "lyrebird_plugin_info.name": 8,
            "lyrebird_plugin_info.version": 72,
        ],
        "1.1": layout1_1,
        // 1.2 appended rate_limit_headers to lyrebird_provider; nothing else moved.
        "1.2": layout1_1.merging(["lyrebird_provider": 128, "lyrebird_provider.rate_limit_headers": 120]) { $1 },
    ]

    static var currentVersion: String { "\(LYREBIRD_PLUGIN_ABI_MAJOR).\(LYREBIRD_PLUGIN_ABI_MINOR)" }

    /// The layout of the header as this build sees it.
    static var measured: [String: Int] {
        var layout: [String: Int] = [:]
        func size<T>(_ type: T.Type, _ name: String) { layout[name] = MemoryLayout<T>.size }
        func offset<T>(_ name: String, _ path: PartialKeyPath<T>) { layout[name] = MemoryLayout<T>.offset(of: path) }

        size(lyrebird_bytes.self, "lyrebird_bytes")
        size(lyrebird_buffer.self, "lyrebird_buffer")

        size(lyrebird_wire_request.self, "lyrebird_wire_request")
        offset("lyrebird_wire_request.method", \lyrebird_wire_request.method)
        offset("lyrebird_wire_request.path", \lyrebird_wire_request.path)
        offset("lyrebird_wire_request.query", \lyrebird_wire_request.query)
        offset("lyrebird_wire_request.headers_json", \lyrebird_wire_request.headers_json)
        offset("lyrebird_wire_request.body", \lyrebird_wire_request.body)
        offset("lyrebird_wire_request.route_json", \lyrebird_wire_request.route_json)
        offset("lyrebird_wire_request.path_parameters_json", \lyrebird_wire_request.path_parameters_json)

        size(lyrebird_response.self, "lyrebird_response")
        offset("lyrebird_response.status", \lyrebird_response.status)
        offset("lyrebird_response.content_type", \lyrebird_response.content_type)
        offset("lyrebird_response.headers_json", \lyrebird_response.headers_json)
        offset("lyrebird_response.body", \lyrebird_response.body)

        size(lyrebird_stream_head.self, "lyrebird_stream_head")
        offset("lyrebird_stream_head.stream", \lyrebird_stream_head.stream)
        offset("lyrebird_stream_head.content_type", \lyrebird_stream_head.content_type)
        offset("lyrebird_stream_head.headers_json", \lyrebird_stream_head.headers_json)
        offset("lyrebird_stream_head.start", \lyrebird_stream_head.start)

        size(lyrebird_provider.self, "lyrebird_provider")
        offset("lyrebird_provider.name", \lyrebird_provider.name)
        offset("lyrebird_provider.routes_json", \lyrebird_provider.routes_json)
        offset("lyrebird_provider.context", \lyrebird_provider.context)
        offset("lyrebird_provider.decode", \lyrebird_provider.decode)
        offset("lyrebird_provider.encode_reply", \lyrebird_provider.encode_reply)
        offset("lyrebird_provider.encode_error", \lyrebird_provider.encode_error)
        offset("lyrebird_provider.stream_open", \lyrebird_provider.stream_open)
        offset("lyrebird_provider.stream_encode", \lyrebird_provider.stream_encode)
        offset("lyrebird_provider.stream_finish", \lyrebird_provider.stream_finish)
        offset("lyrebird_provider.stream_close", \lyrebird_provider.stream_close)
        offset("lyrebird_provider.stream_open_v2", \lyrebird_provider.stream_open_v2)
        offset("lyrebird_provider.answer", \lyrebird_provider.answer)
        offset("lyrebird_provider.stream_abort", \lyrebird_provider.stream_abort)
        offset("lyrebird_provider.models_json", \lyrebird_provider.models_json)
        offset("lyrebird_provider.rate_limit_headers", \lyrebird_provider.rate_limit_headers)

        size(lyrebird_sink.self, "lyrebird_sink")
        offset("lyrebird_sink.sink", \lyrebird_sink.sink)
        offset("lyrebird_sink.emit", \lyrebird_sink.emit)
        offset("lyrebird_sink.pause", \lyrebird_sink.pause)

        size(lyrebird_responder.self, "lyrebird_responder")
        offset("lyrebird_responder.name", \lyrebird_responder.name)
        offset("lyrebird_responder.context", \lyrebird_responder.context)
        offset("lyrebird_responder.respond", \lyrebird_responder.respond)

        size(lyrebird_host_api.self, "lyrebird_host_api")
        offset("lyrebird_host_api.abi_major", \lyrebird_host_api.abi_major)
        offset("lyrebird_host_api.abi_minor", \lyrebird_host_api.abi_minor)
        offset("lyrebird_host_api.host", \lyrebird_host_api.host)
        offset("lyrebird_host_api.alloc", \lyrebird_host_api.alloc)
        offset("lyrebird_host_api.free", \lyrebird_host_api.free)
        offset("lyrebird_host_api.log", \lyrebird_host_api.log)
        offset("lyrebird_host_api.config_json", \lyrebird_host_api.config_json)
        offset("lyrebird_host_api.set_error", \lyrebird_host_api.set_error)
        offset("lyrebird_host_api.register_provider", \lyrebird_host_api.register_provider)
        offset("lyrebird_host_api.register_responder", \lyrebird_host_api.register_responder)
        offset("lyrebird_host_api.json_get", \lyrebird_host_api.json_get)
        offset("lyrebird_host_api.json_get_string", \lyrebird_host_api.json_get_string)

        size(lyrebird_plugin_info.self, "lyrebird_plugin_info")
        offset("lyrebird_plugin_info.abi_major", \lyrebird_plugin_info.abi_major)
        offset("lyrebird_plugin_info.abi_minor", \lyrebird_plugin_info.abi_minor)
        offset("lyrebird_plugin_info.name", \lyrebird_plugin_info.name)
        offset("lyrebird_plugin_info.version", \lyrebird_plugin_info.version)

        size(lyrebird_swift_info.self, "lyrebird_swift_info")
        offset("lyrebird_swift_info.abi_major", \lyrebird_swift_info.abi_major)
        offset("lyrebird_swift_info.abi_minor", \lyrebird_swift_info.abi_minor)
        offset("lyrebird_swift_info.compiler_version", \lyrebird_swift_info.compiler_version)
        return layout
    }

    @Test func layoutMatchesTheTablePinnedForThisVersion() throws {
        let expected = try #require(
            Self.pinned[Self.currentVersion], "ABI \(Self.currentVersion) has no pinned layout: add its table to HeaderLayoutTests.pinned")
        let measured = Self.measured
        for name in Set(expected.keys).union(measured.keys).sorted() {
            #expect(measured[name] == expected[name], "\(name) changed without an ABI version change (pinned for \(Self.currentVersion))")
        }
    }

    @Test func earlierMinorVersionsOfThisMajorAreAPrefixOfThisOne() {
        let measured = Self.measured
        for (version, table) in Self.pinned where version.hasPrefix("\(LYREBIRD_PLUGIN_ABI_MAJOR).") {
            for (name, value) in table where name.contains(".") {
                // Minor versions may only append: every field keeps its offset.
                #expect(measured[name] == value, "\(name) moved since ABI \(version); that needs a new major version")
            }
        }
    }

    @Test func theHostAcceptsTheProviderStructOfABI1_0() {
        // Plugins built for 1.0 register this many bytes; the host reads no further from them
        // (ProviderVersionTests registers one).
        #expect(PluginRegistration.providerSizeV1_0 == Self.pinned["1.0"]?["lyrebird_provider"])
    }

    @Test func theFrozenPrefixNeverMoves() {
        // The fields a host and a plugin of different majors read to detect the mismatch.
        #expect(MemoryLayout<lyrebird_host_api>.offset(of: \.struct_size) == 0)
        #expect(MemoryLayout<lyrebird_host_api>.offset(of: \.abi_major) == 4)
        #expect(MemoryLayout<lyrebird_host_api>.offset(of: \.abi_minor) == 6)
        #expect(MemoryLayout<lyrebird_plugin_info>.offset(of: \.struct_size) == 0)
        #expect(MemoryLayout<lyrebird_plugin_info>.offset(of: \.abi_major) == 4)
        #expect(MemoryLayout<lyrebird_plugin_info>.offset(of: \.abi_minor) == 6)
        #expect(MemoryLayout<lyrebird_swift_info>.offset(of: \.struct_size) == 0)
        #expect(MemoryLayout<lyrebird_swift_info>.offset(of: \.abi_major) == 4)
        #expect(MemoryLayout<lyrebird_swift_info>.offset(of: \.abi_minor) == 6)
    }
}
