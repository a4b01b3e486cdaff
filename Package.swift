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
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CLua", path: "Sources/CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CFFI", path: "Sources/CFFI", pkgConfig: "libffi", providers: [.apt(["libffi-dev"])]),
        .target(
            name: "CLyrebirdPlugin",
            path: "Sources/PluginAPI/C"
        ),
        .target(
            name: "LyrebirdPluginAPI",
            dependencies: ["CLyrebirdPlugin"],
            path: "Sources/PluginAPI/Swift"
        ),
        .target(
            name: "LyrebirdHost",
            dependencies: [
                "CLua",
                "CFFI",
                "LyrebirdPluginAPI",
                "CLyrebirdPlugin",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
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
            path: "Sources/lyrebird"
        ),
        .target(
            name: "LyrebirdAnthropicPlugin",
            dependencies: ["LyrebirdPluginAPI"],
            path: "Plugins/AnthropicMessages"
        ),
        .target(
            name: "LyrebirdLuaGeo",
            path: "Plugins/LuaGeo",
            linkerSettings: [.linkedLibrary("m")]
        ),
        .target(
            name: "LyrebirdWordStatsPlugin",
            dependencies: ["CLyrebirdPlugin"],
            path: "Plugins/WordStats"
        ),
        .testTarget(
            name: "LyrebirdPluginTests",
            dependencies: ["LyrebirdHost", "LyrebirdBuiltinProviders", "LyrebirdPluginAPI", "CLyrebirdPlugin"],
            path: "Tests/LyrebirdPluginTests"
        ),
        .testTarget(
            name: "LyrebirdHostTests",
            dependencies: ["LyrebirdHost", "LyrebirdBuiltinProviders", "LyrebirdPluginAPI"],
            path: "Tests/LyrebirdHostTests"
        ),
    ]
)
