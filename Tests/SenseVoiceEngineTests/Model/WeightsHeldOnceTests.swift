import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

/// Issue #12 item 8: a reduced-precision model holds its converted weights only, converted layer by
/// layer while the checkpoint is read, with the same arithmetic as converting a loaded fp32 model.
@Suite("Weights held once")
struct WeightsHeldOnceTests {
    /// Loading straight into int8 (layer by layer, float32 pages released) computes exactly what
    /// converting the whole loaded fp32 model does.
    @Test func loadingIntoInt8EqualsConvertingTheLoadedModel() throws {
        let loaded = try SenseVoice(modelDirectory: Fixtures.tinyModel.path, precision: .int8).model
        let converted = try TinyModel.bundle.model.converted(to: .int8)
        #expect(loaded.precision == .int8 && converted.precision == .int8)
        let features = try TinyModel.features("en")
        let a = try EncoderSession(model: loaded, threads: 2).encode(features: features, language: .auto, useITN: true)
        let b = try EncoderSession(model: converted, threads: 2).encode(features: features, language: .auto, useITN: true)
        #expect(a.array == b.array)
    }

    /// A converted layer keeps no float32 weights: converting it again is refused with what to do.
    @Test func convertedLayersKeepNoFloat32Weights() throws {
        let model = try SenseVoice(modelDirectory: Fixtures.tinyModel.path, precision: .int8).model
        let error = try #require(throws: SenseVoiceError.self) { try model.encoders[0].ffn1.converted(to: .fp32) }
        #expect(error.code == .invalidOption)
        #expect(error.message.contains("load the model again"))
        #expect(throws: SenseVoiceError.self) { try model.converted(to: .fp32) }
    }

    /// Releasing a mapped tensor's pages drops them from memory, not from the tensor: the values read
    /// back from the file are the same.
    @Test func releasedMappedPagesReadBackTheSameValues() throws {
        let checkpoint = try TorchCheckpoint(path: Fixtures.tinyModel.appendingPathComponent("model.pt").path)
        let ctc = try checkpoint.tensor("ctc.ctc_lo.weight")
        #expect(ctc.storage.isMapped)
        let before = ctc.array
        ctc.storage.releaseMappedPages()
        #expect(ctc.array == before)
        let owned = Tensor(shape: [3], values: [1, 2, 3])
        owned.storage.releaseMappedPages()
        #expect(owned.array == [1, 2, 3])
    }

    /// The model's declaration is the checkpoint's: every tensor, in file order, nothing else.
    @Test func declarationCoversTheCheckpoint() throws {
        let checkpoint = try TorchCheckpoint(path: Fixtures.tinyModel.appendingPathComponent("model.pt").path)
        let specs = SenseVoiceModel.tensorSpecs(config: TinyModel.bundle.config)
        #expect(specs.map(\.name).sorted() == checkpoint.names)
        try checkpoint.check(specs, allowUnexpected: false)
        #expect(TinyModel.bundle.model.ctcWeight.name == "ctc.ctc_lo.weight")
    }

    /// The thread budget is the session's: sessions with different budgets in one process agree.
    @Test func sessionsWithDifferentThreadBudgetsAgree() throws {
        let features = try TinyModel.features("zh")
        let one = try EncoderSession(model: TinyModel.bundle.model, threads: 1)
            .encode(features: features, language: .auto, useITN: true)
        let two = try EncoderSession(model: TinyModel.bundle.model, threads: 2)
            .encode(features: features, language: .auto, useITN: true)
        let diff = MaxDifference(one.array, two.array)
        #expect(diff.value <= 1e-5, "1 vs 2 threads: \(diff)")
    }
}
