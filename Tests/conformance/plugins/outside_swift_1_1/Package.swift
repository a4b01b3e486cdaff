// swift-tools-version:6.2
// A plugin package written outside Lyrebird against its Swift plugin API 1.1, kept as it was
// written: every later 1.x release must build it unchanged (test_plugin_api_versions.py builds it next to
// a checkout named `lyrebird`). Never edit it; add a folder for a later version instead.
import PackageDescription

let package = Package(
    name: "outside-plugin",
    platforms: [.macOS(.v15)],
    products: [.library(name: "OutsidePlugin", type: .dynamic, targets: ["OutsidePlugin"])],
    dependencies: [.package(path: "../lyrebird")],
    targets: [
        .target(name: "OutsidePlugin", dependencies: [.product(name: "LyrebirdPluginAPI", package: "lyrebird")])
    ]
)
