import Foundation
import Testing
import SenseVoiceTestSupport

/// Token edit distance between two space-separated texts.
func tokenEditDistance(_ a: String, _ b: String) -> Int {
    let x = a.split(separator: " "), y = b.split(separator: " ")
    var prev = Array(0...y.count)
    for i in 1...max(x.count, 1) where !x.isEmpty {
        var cur = [i] + [Int](repeating: 0, count: y.count)
        for j in 1...max(y.count, 1) where !y.isEmpty {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        prev = cur
    }
    return x.isEmpty ? y.count : prev[y.count]
}

/// Needs the FSMN-VAD model that scripts/fetch-test-models.sh fetches: fails without it.
@Suite("Long audio through VAD (end to end)", .serialized)
struct LongAudioCLITests {
    static var pipeline: [String: Any] {
        let data = try! Data(contentsOf: Fixtures.root.appendingPathComponent("golden/long_mixed_pipeline.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// funasr's `merge_vad(vad_segments_ms, merge_length_s * 1000)` (funasr/utils/vad_utils.py, funasr
    /// 1.4.16) over the golden pipeline's VAD segments: the windows the pipeline recognises, in order.
    /// Exact values, like the VAD segments they are made of (Tests/Fixtures/golden/README.md).
    static let goldenMergedSegments: [[Int]] = [
        [0, 910], [910, 19570], [19570, 26250], [26250, 46680], [46680, 61270],
        [61270, 73440], [73440, 85800], [85800, 99200], [99200, 103350],
    ]

    func run(_ format: String, _ extra: [String] = []) throws -> CLIRunner.Output {
        try CLIRunner.run(["transcribe", Fixtures.audio("long_mixed.wav").path, "--model", CLIRunner.tinyModel,
                           "--vad-model", try Fixtures.requireVADModel().path, "--language", "auto", "--itn",
                           "--format", format] + extra)
    }

    @Test func rawMatchesFunASRPipeline() throws {
        let out = try run("raw")
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let golden = Self.pipeline["text"] as! String
        let got = String(out.stdout.dropLast())
        let tokens = golden.split(separator: " ").count
        let distance = tokenEditDistance(got, golden)
        #expect(distance * 50 <= tokens, "token edit distance \(distance) of \(tokens)")
    }

    @Test func richMatchesFunASRPipeline() throws {
        let out = try run("rich")
        let golden = Self.pipeline["rich"] as! String
        let got = String(out.stdout.dropLast())
        let distance = tokenEditDistance(got, golden)
        #expect(distance * 50 <= golden.split(separator: " ").count, "token edit distance \(distance)")
    }

    @Test func segmentsAreTheMergedVADSegments() throws {
        let out = try run("json", ["--timestamps"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let segments = try #require(object["segments"] as? [[String: Any]])
        // The golden pipeline's settings are the ones this run uses, and its merged windows are
        // the segments, boundary for boundary.
        #expect(Self.pipeline["merge_length_s"] as? Int == 15 && Self.pipeline["merge_vad"] as? Bool == true)
        #expect((Self.pipeline["vad_segments_ms"] as? [[Int]])?.last?[1] == Self.goldenMergedSegments.last?[1])
        let got = segments.map { [$0["start_ms"] as? Int ?? -1, $0["end_ms"] as? Int ?? -1] }
        #expect(got == Self.goldenMergedSegments, "segments \(got), funasr's merged VAD windows \(Self.goldenMergedSegments)")
        // Words carry times inside their segment.
        for s in segments {
            let words = try #require(s["words"] as? [[String: Any]])
            for w in words {
                let start = w["start_ms"] as! Int, end = w["end_ms"] as! Int
                #expect(start >= s["start_ms"] as! Int && end <= s["end_ms"] as! Int && start <= end)
            }
        }
        let timings = try #require(object["timings"] as? [String: Any])
        #expect((timings["vad_ms"] as? Double ?? 0) > 0)
    }

    @Test func silenceGivesNoSegments() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("silence_2s.wav").path, "--model", CLIRunner.tinyModel,
                                     "--vad-model", try Fixtures.requireVADModel().path, "--format", "json"])
        #expect(out.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect((object["segments"] as? [Any])?.isEmpty == true)
        #expect(object["text"] as? String == "")
    }
}

@Suite("Whole-file path limits")
struct NoVADLimitTests {
    @Test func longFileWithoutVADIsRefusedWithAHint() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("long_mixed.wav").path, "--model", CLIRunner.tinyModel,
                                     "--no-vad", "--max-no-vad-s", "60"])
        #expect(out.status == 4, "the only input failed with an audio problem (issue 15: one exit code per kind of failure)")
        #expect(out.stderr.contains("audio_too_long"))
        #expect(out.stderr.contains("--vad-model"))
    }

    @Test func badVADModeIsAUsageError() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("ko.wav").path, "--model", CLIRunner.tinyModel, "--vad-mode", "fast"])
        #expect(out.status != 0 && out.status != 1)
    }
}
