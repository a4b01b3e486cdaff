// swift-tools-version:6.2
// libFuzzer targets for Lyrebird. A package of its own because `-sanitize=fuzzer,address`
// instruments every target it builds, dependencies included: building here, into Fuzz/.build,
// leaves the project's own build untouched. Run them with ../scripts/fuzz.sh.
import PackageDescription

/// One libFuzzer executable per entry point, each a `main.swift` in `Sources/<name>`.
let targets = [
    "fuzz-json", "fuzz-chat-decode", "fuzz-anthropic-decode", "fuzz-config", "fuzz-lua-request", "fuzz-lua-reply",
    "fuzz-plugin-json", "fuzz-host", "fuzz-responses-decode", "fuzz-embeddings-decode", "fuzz-completions-decode",
    "fuzz-gemini-decode", "fuzz-ollama-decode", "fuzz-admin-access", "fuzz-websocket-frames", "fuzz-lua-patterns",
    "fuzz-bedrock-decode",
    "fuzz-regex",
    "fuzz-match",
    "fuzz-faults",
]

/// Plugin providers some targets also call in process, next to the loaded plugin, and the
/// project's modules a target calls directly.
let inProcessProviders = [
    "fuzz-gemini-decode": ["LyrebirdGeminiProvider"], "fuzz-ollama-decode": ["LyrebirdOllamaProvider"],
    "fuzz-bedrock-decode": ["LyrebirdBedrockProvider"],
    "fuzz-regex": ["LyrebirdStructuredOutput"],
]

/// SwiftNIO modules a target compares the host's own readers with.
let nioModules = ["fuzz-websocket-frames": ["NIOCore", "NIOEmbedded", "NIOWebSocket"]]

let package = Package(
    name: "lyrebird-fuzz",
    platforms: [.macOS(.v15)],
    products: targets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        // Without the PostgreSQL trait: the fuzzers never reach a database, and its TLS and
        // crypto libraries would be built sanitized for nothing.
        .package(name: "lyrebird", path: "..", traits: []),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
    ],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "LyrebirdPluginAPI", package: "lyrebird"),
                .product(name: "LyrebirdHost", package: "lyrebird"),
                .product(name: "LyrebirdBuiltinProviders", package: "lyrebird"),
            ]
        )
    ]
        + targets.map { name in
            .executableTarget(
                name: name,
                dependencies: [
                    "FuzzSupport",
                    .product(name: "LyrebirdPluginAPI", package: "lyrebird"),
                    .product(name: "LyrebirdHost", package: "lyrebird"),
                    .product(name: "LyrebirdBuiltinProviders", package: "lyrebird"),
                ] + (inProcessProviders[name] ?? []).map { .product(name: $0, package: "lyrebird") }
                    + (nioModules[name] ?? []).map { .product(name: $0, package: "swift-nio") }
            )
        }
)
