import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

/// Stacking utterances in one encoder pass (long-audio batching) gives each one's own result.
@Suite("Batched encoder")
struct BatchedEncoderTests {
    @Test func batchEqualsOneAtATime() throws {
        let clips = ["en", "zh", "ko"]
        let features = try clips.map { try TinyModel.features($0) }
        let session = EncoderSession(model: TinyModel.bundle.model, threads: 2)
        let batched = try session.encode(batch: features, language: .auto, useITN: true)
        #expect(batched.count == clips.count)
        for (i, f) in features.enumerated() {
            let alone = try session.encode(features: f, language: .auto, useITN: true)
            #expect(batched[i].shape == alone.shape)
            let diff = MaxDifference(batched[i].array, alone.array)
            #expect(diff.value <= 1e-5, "\(clips[i]) batched vs alone: \(diff) at \(diff.position(cols: alone.cols))")
        }
    }

    @Test func sessionBatchMatchesSingleRecognition() throws {
        let clips = ["en", "zh"]
        let samples = try clips.map { try TestWAV.readPCM16(Fixtures.audio("\($0).wav")).samples }
        let session = Transcriber(bundle: TinyModel.bundle).makeSession()
        let options = TranscriptionOptions(language: .auto, useITN: true)
        let batch = try session.recognize(batch: samples, options: options)
        for (i, s) in samples.enumerated() {
            let alone = try session.recognize(s, options: options)
            #expect(batch[i].tokenIds == alone.tokenIds, "\(clips[i])")
            #expect(batch[i].raw == alone.raw)
        }
    }
}
