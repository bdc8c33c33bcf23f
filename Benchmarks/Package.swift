// swift-tools-version: 6.1
// Engine benchmarks (ordo-one/benchmark). A separate package so the main build and `swift test`
// never compile the benchmark harness. Run from this folder:
//   swift package --allow-writing-to-package-directory benchmark
// or a single one:
//   swift package benchmark --filter "encoder/full/10s"
import PackageDescription
import struct Foundation.URL

/// SwiftPM names a path dependency after its folder, so the main package's identity is the name of
/// the folder this one sits in (e.g. `sensevoice-swift`, or whatever the clone is called).
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "sensevoice-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // The malloc interposer gives the allocation counts; the runtime interposer is left out.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "SenseVoiceEngine", package: mainPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
