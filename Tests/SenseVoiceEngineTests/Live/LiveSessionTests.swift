// LiveSession: finals equal offline recognition of the same cut; partials; JSON shape of events.

import Foundation
import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

@Suite
struct LiveSessionTests {
    /// long_mixed.wav streamed in 200 ms chunks: each final's text equals `transcribe --no-vad`
    /// (offline recognition without VAD) of the same cut of samples.
    @Test func finalsEqualOfflineRecognitionOfTheSameCut() throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("long_mixed.wav"))
        let transcriber = Transcriber(bundle: TinyModel.bundle)
        let options = LiveOptions(transcription: TranscriptionOptions(language: .auto, useITN: true), partialIntervalMs: 0)
        var live = try LiveSession(session: transcriber.makeSession(), vad: vad, inputSampleRate: 16000, options: options)
        var events: [LiveEvent] = []
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + 3200)
            events += try live.feed(Array(samples[start..<end]))
            start = end
        }
        events += try live.finish()
        let finals = events.compactMap { if case .final(let s) = $0 { s } else { nil } }
        #expect(finals.map { [$0.startMs, $0.endMs] } == LiveSegmenterTests.longMixedSegments)
        let offline = transcriber.makeSession()
        for final in finals {
            let cut = Array(samples[(final.startMs * 16)..<min(final.endMs * 16, samples.count)])
            let result = try offline.transcribe(AudioBuffer(samples: cut, sampleRate: 16000), file: nil,
                                                options: options.transcription)
            #expect(result.segments.count == 1)
            #expect(final.text == result.text, "[\(final.startMs), \(final.endMs)]")
            #expect(final.raw == result.raw)
            #expect(!final.raw.isEmpty)
        }
        #expect(events.first == .speechStarted(startMs: 910))
        #expect(events.last == .done(durationMs: samples.count / 16))
    }

    @Test func partialsThenFinalPerSegment() throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("zh.wav"))
        var live = try LiveSession(session: Transcriber(bundle: TinyModel.bundle).makeSession(), vad: vad,
                                   inputSampleRate: 16000,
                                   options: LiveOptions(transcription: TranscriptionOptions(timestamps: true)))
        var events: [LiveEvent] = []
        for start in stride(from: 0, to: samples.count, by: 3200) {
            events += try live.feed(Array(samples[start..<min(samples.count, start + 3200)]))
        }
        events += try live.finish()
        #expect(events.map(\.type).first == "speech_started")
        #expect(Array(events.map(\.type).suffix(2)) == ["final", "done"])
        let partials = events.compactMap { if case .partial(let s) = $0 { s } else { nil } }
        // 11.78 s of speech detected at 200 ms: a partial each second after the start.
        #expect((9...12).contains(partials.count), "\(partials.count) partials")
        #expect(zip(partials, partials.dropFirst()).allSatisfy { $1.endMs - $0.endMs >= 1000 })
        #expect(partials.allSatisfy { $0.startMs == 0 && $0.words != nil })
        let final = try #require(events.dropLast().last?.segment)
        #expect(final.words?.isEmpty == false)
    }

    /// A large chunk completes many partial intervals at once: only the newest partial is recognised.
    @Test func supersededPartialsAreSkipped() throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("zh.wav"))
        var live = try LiveSession(session: Transcriber(bundle: TinyModel.bundle).makeSession(), vad: vad,
                                   inputSampleRate: 16000, options: LiveOptions())
        let first = try live.feed(Array(samples[0..<(8 * 16000)]))
        #expect(first.map(\.type) == ["speech_started", "partial"])
        // 3.8 s more: partials fall due at 8400 … 11400 ms (the start was decided at 400 ms); only
        // the newest is recognised.
        let rest = try live.feed(Array(samples[(8 * 16000)...]))
        #expect(rest.map(\.type) == ["partial"])
        #expect(rest.first?.segment?.endMs == 11400)
        #expect(try live.finish().map(\.type) == ["final", "done"])
    }

    @Test func eventsEncodeAsJSONObjectsWithType() throws {
        let r = try Transcriber(bundle: TinyModel.bundle).makeSession()
            .recognize(try RealVAD.samples(Fixtures.audio("en.wav")), options: TranscriptionOptions())
        let segment = SegmentResult(startMs: 10, endMs: 20, recognition: r, words: [WordTiming(text: "a", startMs: 10, endMs: 12)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let final = try JSONSerialization.jsonObject(with: encoder.encode(LiveEvent.final(segment))) as? [String: Any]
        #expect(final?["type"] as? String == "final")
        #expect(final?["start_ms"] as? Int == 10)
        #expect(final?["text"] as? String == segment.text)
        #expect(final?["raw"] as? String == segment.raw)
        #expect(final?["rich"] as? String == RichTranscription.postprocess(segment.raw))
        #expect(final?["events"] as? [String] == segment.events)
        #expect((final?["words"] as? [[String: Any]])?.count == 1)
        let started = String(decoding: try encoder.encode(LiveEvent.speechStarted(startMs: 910)), as: UTF8.self)
        #expect(started == #"{"start_ms":910,"type":"speech_started"}"#)
        let done = String(decoding: try encoder.encode(LiveEvent.done(durationMs: 5)), as: UTF8.self)
        #expect(done == #"{"duration_ms":5,"type":"done"}"#)
        for event in [LiveEvent.final(segment), .partial(segment), .speechStarted(startMs: 1), .done(durationMs: 2)] {
            #expect(try JSONDecoder().decode(LiveEvent.self, from: encoder.encode(event)) == event)
        }
    }

    @Test func needsAVADModel() throws {
        let session = Transcriber(bundle: TinyModel.bundle).makeSession()
        #expect(throws: SenseVoiceError.self) { try LiveSession(session: session, inputSampleRate: 16000, options: LiveOptions()) }
    }
}
