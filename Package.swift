// swift-tools-version: 6.1
// sensevoice-swift: SenseVoiceSmall speech understanding in pure Swift on Linux.
import PackageDescription

/// Settings every Swift target shares.
/// - `ExistentialAny`: spell `any Protocol` so existential costs are visible at the use site.
/// - `MemberImportVisibility`: a file must import the module whose members it uses, so module
///   dependencies stay honest (Tensor/Audio → Engine → Jobs → Server → CLI).
/// - `InternalImportsByDefault`: imports are internal unless marked `public import`, so no module
///   leaks another module's API by accident.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "sensevoice-swift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sensevoice", targets: ["SenseVoiceCLI"]),
        .library(name: "SenseVoiceEngine", targets: ["SenseVoiceEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Service: HTTP server, job store, metrics, logging, lifecycle.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Live transcription: the WebSocket routes (server) and a real WebSocket client (tests).
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // AVX-512 row kernels (exp-heavy softmax passes), used after a run-time CPU check.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // oneDNN (Debian 12: 2.6.3, OpenMP build) matmul for --precision bf16|int8, behind a small C API.
        .target(name: "CDNNL", linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]),
        .target(name: "SenseVoiceTensor", dependencies: ["CBLAS", "CKernels", "CDNNL"], swiftSettings: swiftSettings),
        // FFmpeg (Debian 12: FFmpeg 5.1) for every non-WAV format: the system library supplies
        // pkg-config flags and link lines, CFFmpegShim a small opaque C API over it.
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libavfilter-dev"])]),
        .target(name: "CFFmpegShim", dependencies: ["CFFmpeg"],
                linkerSettings: [.linkedLibrary("avformat"), .linkedLibrary("avcodec"),
                                 .linkedLibrary("avutil")]),
        // libavfilter's afftdn / arnndn for the optional denoising front end (--denoise).
        .target(name: "CFFmpegFilter", dependencies: ["CFFmpeg"],
                linkerSettings: [.linkedLibrary("avfilter"), .linkedLibrary("avutil")]),
        .target(name: "SenseVoiceAudio", dependencies: ["SenseVoiceTensor", "CFFmpegShim", "CFFmpegFilter"],
                swiftSettings: swiftSettings),
        // zlib: the compression ratio of a segment's text (verbose_json `compression_ratio`).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "SenseVoiceEngine",
                dependencies: ["SenseVoiceTensor", "SenseVoiceAudio", "CBLAS", "CZlib",
                               .product(name: "Yams", package: "Yams")],
                swiftSettings: swiftSettings),
        // Service: job store and workers (store-agnostic protocol; SQLite via GRDB, PostgreSQL via
        // postgres-nio), then the HTTP app.
        .target(name: "SenseVoiceJobs",
                dependencies: ["SenseVoiceEngine",
                               .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "PostgresNIO", package: "postgres-nio"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                swiftSettings: swiftSettings),
        .target(name: "SenseVoiceServer",
                dependencies: ["SenseVoiceEngine", "SenseVoiceJobs",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "Logging", package: "swift-log")],
                resources: [.copy("Resources/Public")],
                swiftSettings: swiftSettings),
        // Model management: hub clients (ModelScope, Hugging Face), resumable verified downloads, manifests.
        .target(name: "SenseVoiceHub", dependencies: ["SenseVoiceEngine"], swiftSettings: swiftSettings),
        .executableTarget(name: "SenseVoiceCLI",
                          dependencies: ["SenseVoiceEngine", "SenseVoiceAudio", "SenseVoiceTensor", "SenseVoiceServer", "SenseVoiceJobs",
                                         .product(name: "Yams", package: "Yams"),
                                         .product(name: "Logging", package: "swift-log"),
                                         .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                         .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         "SenseVoiceHub"],
                          swiftSettings: swiftSettings),

        .target(name: "SenseVoiceTestSupport", dependencies: ["SenseVoiceTensor", "SenseVoiceAudio"],
                path: "Tests/SenseVoiceTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "SenseVoiceTensorTests",
                    dependencies: ["SenseVoiceTensor", "SenseVoiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SenseVoiceAudioTests",
                    dependencies: ["SenseVoiceAudio", "SenseVoiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SenseVoiceEngineTests",
                    dependencies: ["SenseVoiceEngine", "SenseVoiceAudio", "SenseVoiceTensor", "SenseVoiceTestSupport"],
                    swiftSettings: swiftSettings),
        // A fresh database per test on the throwaway PostgreSQL of scripts/with-test-postgres.sh.
        .target(name: "SenseVoiceJobsTestSupport",
                dependencies: ["SenseVoiceJobs", .product(name: "PostgresNIO", package: "postgres-nio")],
                path: "Tests/SenseVoiceJobsTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "SenseVoiceJobsTests",
                    dependencies: ["SenseVoiceJobs", "SenseVoiceEngine", "SenseVoiceTestSupport", "SenseVoiceJobsTestSupport",
                                   .product(name: "PostgresNIO", package: "postgres-nio")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "SenseVoiceServerTests",
                    dependencies: ["SenseVoiceServer", "SenseVoiceJobs", "SenseVoiceEngine", "SenseVoiceTestSupport",
                                   "SenseVoiceJobsTestSupport",
                                   .product(name: "HummingbirdTesting", package: "hummingbird"),
                                   .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                                   .product(name: "PostgresNIO", package: "postgres-nio")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "SenseVoiceCLITests",
                    dependencies: ["SenseVoiceTestSupport", "SenseVoiceCLI",
                                   "SenseVoiceHubTestSupport"],
                    swiftSettings: swiftSettings),
        // A fake ModelScope + Hugging Face hub (Hummingbird on 127.0.0.1) serving the fixture models.
        .target(name: "SenseVoiceHubTestSupport",
                dependencies: ["SenseVoiceHub", "SenseVoiceTestSupport",
                               .product(name: "Hummingbird", package: "hummingbird")],
                path: "Tests/SenseVoiceHubTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "SenseVoiceHubTests",
                    dependencies: ["SenseVoiceHub", "SenseVoiceEngine", "SenseVoiceTestSupport", "SenseVoiceHubTestSupport"],
                    swiftSettings: swiftSettings),
    ]
)
