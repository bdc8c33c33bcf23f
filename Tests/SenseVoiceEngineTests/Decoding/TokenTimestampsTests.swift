// Word timestamps as FunASR gives them, stage by stage against Tests/Fixtures/golden/timestamps
// (scripts/make_timestamp_goldens.py) and end to end against golden/<clip>/result.json
// `timestamps_auto_itn`.

import Foundation
import Testing
@testable import SenseVoiceEngine
import SenseVoiceAudio
import SenseVoiceTensor
import SenseVoiceTestSupport

/// One case of `golden/timestamps/<clip>_<case>.json` with its emissions `.npy`.
private struct StageGolden: Decodable {
    let text: String
    let pieces: [String]
    let ids: [Int]
    let labels: [Int]
    let frames: Int
    let alignment: [Int]
    let timestamp: [[Int]]?
    let words: [String]?

    var name = ""
    var emissions: [Float] = []

    enum CodingKeys: String, CodingKey { case text, pieces, ids, labels, frames, alignment, timestamp, words }

    static let clips = ["en", "zh", "yue", "ja", "ko", "silence_2s"]
    static let cases = ["text", "greedy", "every_other", "repeats", "spelled"]

    static func load(_ clip: String, _ kind: String) throws -> StageGolden {
        let base = Fixtures.root.appendingPathComponent("golden/timestamps/\(clip)_\(kind)")
        var golden = try JSONDecoder().decode(StageGolden.self, from: Data(contentsOf: base.appendingPathExtension("json")))
        let npy = try NpyArray(contentsOf: base.appendingPathExtension("npy"))
        #expect(npy.shape == [golden.frames, golden.labels.count], "\(clip)_\(kind) emissions shape")
        golden.name = "\(clip)_\(kind)"
        golden.emissions = npy.floats
        return golden
    }

    static func all() throws -> [StageGolden] {
        try clips.flatMap { clip in try cases.map { try load(clip, $0) } }
    }

    /// FunASR's result as word timings.
    var expectedWords: [WordTiming] {
        zip(words ?? [], timestamp ?? []).map { WordTiming(text: $0, startMs: $1[0], endMs: $1[1]) }
    }
}

/// Runs `body` on the CTC logits of a golden encoder output.
private func withGoldenLogits<R>(_ clip: String, _ tag: String, _ body: (CTCLogits) throws -> R) throws -> R {
    let encoded = try Fixtures.npy(clip, "encoder_out_\(tag).npy").tensor
    let session = EncoderSession(model: TinyModel.bundle.model, threads: 2)
    return try session.withCTCLogits(of: encoded, body)
}

/// FunASR's `timestamps_auto_itn` of a clip's result.json.
private func goldenWords(_ clip: String) throws -> [WordTiming] {
    let result = try Fixtures.result(clip)
    let ts = try #require(result["timestamps_auto_itn"] as? [String: Any])
    let words = try #require(ts["words"] as? [String])
    let spans = try #require(ts["timestamp"] as? [[Int]])
    #expect(words.count == spans.count)
    return zip(words, spans).map { WordTiming(text: $0, startMs: $1[0], endMs: $1[1]) }
}

/// Clips whose auto_itn text must equal FunASR's (golden README: `min_top2_margin` ≥ 2e-3).
private func textMatchingClips() throws -> [String] {
    try Fixtures.clips.filter { clip in
        let entry = try Fixtures.result(clip)["auto_itn"] as? [String: Any]
        return (entry?["min_top2_margin"] as? Double ?? 0) >= 2e-3
    }
}

@Suite("Word timestamps (FunASR output_timestamp)")
struct TokenTimestampsTests {
    let tokenizer = TinyModel.bundle.tokenizer

    @Test("stage 1: the re-tokenised text equals funasr's tokens and token_ids")
    func retokenisation() throws {
        for clip in StageGolden.clips {
            let golden = try StageGolden.load(clip, "text")
            let targets = try TokenTimestamps.targets(text: golden.text, tokenizer: tokenizer)
            #expect(targets.pieces == golden.pieces, "\(clip) pieces")
            #expect(targets.ids == golden.ids, "\(clip) ids")
            // The fixture tokenizer's dummy prefix makes every piece two ids: no alignment fits.
            #expect(targets.ids.count > golden.frames, "\(clip): \(targets.ids.count) targets, \(golden.frames) frames")
        }
    }

