// CTC prefix beam search against scripts/ctc_beam_reference.py (Tests/Fixtures/golden/beam_search.json)
// and hotword biasing on the tiny model.

import Foundation
import Testing
@testable import SenseVoiceEngine
import SenseVoiceTensor
import SenseVoiceTestSupport

private struct ReferenceRun: Decodable {
    let token_ids: [Int]
    let min_survivor_gap: Double
    let min_candidate_gap: Double
    let final_gap: Double

    /// The smallest gap a float32 implementation could flip.
    var margin: Double { min(min_survivor_gap, min_candidate_gap, final_gap) }
}

private let reference: [String: [String: ReferenceRun]] = {
    let url = Fixtures.root.appendingPathComponent("golden/beam_search.json")
    guard let data = try? Data(contentsOf: url),
          let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else { return [:] }
    var out: [String: [String: ReferenceRun]] = [:]
    for (key, entry) in object {
        for (name, value) in entry where name.hasPrefix("beam_") {
            if let run = try? JSONDecoder().decode(ReferenceRun.self, from: JSONSerialization.data(withJSONObject: value)) {
                out[key, default: [:]][name] = run
            }
        }
    }
    return out
}()

/// The reference computes log-probabilities in float64 from funasr's encoder output; ours come
/// from the same encoder output through the float32 CTC head, about 1e-6 apart. A run whose
/// smallest decision gap is at least this wide must come out token for token the same.
private let referenceMargin = 1e-4

/// Runs `body` on the CTC logits of a golden encoder output.
private func withGoldenLogits<R>(_ clip: String, _ tag: String, _ body: (CTCLogits) throws -> R) throws -> R {
    let encoded = try Fixtures.npy(clip, "encoder_out_\(tag).npy").tensor
    let session = EncoderSession(model: TinyModel.bundle.model, threads: 2)
    return try session.withCTCLogits(of: encoded, body)
}

@Suite("CTC prefix beam search")
struct CTCPrefixBeamSearchTests {
    static let cases: [(String, String)] = Fixtures.clips.flatMap { c in Fixtures.tags.map { (c, $0) } }

    @Test("equals the numpy reference token for token at beam 1 and 8 where the margins allow", arguments: [1, 8])
    func matchesReference(beam: Int) throws {
        #expect(reference.count == Self.cases.count, "beam_search.json holds every clip/prompt")
        var compared = 0
        for (clip, tag) in Self.cases {
            let run = try #require(reference["\(clip)/\(tag)"]?["beam_\(beam)"])
            guard run.margin >= referenceMargin else { continue }
            let ids = try withGoldenLogits(clip, tag) { CTCPrefixBeamSearch(beamSize: beam).decode($0, bannedIds: []).tokenIds }
            #expect(ids == run.token_ids, "\(clip)/\(tag) beam \(beam)")
            compared += 1
        }
        // All 21 pairs at beam 1; at beam 8 all but en/en_itn, zh/en_itn and long_mixed (golden README).
        #expect(compared >= (beam == 1 ? 21 : 16), "only \(compared) clip/prompt pairs had margins ≥ \(referenceMargin)")
    }

