import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

/// A running encoder pass can be stopped between layers (a live partial giving its core to a
/// final), and asking costs the result nothing.
@Suite("Encoder cancellation")
struct EncoderCancellationTests {
    @Test func asksBeforeEveryLayerAndStopsWhereTold() throws {
        let features = try TinyModel.features("en")
        let model = TinyModel.bundle.model
        let layers = model.encoders.count + model.tpEncoders.count
        let session = EncoderSession(model: model, threads: 1)
        var asked = 0
        let whole = try session.encode(batch: [features], language: .auto, useITN: true, isCancelled: {
            asked += 1
            return false
        })[0]
        #expect(asked == layers)
        let plain = try session.encode(features: features, language: .auto, useITN: true)
        #expect(whole.array == plain.array)

        asked = 0
        let stopAt = min(2, layers)
        #expect {
            _ = try session.encode(batch: [features], language: .auto, useITN: true, isCancelled: {
                asked += 1
                return asked == stopAt
            })
        } throws: { ($0 as? SenseVoiceError)?.code == .cancelled }
        #expect(asked == stopAt)
        // The session is usable after a stopped pass, and gives the same result.
        let again = try session.encode(features: features, language: .auto, useITN: true)
        #expect(again.array == plain.array)
    }

    @Test func recognizeSegmentStopsWithCancelled() throws {
        let samples = try TestWAV.readPCM16(Fixtures.audio("zh.wav")).samples
        let session = Transcriber(bundle: TinyModel.bundle).makeSession()
        let audio = LiveAudio(samples: samples, startMs: 0, endMs: samples.count / 16, streamMs: samples.count / 16)
        let options = TranscriptionOptions(language: .auto, useITN: true)
        #expect {
            _ = try session.recognizeSegment(audio, options: options, threads: 2, isCancelled: { true })
        } throws: { ($0 as? SenseVoiceError)?.code == .cancelled }
        let whole = try session.recognizeSegment(audio, options: options, threads: 2, isCancelled: { false })
        let plain = try session.recognizeSegment(audio, options: options)
        #expect(whole == plain)
        #expect(whole != nil)
    }
}
