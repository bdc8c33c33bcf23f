// The denoiser in front of recognition: off changes nothing, afftdn runs offline and live alike,
// the engine's default applies when a request says nothing.

import Foundation
@testable import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

@Suite("denoising before recognition")
struct DenoiseRecognitionTests {
    /// zh.wav with quiet deterministic noise added.
    static func noisy(_ name: String = "zh.wav") throws -> [Float] {
        let clean = try TestWAV.readPCM16(Fixtures.audio(name)).samples
        var state: UInt64 = 42
        return clean.map { x in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return x + 0.01 * (Float(state >> 40) / Float(1 << 24) - 0.5)
        }
    }

    @Test("off by default; off hands recognition the decoder's samples bit for bit")
    func offIsIdentity() throws {
        #expect(EngineConfiguration().denoise == .off)
        #expect(TranscriptionOptions().denoise == nil)
        let session = Transcriber(bundle: TinyModel.bundle).makeSession()
        let audio = AudioBuffer(samples: try Self.noisy(), sampleRate: 16_000)
        for options in [TranscriptionOptions(), { var o = TranscriptionOptions(); o.denoise = .off; return o }()] {
            let (out, seconds) = try session.denoised(audio, options: options)
            #expect(out.samples.elementsEqual(audio.samples) { $0.bitPattern == $1.bitPattern })
            #expect(seconds == 0)
        }
    }

    @Test("afftdn: recognition of the noisy audio is recognition of the denoised samples; the engine's default applies")
    func offlineUsesDenoisedSamples() throws {
        let samples = try Self.noisy()
        let denoised = try Denoiser.apply(.afftdn, to: samples, sampleRate: 16_000)
        #expect(denoised != samples)
        var configuration = EngineConfiguration()
        configuration.denoise = .afftdn
        let byDefault = Transcriber(bundle: TinyModel.bundle, configuration: configuration).makeSession()
        let plain = Transcriber(bundle: TinyModel.bundle).makeSession()
        var asked = TranscriptionOptions()
        asked.denoise = .afftdn
        var off = TranscriptionOptions()
        off.denoise = .off
        let expected = try plain.transcribe(AudioBuffer(samples: denoised, sampleRate: 16_000), file: nil, options: TranscriptionOptions())
        for (session, options) in [(plain, asked), (byDefault, TranscriptionOptions())] {
            let result = try session.transcribe(AudioBuffer(samples: samples, sampleRate: 16_000), file: nil, options: options)
            #expect(result.raw == expected.raw)
            #expect(result.segments.map(\.raw) == expected.segments.map(\.raw))
        }
        // A request's off wins over the engine's default.
        let undenoised = try plain.transcribe(AudioBuffer(samples: samples, sampleRate: 16_000), file: nil, options: TranscriptionOptions())
        #expect(try byDefault.transcribe(AudioBuffer(samples: samples, sampleRate: 16_000), file: nil, options: off).raw == undenoised.raw)
    }

    @Test("live with afftdn: each final equals offline recognition of the same cut of the whole-file denoised samples")
    func liveFinalsEqualOfflineOfDenoised() throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("long_mixed.wav"))
        let denoised = try Denoiser.apply(.afftdn, to: samples, sampleRate: 16_000)
        var configuration = EngineConfiguration()
        configuration.denoise = .afftdn  // the engine's default reaches the live session
        let transcriber = Transcriber(bundle: TinyModel.bundle, configuration: configuration)
        let options = LiveOptions(transcription: TranscriptionOptions(language: .auto, useITN: true), partialIntervalMs: 0)
        var live = try LiveSession(session: transcriber.makeSession(), vad: vad, inputSampleRate: 16_000, options: options)
        #expect(live.options.transcription.denoise == .afftdn)
        var events: [LiveEvent] = []
        var start = 0, k = 0
        let sizes = [3200, 1234, 8000, 17]
        while start < samples.count {
            let end = min(samples.count, start + sizes[k % sizes.count])
            events += try live.feed(Array(samples[start..<end]))
            start = end
            k += 1
        }
        events += try live.finish()
        let finals = events.compactMap { if case .final(let s) = $0 { s } else { nil } }
        #expect(!finals.isEmpty)
        let offline = Transcriber(bundle: TinyModel.bundle).makeSession()
        for final in finals {
            let cut = Array(denoised[(final.startMs * 16)..<min(final.endMs * 16, denoised.count)])
            let result = try offline.recognizeSegment(LiveAudio(samples: cut, startMs: final.startMs, endMs: final.endMs,
                                                                streamMs: final.endMs), options: options.transcription)
            #expect(final.raw == result?.raw, "[\(final.startMs), \(final.endMs)]")
        }
        #expect(events.last == .done(durationMs: samples.count / 16))
    }
}