    @Test("an empty hotword list equals plain beam search, through the pipeline's decoder choice")
    func emptyHotwordsArePlainBeamSearch() throws {
        let transcriber = Transcriber(bundle: TinyModel.bundle)
        var options = TranscriptionOptions()
        options.beamSearch = BeamSearchOptions(beamSize: 8, hotwords: [])
        let decoder = try transcriber.decoder(for: options)
        for clip in ["en", "zh", "ko"] {
            let plain = try withGoldenLogits(clip, "auto_itn") { CTCPrefixBeamSearch(beamSize: 8).decode($0, bannedIds: []) }
            let viaOptions = try withGoldenLogits(clip, "auto_itn") { decoder.decode($0, bannedIds: []) }
            #expect(plain == viaOptions)
            let run = try #require(reference["\(clip)/auto_itn"]?["beam_8"])
            if run.margin >= referenceMargin { #expect(viaOptions.tokenIds == run.token_ids) }
        }
        #expect(try transcriber.decoder(for: TranscriptionOptions()) is CTCGreedyDecoder)
    }

    @Test("a phrase of second-best tokens wins with a moderate score and loses with score 0")
    func secondBestPhraseWinsWithModerateScore() throws {
        let tokenizer = TinyModel.bundle.tokenizer
        var tried = 0
        for clip in ["en", "zh", "ja", "ko", "yue"] {
            let (plain, logp) = try withGoldenLogits(clip, "auto_itn") { logits -> (CTCOutput, [[(Int, Float)]]) in
                let out = CTCPrefixBeamSearch(beamSize: 8).decode(logits, bannedIds: [])
                var rows: [[(Int, Float)]] = []
                for t in 0..<logits.frames {
                    let row = logits.pointer + t * logits.vocabulary
                    let lse = FastKernels.logSumExp(row, count: logits.vocabulary)
                    var best: [(Int, Float)] = []
                    for c in 0..<logits.vocabulary where best.count < 3 || row[c] - lse > best[2].1 {
                        best.append((c, row[c] - lse))
                        best.sort { $0.1 > $1.1 }
                        if best.count > 3 { best.removeLast() }
                    }
                    rows.append(best)
                }
                return (out, rows)
            }
            let ids = plain.tokenIds
            // A text token (not a tag) whose frame has a non-blank runner-up within 2 nats.
            for i in 5..<(ids.count - 1) where tokenizer.type(ids[i]) == .normal {
                let t = plain.tokenFrames[i].lowerBound
                guard let (runnerUp, lp) = logp[t].first(where: { $0.0 != ids[i] && $0.0 != 0 && $0.0 != ids[i - 1] && $0.0 != ids[i + 1] }),
                      let own = logp[t].first(where: { $0.0 == ids[i] })?.1, own - lp < 2,
                      tokenizer.type(runnerUp) == .normal else { continue }
                let phrase = [ids[i - 1], runnerUp, ids[i + 1]]
                func decode(_ score: Double) throws -> [Int] {
                    let graph = HotwordGraph(sequences: [(phrase, score)])
                    return try withGoldenLogits(clip, "auto_itn") { CTCPrefixBeamSearch(beamSize: 8, hotwords: graph).decode($0, bannedIds: []).tokenIds }
                }
                let withScore = try decode(3)
                let withZero = try decode(0)
                #expect(contains(withScore, phrase), "\(clip): phrase \(phrase) should win at score 3: \(withScore)")
                #expect(withZero == ids && !contains(withZero, phrase), "\(clip): score 0 must equal plain beam search")
                tried += 1
                break
            }
        }
        #expect(tried >= 3, "found a second-best phrase in only \(tried) clips")
    }

    @Test("hotwords absent from the audio leave the decoded clips unchanged at the default score")
    func absentHotwordsChangeNothing() throws {
        let transcriber = Transcriber(bundle: TinyModel.bundle)
        let hotwords = try Hotword.parse("zebra quartz,kubernetes,hotword biasing")
        var options = TranscriptionOptions()
        options.beamSearch = BeamSearchOptions(beamSize: 8, hotwords: hotwords)
        let biased = try transcriber.decoder(for: options)
        for clip in ["en", "zh", "yue", "ja", "ko"] {
            let plain = try withGoldenLogits(clip, "auto_itn") { CTCPrefixBeamSearch(beamSize: 8).decode($0, bannedIds: []) }
            let withHotwords = try withGoldenLogits(clip, "auto_itn") { biased.decode($0, bannedIds: []) }
            #expect(plain.tokenIds == withHotwords.tokenIds, "\(clip)")
        }
    }

    @Test("hotwords with characters outside the vocabulary are rejected with a clear error")
    func unknownCharactersRejected() throws {
        var options = TranscriptionOptions()
        options.beamSearch = BeamSearchOptions(hotwords: [Hotword(phrase: "🤖")])
        #expect(throws: SenseVoiceError.self) { try Transcriber(bundle: TinyModel.bundle).decoder(for: options) }
    }
}

private func contains(_ haystack: [Int], _ needle: [Int]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
}
