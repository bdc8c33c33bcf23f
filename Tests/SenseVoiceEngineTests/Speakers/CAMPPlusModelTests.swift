// Loading the CAM++ folder: widths from config.yaml, clear errors for missing and corrupt models.

import Foundation
@testable import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

@Suite(.enabled(if: DiarizationGolden.available, "needs ../shared/fixtures/tiny-campplus"))
struct CAMPPlusModelTests {
    /// A scratch copy of tiny-campplus whose files a test may change.
    static func copy() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("campplus-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: try #require(DiarizationGolden.modelFolder), to: dir)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent(name).path)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        return dir
    }

    static func code(_ body: () throws -> Void) -> SenseVoiceError.Code? {
        do { try body() } catch let e as SenseVoiceError { return e.code } catch { return nil }
        return nil
    }

    @Test func widthsComeFromConfig() throws {
        let model = try DiarizationGolden.model()
        #expect(model.config == CAMPPlusConfig(featDim: 80, embeddingSize: 192, growthRate: 8, bnSize: 2, initChannels: 32))
        #expect(model.config.blockInputChannels == [32, 64, 128, 128])
    }

    @Test func missingFolderOrWeightsIsModelNotFound() throws {
        #expect(Self.code { _ = try CAMPPlusModel(directory: "/nonexistent/cam++") } == .modelNotFound)
        let dir = try Self.copy()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("campplus_cn_common.bin"))
        #expect(Self.code { _ = try CAMPPlusModel(directory: dir.path) } == .modelNotFound)
    }

    @Test func truncatedWeightsAreCorrupt() throws {
        let dir = try Self.copy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("campplus_cn_common.bin")
        let data = try Data(contentsOf: file)
        try data.prefix(data.count / 2).write(to: file)
        #expect(Self.code { _ = try CAMPPlusModel(directory: dir.path) } == .modelFileCorrupt)
    }

    @Test func otherWidthsInConfigAreACheckpointMismatch() throws {
        let dir = try Self.copy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.yaml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "growth_rate: 8", with: "growth_rate: 16")
        try text.write(to: config, atomically: true, encoding: .utf8)
        #expect(Self.code { _ = try CAMPPlusModel(directory: dir.path) } == .checkpointMismatch)
    }

    @Test func unsupportedConfigIsConfigInvalid() {
        #expect(Self.code { _ = try CAMPPlusConfig(yaml: "model: CAMPPlus\nmodel_conf:\n  config_str: batchnorm-prelu\n") } == .configInvalid)
        #expect(Self.code { _ = try CAMPPlusConfig(yaml: "model: SenseVoiceSmall\nmodel_conf: {}\n") } == .configInvalid)
        #expect(Self.code { _ = try CAMPPlusConfig(yaml: "model: CAMPPlus\nmodel_conf:\n  feat_dim: 81\n") } == .configInvalid)
    }
}
