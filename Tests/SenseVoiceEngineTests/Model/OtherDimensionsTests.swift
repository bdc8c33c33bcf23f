import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

/// A second model (48 wide, 3 heads, 80 FFN units, 2 + 1 layers, kernel 7, float16 checkpoint) with
/// goldens from an independent numpy implementation (scripts/make_alt_model.py, itself checked
/// against the funasr goldens): nothing about the tiny model's sizes may be hard-coded.
@Suite("A model of other dimensions")
struct OtherDimensionsTests {
    static let dir = Fixtures.root.appendingPathComponent("alt-sensevoice")
    static let gold = Fixtures.root.appendingPathComponent("alt-golden")

    @Test func configDrivesEveryDimension() throws {
        let bundle = try SenseVoice(modelDirectory: Self.dir.path)
        let e = bundle.config.encoder
        #expect(e.outputSize == 48 && e.attentionHeads == 3 && e.linearUnits == 80)
        #expect(e.numBlocks == 2 && e.tpBlocks == 1 && e.kernelSize == 7)
        #expect(bundle.model.encoders.count == 2 && bundle.model.tpEncoders.count == 1)
        #expect(bundle.model.ctcWeight.shape == [25055, 48])
    }

    @Test(arguments: ["en", "ko"], ["auto_itn", "zh_noitn", "en_itn"])
    func encoderMatchesReference(clip: String, tag: String) throws {
        let bundle = try SenseVoice(modelDirectory: Self.dir.path)
        let features = try Fixtures.npy(clip, "features.npy").tensor
        let options: TranscriptionOptions = switch tag {
        case "auto_itn": .init(language: .auto, useITN: true)
        case "zh_noitn": .init(language: .zh, useITN: false)
        default: .init(language: .en, useITN: true)
        }
        let (out, logProbs) = try Transcriber(bundle: bundle).makeSession().forward(features: features, options: options)
        let golden = try NpyArray(contentsOf: Self.gold.appendingPathComponent("\(clip)_encoder_out_\(tag).npy"))
        #expect(out.shape == golden.shape)
        let diff = MaxDifference(out.array, golden.floats)
        #expect(diff.value <= 2e-3, "\(diff) at \(diff.position(cols: 48))")
        let argmax = try NpyArray(contentsOf: Self.gold.appendingPathComponent("\(clip)_argmax_\(tag).npy")).ints
        let gaps = try NpyArray(contentsOf: Self.gold.appendingPathComponent("\(clip)_gap_\(tag).npy")).floats
        for t in 0..<logProbs.rows where gaps[t] > 1e-3 {
            let best = Kernels.argmax(logProbs.pointer + t * logProbs.cols, count: logProbs.cols).index
            #expect(best == Int(argmax[t]), "frame \(t)")
        }
    }

    @Test func tinyConfigAgainstAltWeightsListsEveryMismatch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-alt-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.dir, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("config.yaml"))
        try FileManager.default.copyItem(at: Fixtures.tinyModel.appendingPathComponent("config.yaml"),
                                         to: dir.appendingPathComponent("config.yaml"))
        let error = try #require(throws: SenseVoiceError.self) { try SenseVoice(modelDirectory: dir.path) }
        #expect(error.code == .checkpointMismatch)
        #expect(error.message.contains("model.pt"))
        #expect(error.message.contains("encoder.encoders0.0.self_attn.linear_q_k_v.weight"))
        #expect(error.message.contains("missing"))
    }
}
