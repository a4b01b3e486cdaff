// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "lyrebird",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LyrebirdPluginAPI", targets: ["LyrebirdPluginAPI"]),
        .library(name: "LyrebirdHost", targets: ["LyrebirdHost"]),
        .library(name: "LyrebirdBuiltinProviders", targets: ["LyrebirdBuiltinProviders"]),
        .executable(name: "lyrebird", targets: ["LyrebirdCommand"]),
        // Plugins shipped as separate shared libraries, loaded by the host at run time.
        .library(name: "LyrebirdAnthropic", type: .dynamic, targets: ["LyrebirdAnthropicPlugin"]),
        .library(name: "LyrebirdWordStats", type: .dynamic, targets: ["LyrebirdWordStatsPlugin"]),
        .library(name: "LyrebirdLuaGeo", type: .dynamic, targets: ["LyrebirdLuaGeo"]),
        .library(name: "LyrebirdGemini", type: .dynamic, targets: ["LyrebirdGeminiPlugin"]),
        .library(name: "LyrebirdOllama", type: .dynamic, targets: ["LyrebirdOllamaPlugin"]),
        .library(name: "LyrebirdBedrock", type: .dynamic, targets: ["LyrebirdBedrockPlugin"]),
        // A test plugin: Swift source written for plugin ABI 1.0, which the API must keep compiling.
        .library(name: "LyrebirdOldSwiftPlugin", type: .dynamic, targets: ["LyrebirdOldSwiftPlugin"]),
        // A test plugin whose responder and provider block their thread.
        .library(name: "LyrebirdBlockingSwiftPlugin", type: .dynamic, targets: ["LyrebirdBlockingSwiftPlugin"]),
        // The shipped plugins' providers themselves, for the fuzzers in Fuzz/ to call in process.
        .library(name: "LyrebirdAnthropicProvider", targets: ["LyrebirdAnthropicProvider"]),
        .library(name: "LyrebirdGeminiProvider", targets: ["LyrebirdGeminiProvider"]),
        .library(name: "LyrebirdOllamaProvider", targets: ["LyrebirdOllamaProvider"]),
        .library(name: "LyrebirdBedrockProvider", targets: ["LyrebirdBedrockProvider"]),
        // The structured-output module itself, for the fuzzer of its pattern engine (fuzz-regex).
        .library(name: "LyrebirdStructuredOutput", targets: ["LyrebirdStructuredOutput"]),
    ],
    traits: [
        .trait(
            name: "PostgreSQL",
            description: "A PostgreSQL store for a fleet of hosts (postgres-nio, with TLS and crypto libraries of its own)"),
        .trait(
            name: "OpenTelemetry",
            description: "Spans of every request exported over OTLP/HTTP (swift-otel, with an HTTP client and protobuf of its own)"),
        .default(enabledTraits: ["PostgreSQL", "OpenTelemetry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Only the OTLP/HTTP exporter: the gRPC one would build gRPC as well.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    ],
    targets: [
        .systemLibrary(name: "CLua", path: "Sources/CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CFFI", path: "Sources/CFFI", pkgConfig: "libffi", providers: [.apt(["libffi-dev"])]),
        .systemLibrary(name: "CLibYAML", path: "Sources/CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // The Lua sandbox: what must stay in C (the memory cap, the budget, the libraries'
        // replacements, and every step that can raise a Lua error).
        .target(name: "CLuaSandbox", dependencies: ["CLua"], path: "Sources/CLuaSandbox"),
        .target(
            name: "CLyrebirdPlugin",
            path: "Sources/PluginAPI/C"
        ),
        .target(
            name: "LyrebirdPluginAPI",
            dependencies: ["CLyrebirdPlugin"],
            path: "Sources/PluginAPI/Swift"
        ),
        // JSON Schema generation and validation, and the linear pattern engine that schemas'
        // `pattern` and fixtures' `regex` share: only the plugin API below them.
        .target(
            name: "LyrebirdStructuredOutput",
            dependencies: ["LyrebirdPluginAPI"],
            path: "Sources/StructuredOutput"
        ),
        .target(
            name: "LyrebirdHost",
            dependencies: [
                "CLua",
                "CLuaSandbox",
                "CFFI",
                "CLibYAML",
                "LyrebirdPluginAPI",
                "LyrebirdStructuredOutput",
                "CLyrebirdPlugin",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "OTel", package: "swift-otel", condition: .when(traits: ["OpenTelemetry"])),
                .product(name: "Tracing", package: "swift-distributed-tracing", condition: .when(traits: ["OpenTelemetry"])),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Host"
        ),
        .target(
            name: "LyrebirdBuiltinProviders",
            dependencies: ["LyrebirdPluginAPI"],
            path: "Sources/BuiltinProviders"
        ),
        .executableTarget(
            name: "LyrebirdCommand",
            dependencies: [
                "LyrebirdHost",
                "LyrebirdBuiltinProviders",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/lyrebird",
            // The starter kits' files, which `lyrebird plugins init` copies at run time (see
            // StarterKit/StarterTemplates.swift): packages of their own, never compiled in here.
            exclude: ["StarterKit/Templates"]
        ),
        // Each of the shipped plugins is two targets: the provider, which in-process tests link,
        // and the entry point, which only the shared library exports (one symbol name for every
        // plugin).
        .target(name: "LyrebirdAnthropicProvider", dependencies: ["LyrebirdPluginAPI"], path: "Plugins/Anthropic/Provider"),
        .target(
            name: "LyrebirdAnthropicPlugin", dependencies: ["LyrebirdAnthropicProvider", "LyrebirdPluginAPI"],
            path: "Plugins/Anthropic/Plugin"),
        .target(name: "LyrebirdGeminiProvider", dependencies: ["LyrebirdPluginAPI"], path: "Plugins/Gemini/Provider"),
        .target(
            name: "LyrebirdGeminiPlugin", dependencies: ["LyrebirdGeminiProvider", "LyrebirdPluginAPI"], path: "Plugins/Gemini/Plugin"),
        .target(name: "LyrebirdOllamaProvider", dependencies: ["LyrebirdPluginAPI"], path: "Plugins/Ollama/Provider"),
        .target(
            name: "LyrebirdOllamaPlugin", dependencies: ["LyrebirdOllamaProvider", "LyrebirdPluginAPI"], path: "Plugins/Ollama/Plugin"),
        // Bedrock's InvokeModel takes Anthropic's Messages bodies: the Anthropic provider's
        // decoder and writers, a stateless module, are linked into this plugin too.
        .target(
            name: "LyrebirdBedrockProvider", dependencies: ["LyrebirdAnthropicProvider", "LyrebirdPluginAPI"],
            path: "Plugins/Bedrock/Provider"),
        .target(
            name: "LyrebirdBedrockPlugin", dependencies: ["LyrebirdBedrockProvider", "LyrebirdPluginAPI"], path: "Plugins/Bedrock/Plugin"),
        .target(
            name: "LyrebirdLuaGeo",
            path: "examples/LuaGeo",
            linkerSettings: [.linkedLibrary("m")]
        ),
        .target(
            name: "LyrebirdWordStatsPlugin",
            dependencies: ["CLyrebirdPlugin"],
            path: "examples/WordStats"
        ),
        .target(name: "LyrebirdOldSwiftPlugin", dependencies: ["LyrebirdPluginAPI"], path: "Tests/conformance/plugins/swift_1_0"),
        .target(
            name: "LyrebirdBlockingSwiftPlugin", dependencies: ["LyrebirdPluginAPI"], path: "Tests/conformance/plugins/swift_blocking"),
        .testTarget(
            name: "LyrebirdPluginTests",
            dependencies: ["LyrebirdHost", "LyrebirdBuiltinProviders", "LyrebirdPluginAPI", "CLyrebirdPlugin"],
            path: "Tests/LyrebirdPluginTests"
        ),
        .testTarget(
            name: "LyrebirdHostTests",
            // The Lua modules for the differential tests of the sandbox's libraries against liblua's.
            dependencies: [
                "LyrebirdHost", "LyrebirdBuiltinProviders", "LyrebirdPluginAPI", "LyrebirdStructuredOutput", "CLua", "CLuaSandbox",
            ],
            path: "Tests/LyrebirdHostTests"
        ),
        .testTarget(
            name: "LyrebirdStructuredOutputTests",
            dependencies: ["LyrebirdStructuredOutput", "LyrebirdPluginAPI"],
            path: "Tests/LyrebirdStructuredOutputTests"
        ),
        .testTarget(
            name: "LyrebirdBuiltinProvidersTests",
            dependencies: ["LyrebirdBuiltinProviders", "LyrebirdHost", "LyrebirdPluginAPI"],
            path: "Tests/LyrebirdBuiltinProvidersTests"
        ),
        .testTarget(
            name: "LyrebirdProviderPluginTests",
            dependencies: [
                "LyrebirdHost", "LyrebirdBuiltinProviders", "LyrebirdPluginAPI", "LyrebirdAnthropicProvider", "LyrebirdGeminiProvider",
                "LyrebirdOllamaProvider", "LyrebirdBedrockProvider",
            ],
            path: "Tests/LyrebirdProviderPluginTests"
        ),
    ]
)
