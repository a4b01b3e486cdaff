// swift-tools-version:6.2
// The baseline server of bench/run.sh: Hummingbird with nothing of Lyrebird in it.
import PackageDescription

let package = Package(
    name: "bare-hummingbird",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1")
    ],
    targets: [
        .executableTarget(
            name: "BareHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        )
    ]
)
