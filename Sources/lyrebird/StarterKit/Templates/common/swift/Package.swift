// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "my-plugin",
    platforms: [.macOS(.v15)],
    products: [
        // The plugin: libMyPlugin.so, which `lyrebird serve --plugin` loads.
        .library(name: "MyPlugin", type: .dynamic, targets: ["MyPlugin"])
    ],
    dependencies: [
        .package(path: "../lyrebird")
    ],
    targets: [
        // SwiftPM names a package dependency after the last component of its path or URL.
        .target(name: "MyPlugin", dependencies: [.product(name: "LyrebirdPluginAPI", package: "lyrebird")]),
        .testTarget(name: "MyPluginTests", dependencies: ["MyPlugin"]),
    ]
)
