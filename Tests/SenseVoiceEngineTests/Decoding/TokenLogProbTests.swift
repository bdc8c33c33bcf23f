// Token log-probabilities (verbose_json `avg_logprob`) against funasr's top-5 CTC log-probabilities,
// and the zlib compression ratio (`compression_ratio`) against Python's zlib.

import Foundation
import Testing
@testable import SenseVoiceEngine
import SenseVoiceTensor
import SenseVoiceTestSupport

@Suite("Token log-probabilities and text compression ratio")
struct TokenLogProbTests {
    static let cases: [(String, String)] = Fixtures.clips.flatMap { c in Fixtures.tags.map { (c, $0) } }

    /// Each decoded token's log-probability equals funasr's at the frame where it is emitted
    /// (within the fixtures' 2e-3 top-5 tolerance), for greedy decoding and beam search.
    @Test("each token's log-probability is funasr's at its emitting frame, greedy and beam", arguments: cases)
    func matchesGoldenTopFive(clip: String, tag: String) throws {
        let encoded = try Fixtures.npy(clip, "encoder_out_\(tag).npy").tensor
        let session = EncoderSession(model: TinyModel.bundle.model, threads: 2)
        let top5 = try Fixtures.npy(clip, "top5_ids_\(tag).npy").ints
        let top5lp = try Fixtures.npy(clip, "top5_logp_\(tag).npy").floats
        for decoder in [CTCGreedyDecoder() as any CTCDecoding, CTCPrefixBeamSearch(beamSize: 4)] {
            let out = try session.withCTCLogits(of: encoded) { decoder.decode($0, bannedIds: []) }
            #expect(!out.tokenIds.isEmpty)
            #expect(out.tokenLogProbs.count == out.tokenIds.count)
            var compared = 0
            for (i, (id, run)) in zip(out.tokenIds, out.tokenFrames).enumerated() {
                let t = run.lowerBound
                guard let k = (0..<5).first(where: { Int(top5[t * 5 + $0]) == id }) else { continue }
                let golden = top5lp[t * 5 + k]
                #expect(abs(out.tokenLogProbs[i] - golden) <= 2e-3, "\(clip)/\(tag) \(type(of: decoder)) token \(i): \(out.tokenLogProbs[i]) vs \(golden)")
                #expect(out.tokenLogProbs[i] <= 0)
                compared += 1
            }
            #expect(compared == out.tokenIds.count, "every emitted token is among funasr's top 5 at its frame")
            let mean = out.tokenLogProbs.reduce(0.0) { $0 + Double($1) } / Double(out.tokenLogProbs.count)
            #expect(out.averageLogProb == mean)
        }
    }

    @Test("an output with no tokens has no average; the segment result carries the decoder's average")
    func averageOnSegments() throws {
        #expect(CTCOutput(frameIds: [0, 0], tokenIds: [], tokenFrames: []).averageLogProb == nil)
        let ctc = CTCOutput(frameIds: [3, 0], tokenIds: [3], tokenFrames: [0..<1], tokenLogProbs: [-0.5])
        let recognition = SegmentRecognition(raw: "<|en|>", tokenIds: [3], parsed: TranscriptTags.parse("<|en|>"), encoderFrames: 2,
                                             ctc: ctc, featuresSeconds: 0, encoderSeconds: 0)
        let segment = SegmentResult(startMs: 0, endMs: 100, recognition: recognition)
        #expect(segment.avgLogProb == -0.5)
        let json = try #require(String(data: JSONEncoder().encode(segment), encoding: .utf8))
        #expect(json.contains(#""avg_logprob":-0.5"#))
    }

    /// Expected values from Python: `len(b) / len(zlib.compress(b))` with `b = text.encode()`.
    @Test("the compression ratio is Whisper's zlib ratio of the UTF-8 text", arguments: [
        ("hello hello hello hello hello hello", 35.0 / 17.0),
        ("The tribal chieftain called for the boy and presented him with 50 pieces of gold.", 81.0 / 78.0),
        ("开放时间早上9点至下午5点。", 38.0 / 47.0),
        ("a", 1.0 / 9.0),
        ("", 0.0),
    ])
    func compressionRatio(text: String, expected: Double) {
        #expect(abs(TextCompression.ratio(text) - expected) < 1e-12, "\(text)")
    }

    @Test("verbose_json fills avg_logprob and compression_ratio from the segments")
    func verboseFields() throws {
        var result = WritersTests.english
        result.segments[0].avgLogProb = -0.25
        result.segments[1].avgLogProb = nil
        let text = try #require(TranscriptFormats.standard["verbose_json"]).writer().write(result)
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let segments = try #require(object["segments"] as? [[String: Any]])
        #expect(segments[0]["avg_logprob"] as? Double == -0.25)
        #expect(segments[1]["avg_logprob"] as? Double == 0, "no tokens: 0, as documented")
        for (segment, source) in zip(segments, result.segments) {
            #expect(segment["compression_ratio"] as? Double == TextCompression.ratio(source.text))
        }
        #expect((segments[0]["compression_ratio"] as? Double ?? 0) > 0)
    }
}
