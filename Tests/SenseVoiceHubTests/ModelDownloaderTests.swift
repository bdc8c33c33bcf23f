import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SenseVoiceEngine
@testable import SenseVoiceHub
import SenseVoiceHubTestSupport
import SenseVoiceTestSupport
import Synchronization
import Testing

/// Collects pull events.
final class EventLog: Sendable {
    private let events = Mutex<[PullEvent]>([])
    func record(_ event: PullEvent) { events.withLock { $0.append(event) } }
    var all: [PullEvent] { events.withLock { $0 } }
    var retries: [(String, String)] {
        all.compactMap { if case .retrying(let file, _, let reason) = $0 { (file, reason) } else { nil } }
    }
}

@Suite("models pull: download, resume, retry, install", .serialized)
struct ModelDownloaderTests {
    static func source(_ kind: HubKind, _ url: URL) -> any HubSource {
        kind == .huggingface ? HuggingFaceHub(endpoint: url) : ModelScopeHub(endpoint: url)
    }

    static func options(_ env: HubTestEnvironment, model: HubModel = ModelCatalog.senseVoiceSmall) -> PullOptions {
        var options = PullOptions(model: model, cacheDirectory: env.cache)
        options.environment = env.variables()
        return options
    }

    static func expectSameFiles(_ directory: String, as fixture: URL, files: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for file in files {
            let installed = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
            let original = try Data(contentsOf: fixture.appendingPathComponent(file))
            #expect(installed == original, "\(file) differs from the fixture", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: HubKind.allCases)
    func pullInstallsAVerifiedModelWithOnlyTheNeededFiles(kind: HubKind) async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        let result = try await hub.run { url in
            try await ModelDownloader(source: Self.source(kind, url)).pull(Self.options(env))
        }
        #expect(result.downloaded)
        #expect(result.directory == env.cache + "/sensevoice-small")
        let installed = try FileManager.default.contentsOfDirectory(atPath: result.directory).sorted()
        #expect(installed == [".sensevoice-manifest.json", "am.mvn", "chn_jpn_yue_eng_ko_spectok.bpe.model",
                              "config.yaml", "configuration.json", "model.pt"])
        #expect(!FileManager.default.fileExists(atPath: result.directory + ".partial"))
        #expect(hub.downloads(of: "tokens.txt").isEmpty)
        try Self.expectSameFiles(result.directory, as: Fixtures.tinyModel, files: ModelCatalog.senseVoiceSmall.requiredFiles)

        let manifest = try #require(try ModelManifest.read(directory: result.directory))
        #expect(manifest.source == kind && manifest.model == "sensevoice-small")
        #expect(manifest.repository == ModelCatalog.senseVoiceSmall.repositoryID(on: kind))
        #expect(manifest.commit == FakeHub.commit)
        let modelEntry = try #require(manifest.files.first { $0.path == "model.pt" })
        #expect(modelEntry.sha256 == (try SHA256.hash(fileAt: Fixtures.tinyModel.appendingPathComponent("model.pt").path).hex))