    @Test("stage 3: the forced alignment equals ctc_forced_align on funasr's emissions, frame for frame")
    func alignment() throws {
        var fitting = 0
        for golden in try StageGolden.all() {
            let emissions = CTCForcedAlignment.Emissions(labels: golden.labels, values: golden.emissions, frames: golden.frames)
            let got = CTCForcedAlignment().align(emissions, targets: golden.ids)
            #expect(got == golden.alignment, "\(golden.name)")
            let runs = zip(got, got.dropFirst()).filter { $0 != $1 && $1 != 0 }.count + (got.first == 0 ? 0 : 1)
            if runs == golden.ids.count { fitting += 1 }
        }
        // The text cases never fit (see retokenisation()); the four re-tokenised ones all do.
        #expect(fitting == 4 * StageGolden.clips.count, "\(fitting) cases had a fitting alignment")
    }

    @Test("no fitting path: every frame goes to the last target, as in funasr")
    func noFittingPath() {
        let emissions = CTCForcedAlignment.Emissions(labels: [0, 7, 9], values: [-1, -2, -3, -0.5, -0.1, -4], frames: 2)
        #expect(CTCForcedAlignment().align(emissions, targets: [7, 9, 7]) == [7, 7])
        // Equal neighbours need a blank between them: 2 targets, 2 frames, no room.
        #expect(CTCForcedAlignment().align(emissions, targets: [9, 9]) == [9, 9])
        #expect(CTCForcedAlignment().align(emissions, targets: [7, 9]) == [7, 9])
    }

    @Test("stages 4–5: spans and post equal funasr's timestamp and words from its alignment")
    func spansAndPost() throws {
        var merged = 0
        for golden in try StageGolden.all() {
            let words = TokenTimestamps.post(TokenTimestamps.spans(alignment: golden.alignment, pieces: golden.pieces))
            #expect(words == golden.expectedWords, "\(golden.name)")
            if words.count < golden.pieces.filter({ $0 != "\u{2581}" }).count { merged += 1 }
        }
        #expect(merged > 0, "some case joins ASCII pieces or drops ▁ pieces")
    }

    @Test("stage 2: emissions from our CTC head equal funasr's aligned log-probabilities")
    func emissions() throws {
        var worst: Float = 0
        for clip in StageGolden.clips {
            let golden = try StageGolden.load(clip, "greedy")
            let top = try Fixtures.npy(clip, "top5_logp_auto_itn.npy").floats
            let got = try withGoldenLogits(clip, "auto_itn") { TokenTimestamps.emissions($0, labels: golden.labels) }
            #expect(got.frames == golden.frames && got.labels == golden.labels)
            let width = golden.labels.count
            for t in 0..<golden.frames {
                // Blank is zeroed where it is the best label; a frame whose best two are within
                // 1e-3 may pick either (golden README), so its blank value is not compared there.
                let row = (t + TokenTimestamps.promptFrames) * 5
                let close = top[row] - top[row + 1] <= 1e-3
                for c in 0..<width where !(close && c == 0) {
                    let d = abs(got.values[t * width + c] - golden.emissions[t * width + c])
                    worst = max(worst, d)
                }
            }
        }
        // fp32 with another summation order: log-probabilities within about 1e-4 (golden README;
        // measured 4e-6).
        #expect(worst <= 1e-4, "largest difference \(worst)")
    }

    @Test("end to end: words from our logits equal funasr's timestamps_auto_itn where the text matches")
    func endToEnd() throws {
        let clips = try textMatchingClips()
        #expect(clips.count >= 4, "clips \(clips)")
        for clip in clips {
            let words = try withGoldenLogits(clip, "auto_itn") { logits in
                try TokenTimestamps.words(logits, tokenIds: CTCGreedyDecoder().decode(logits, bannedIds: []).tokenIds, tokenizer: tokenizer)
            }
            #expect(words == (try goldenWords(clip)), "\(clip)")
        }
    }

    @Test("the pipeline's segments carry funasr's words, shifted to the segment's time")
    func pipeline() throws {
        let transcriber = Transcriber(bundle: TinyModel.bundle)
        let session = transcriber.makeSession()
        var options = TranscriptionOptions()
        options.timestamps = true
        for clip in try textMatchingClips() where clip != "long_mixed" {
            let wav = try TestWAV.readPCM16(Fixtures.audio("\(clip).wav"))
            let result = try session.transcribe(AudioBuffer(samples: wav.samples, sampleRate: wav.sampleRate), file: clip, options: options)
            #expect(result.segments.first?.words == (try goldenWords(clip)), "\(clip)")
            let r = try session.recognize(wav.samples, options: options)
            #expect(r.words == (try goldenWords(clip)), "\(clip)")
            let shifted = try #require(r.words?.map { $0.shifted(by: 1500) })
            #expect(zip(shifted, try goldenWords(clip)).allSatisfy { $0.startMs == $1.startMs + 1500 && $0.endMs == $1.endMs + 1500 })
        }
        options.timestamps = false
        #expect(try session.recognize([Float](repeating: 0, count: 16000), options: options).words == nil)
    }
}
