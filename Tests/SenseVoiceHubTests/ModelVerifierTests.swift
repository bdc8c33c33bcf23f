import Foundation
import SenseVoiceEngine
@testable import SenseVoiceHub
import SenseVoiceHubTestSupport
import SenseVoiceTestSupport
import Testing

@Suite("models verify and list", .serialized)
struct ModelVerifierTests {
    /// A copy of the tiny model with a manifest, as `pull` would leave it.
    static func installedCopy(_ env: HubTestEnvironment) throws -> String {
        let dir = env.cache + "/sensevoice-small"
        try FileManager.default.createDirectory(atPath: env.cache, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.tinyModel.path, toPath: dir)
        let entries = try ModelCatalog.senseVoiceSmall.requiredFiles.map { name in
            let path = dir + "/" + name
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? -1
            return ModelManifest.Entry(path: name, size: size, sha256: try SHA256.hash(fileAt: path).hex)
        }
        try ModelManifest(model: "sensevoice-small", source: .modelscope, endpoint: "http://127.0.0.1", repository: "iic/SenseVoiceSmall",
                          revision: "master", commit: nil, files: entries).write(directory: dir)
        return dir
    }

    @Test func intactCopyVerifies() throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let dir = try Self.installedCopy(env)
        let report = ModelVerifier.verify(directory: dir)
        #expect(report.isVerified, "\(report.problems)")
        #expect(report.manifest != nil && report.checkedChecksums)
        #expect(report.totalBytes > 7_000_000)
    }

    @Test func flippedByteFailsTheChecksumButNotTheQuickCheck() throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let dir = try Self.installedCopy(env)
        let path = dir + "/model.pt"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count - 10] ^= 0x55
        try bytes.write(to: URL(fileURLWithPath: path))
        let full = ModelVerifier.verify(directory: dir, checksums: true, load: false)
        #expect(!full.isVerified)
        #expect(full.problems.contains { $0.contains("model.pt") && $0.contains("SHA-256") })
        #expect(ModelVerifier.verify(directory: dir, checksums: false, load: false).isVerified)
    }

    @Test func truncatedOrMissingFilesAreNamed() throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let dir = try Self.installedCopy(env)
        let handle = try #require(FileHandle(forWritingAtPath: dir + "/model.pt"))
        try handle.truncate(atOffset: 1000)
        try handle.close()
        try FileManager.default.removeItem(atPath: dir + "/am.mvn")
        let report = ModelVerifier.verify(directory: dir, checksums: false)
        #expect(report.problems.contains { $0.contains("am.mvn") && $0.contains("missing") })
        #expect(report.problems.contains { $0.contains("model.pt has 1000 bytes") })
    }

    @Test func folderWithoutManifestIsCheckedByLoading() throws {
        let report = ModelVerifier.verify(directory: Fixtures.tinyModel.path)
        #expect(report.isVerified && report.manifest == nil && report.model == ModelCatalog.senseVoiceSmall)
        let vadReport = ModelVerifier.verify(directory: try Fixtures.requireVADModel().path)
        #expect(vadReport.isVerified && vadReport.model == ModelCatalog.fsmnVAD, "\(vadReport.problems)")
    }

    @Test func modelThatDoesNotLoadFails() throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let dir = env.root.appendingPathComponent("broken").path
        try FileManager.default.copyItem(atPath: Fixtures.tinyModel.path, toPath: dir)
        try Data(repeating: 0, count: 4096).write(to: URL(fileURLWithPath: dir + "/model.pt"))
        let report = ModelVerifier.verify(directory: dir)
        #expect(report.problems.contains { $0.contains("cannot load") })
    }

    @Test func inventoryFindsTheCacheAndTheHubCaches() throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        _ = try Self.installedCopy(env)
        // A FunASR Hugging Face cache snapshot (refs/main names it).
        let repo = env.root.appendingPathComponent("hf/hub/models--FunAudioLLM--SenseVoiceSmall")
        let snapshot = repo.appendingPathComponent("snapshots/\(FakeHub.commit)")
        try FileManager.default.createDirectory(at: snapshot.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.tinyModel, to: snapshot)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("refs"), withIntermediateDirectories: true)
        try FakeHub.commit.write(to: repo.appendingPathComponent("refs/main"), atomically: true, encoding: .utf8)

        let found = ModelInventory.scan(cacheDirectory: env.cache, environment: env.variables())
        #expect(found.count == 2)
        let cached = try #require(found.first { $0.origin == "sensevoice" })
        #expect(cached.report.isVerified && cached.report.manifest != nil)
        let hf = try #require(found.first { $0.origin == "huggingface" })
        #expect(hf.directory == snapshot.path && hf.report.isVerified)
        #expect(ModelLocator.senseVoiceCandidates(environment: env.variables()).contains(snapshot.path))
    }
}