        let report = ModelVerifier.verify(directory: result.directory)
        #expect(report.isVerified, "\(report.problems)")
        #expect(report.checkedChecksums && report.model == ModelCatalog.senseVoiceSmall)
        // The installed folder is one the engine loads.
        let bundle = try SenseVoice(modelDirectory: result.directory)
        #expect(bundle.config.vocabSize == (try SenseVoice(modelDirectory: Fixtures.tinyModel.path)).config.vocabSize)
    }

    @Test func corruptedDownloadIsDetectedAndRetried() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        var faults = FakeHub.Faults()
        faults.corruptFirstDownload = ["model.pt", "config.yaml"]
        hub.setFaults(faults)
        let log = EventLog()
        let result = try await hub.run { url in
            try await ModelDownloader(source: Self.source(.modelscope, url), events: { log.record($0) }).pull(Self.options(env))
        }
        #expect(hub.downloads(of: "model.pt").count == 2)
        #expect(hub.downloads(of: "config.yaml").count == 2)
        // The retry starts the file over: no range request for a file whose bytes were wrong.
        #expect(hub.downloads(of: "model.pt").allSatisfy { $0.range == nil })
        #expect(log.retries.contains { $0.0 == "model.pt" && $0.1.contains("SHA-256") })
        try Self.expectSameFiles(result.directory, as: Fixtures.tinyModel, files: ["model.pt", "config.yaml"])
        #expect(ModelVerifier.verify(directory: result.directory).isVerified)
    }

    /// Hugging Face lists no SHA-256 for small (non-LFS) files; their git object id catches corruption.
    /// The fake hub computes those ids with `git hash-object`: recorded as skipped where git is missing.
    @Test(.enabled(if: FakeHub.Repo.gitAvailable, "needs git (the fake hub's object ids come from git hash-object)"))
    func corruptedNonLFSFileFromHuggingFaceIsCaughtByItsGitObjectID() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        try #require(FakeHub.Repo.gitHashObject([Fixtures.tinyModel.appendingPathComponent("am.mvn").path]) != nil,
                     "git hash-object failed")
        let hub = try FakeHub.standard()
        var faults = FakeHub.Faults()
        faults.corruptFirstDownload = ["am.mvn"]
        hub.setFaults(faults)
        let log = EventLog()
        let result = try await hub.run { url in
            try await ModelDownloader(source: Self.source(.huggingface, url), events: { log.record($0) }).pull(Self.options(env))
        }
        #expect(hub.downloads(of: "am.mvn").count == 2)
        #expect(log.retries.contains { $0.0 == "am.mvn" && $0.1.contains("git object id") })
        try Self.expectSameFiles(result.directory, as: Fixtures.tinyModel, files: ["am.mvn"])
    }

    @Test func persistentCorruptionFromModelScopeFailsAfterThreeAttempts() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        var faults = FakeHub.Faults()
        faults.corruptAlways = ["model.pt"]
        hub.setFaults(faults)
        let error = await #expect(throws: HubError.self) {
            try await hub.run { url in
                try await ModelDownloader(source: Self.source(.modelscope, url)).pull(Self.options(env))
            }
        }
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message.contains("3 attempts") == true)
        #expect(hub.downloads(of: "model.pt").count == 3)
        #expect(!FileManager.default.fileExists(atPath: env.cache + "/sensevoice-small"))
        #expect(!FileManager.default.fileExists(atPath: env.cache + "/sensevoice-small.partial/model.pt.part"))
    }

    @Test(arguments: [false, true])
    func partialFileFromAnEarlierRunIsResumed(ignoreRange: Bool) async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        var faults = FakeHub.Faults()
        faults.ignoreRange = ignoreRange
        hub.setFaults(faults)
        // An interrupted earlier pull left the first 3 MB of model.pt.
        let staging = env.cache + "/sensevoice-small.partial"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let original = try Data(contentsOf: Fixtures.tinyModel.appendingPathComponent("model.pt"))
        let kept = 3_000_000
        try original.prefix(kept).write(to: URL(fileURLWithPath: staging + "/model.pt.part"))

        let result = try await hub.run { url in
            try await ModelDownloader(source: Self.source(.huggingface, url)).pull(Self.options(env))
        }
        let requests = hub.downloads(of: "model.pt")
        #expect(requests.count == 1)
        #expect(requests.first?.range == "bytes=\(kept)-")
        try Self.expectSameFiles(result.directory, as: Fixtures.tinyModel, files: ["model.pt"])
        #expect(ModelVerifier.verify(directory: result.directory).isVerified)
    }

    @Test func droppedConnectionResumesWhereItBroke() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        var faults = FakeHub.Faults()
        faults.dropFirstDownloadAfter = ["model.pt": 2_000_000]
        hub.setFaults(faults)
        let log = EventLog()
        let result = try await hub.run { url in
            try await ModelDownloader(source: Self.source(.modelscope, url), events: { log.record($0) }).pull(Self.options(env))
        }
        let requests = hub.downloads(of: "model.pt")
        #expect(requests.count == 2)
        #expect(requests.first?.range == nil)
        let second = try #require(requests.last?.range)
        let offset = try #require(Int(second.dropFirst("bytes=".count).dropLast()))
        #expect(offset > 0 && offset <= 2_000_000, "resumed at \(second)")
        #expect(log.retries.contains { $0.0 == "model.pt" })
        try Self.expectSameFiles(result.directory, as: Fixtures.tinyModel, files: ["model.pt"])
    }

    @Test func completeCopyIsNotDownloadedAgain() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        let (first, second, forced) = try await hub.run { url in
            let downloader = ModelDownloader(source: Self.source(.modelscope, url))
            let first = try await downloader.pull(Self.options(env))
            let second = try await downloader.pull(Self.options(env))
            var options = Self.options(env)
            options.force = true
            let forced = try await downloader.pull(options)
            return (first, second, forced)
        }
        #expect(first.downloaded && !second.downloaded && forced.downloaded)
        #expect(second.directory == first.directory && forced.directory == first.directory)
        #expect(hub.downloads(of: "model.pt").count == 2)
        // The forced re-install replaced the folder whole: no staging or set-aside folders remain.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: env.cache).sorted()
        #expect(leftovers == [".sensevoice-small.lock", "sensevoice-small"])
    }

    /// An installed copy whose files no longer match its manifest is not "complete": it is replaced.
    @Test func copyThatDiffersFromItsManifestIsDownloadedAgain() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        let (first, second) = try await hub.run { url in
            let downloader = ModelDownloader(source: Self.source(.modelscope, url))
            let first = try await downloader.pull(Self.options(env))
            let handle = try #require(FileHandle(forWritingAtPath: first.directory + "/configuration.json"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("\n".utf8))
            try handle.close()
            return (first, try await downloader.pull(Self.options(env)))
        }
        #expect(first.downloaded && second.downloaded)
        #expect(hub.downloads(of: "configuration.json").count == 2)
        #expect(ModelVerifier.verify(directory: second.directory).isVerified)
    }

    @Test func secondConcurrentPullIsRefused() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let held = try ModelDownloader.lock(cache: env.cache, name: "sensevoice-small")
        defer { close(held) }
        let hub = try FakeHub.standard()
        let error = await #expect(throws: HubError.self) {
            try await hub.run { url in try await ModelDownloader(source: Self.source(.modelscope, url)).pull(Self.options(env)) }
        }
        #expect(error?.code == .busy)
        #expect(hub.records.isEmpty)
    }

    @Test func modelInFunASRModelScopeCacheIsReused() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let existing = env.root.appendingPathComponent("modelscope/models/iic/SenseVoiceSmall")
        try FileManager.default.createDirectory(at: existing.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.tinyModel, to: existing)
        let hub = try FakeHub.standard()
        let log = EventLog()
        let result = try await hub.run { url in
            try await ModelDownloader(source: Self.source(.modelscope, url), events: { log.record($0) }).pull(Self.options(env))
        }
        #expect(!result.downloaded)
        #expect(result.directory == existing.path)
        #expect(hub.records.isEmpty)
    }

    @Test func vadModelFromHuggingFace() async throws {
        let vad = try Fixtures.requireVADModel()
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        let result = try await hub.run { url in
            try await ModelDownloader(source: Self.source(.huggingface, url)).pull(Self.options(env, model: ModelCatalog.fsmnVAD))
        }
        #expect(result.directory == env.cache + "/fsmn-vad")
        try Self.expectSameFiles(result.directory, as: vad, files: ModelCatalog.fsmnVAD.requiredFiles)
        let report = ModelVerifier.verify(directory: result.directory)
        #expect(report.isVerified && report.model == ModelCatalog.fsmnVAD, "\(report.problems)")
        _ = try FSMNVAD(modelDirectory: result.directory)
    }

    @Test func missingRequiredFileOnTheHubIsReported() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        var repo = try FakeHub.Repo(directory: Fixtures.tinyModel)
        repo.files["am.mvn"] = nil
        let hub = FakeHub(repos: ["iic/SenseVoiceSmall": repo])
        let error = await #expect(throws: HubError.self) {
            try await hub.run { url in try await ModelDownloader(source: Self.source(.modelscope, url)).pull(Self.options(env)) }
        }
        #expect(error?.code == .modelNotOnHub)
        #expect(error?.message.contains("am.mvn") == true)
    }

    @Test("the model's example clips come along in their folder when the hub has them", arguments: HubKind.allCases)
    func exampleClipsAreInstalled(kind: HubKind) async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        var tiny = try FakeHub.Repo(directory: Fixtures.tinyModel)
        let clip = [UInt8](try Data(contentsOf: Fixtures.audio("en.wav")))
        tiny.files["example/en.mp3"] = clip
        tiny.sha256["example/en.mp3"] = SHA256.hash(clip).hex
        tiny.gitBlobIDs["example/en.mp3"] = nil
        let hub = FakeHub(repos: ["iic/SenseVoiceSmall": tiny, "FunAudioLLM/SenseVoiceSmall": tiny])
        let result = try await hub.run { url in
            try await ModelDownloader(source: Self.source(kind, url)).pull(Self.options(env))
        }
        let installed = URL(fileURLWithPath: result.directory).appendingPathComponent("example/en.mp3")
        #expect(try Data(contentsOf: installed) == Data(clip), "the clip survives the clean-up of files the listing does not name")
        #expect(!FileManager.default.fileExists(atPath: result.directory + "/example/zh.mp3"), "clips the hub lacks are skipped")
        let manifest = try #require(try ModelManifest.read(directory: result.directory))
        #expect(manifest.files.contains { $0.path == "example/en.mp3" && $0.sha256 == SHA256.hash(clip).hex })
        #expect(ModelVerifier.verify(directory: result.directory).isVerified)
    }
}
