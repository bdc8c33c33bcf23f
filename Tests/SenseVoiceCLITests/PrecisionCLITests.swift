import Foundation
import Testing
import SenseVoiceTestSupport

@Suite("--precision")
struct PrecisionCLITests {
    @Test func benchReportsTheConvertedPrecision() throws {
        let out = try CLIRunner.run(["bench", "--synthetic", "small", "--seconds", "2", "--threads", "1",
                                     "--repeats", "1", "--precision", "int8"])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(object["precision"] as? String == "int8")
    }

    /// The tiny fixture has random weights, so many CTC frames are near-ties that any change of
    /// arithmetic may flip. Where a clip/tag's golden `min_top2_margin` exceeds
    /// `ReducedPrecisionBounds.exactMargin` (twice the largest log-probability change the precision
    /// causes, measured in `ReducedPrecisionTests`), no greedy id can flip and the transcript must
    /// equal funasr's golden exactly.
    static func exactCases(_ precision: String) throws -> [(clip: String, tag: String)] {
        let margin = try #require(ReducedPrecisionBounds.exactMargin(precision))
        var out: [(clip: String, tag: String)] = []
        for clip in ReducedPrecisionBounds.speechClips {
            let result = try Fixtures.result(clip)
            for tag in Fixtures.tags {
                let gap = try #require((result[tag] as? [String: Any])?["min_top2_margin"] as? Double, "\(clip)/\(tag)")
                if gap > margin { out.append((clip, tag)) }
            }
        }
        return out
    }

    @Test func int8TranscriptsMatchTheGoldens() throws { try Self.checkGoldens("int8") }

    @Test(.enabled(if: ReducedPrecisionBounds.bf16Supported, "bf16 needs AVX512_BF16, which this CPU lacks"))
    func bf16TranscriptsMatchTheGoldens() throws { try Self.checkGoldens("bf16") }

    static func checkGoldens(_ precision: String) throws {
        let cases = try exactCases(precision)
        print("--precision \(precision): exact golden cases \(cases.map { "\($0.clip)/\($0.tag)" })")
        try #require(!cases.isEmpty, "no clip/tag golden margin exceeds \(ReducedPrecisionBounds.exactMargin(precision) ?? 0)")
        for (clip, tag) in cases {
            let out = try CLIRunner.run(["transcribe", Fixtures.audio("\(clip).wav").path, "--model", CLIRunner.tinyModel,
                                         "--format", "raw", "--precision", precision] + TranscribeCLITests.flags(tag))
            #expect(out.status == 0, "stderr: \(out.stderr)")
            let golden = try #require((try Fixtures.result(clip))[tag] as? [String: Any])
            #expect(out.stdout == (golden["text"] as? String ?? "") + "\n", "\(precision) \(clip)/\(tag)")
        }
    }

    /// en.wav (language auto) through the whole-file path: a transcript the margins do not make
    /// exact stays within 5 % character edits of funasr's golden text (not of this binary's fp32).
    @Test func int8TranscriptStaysCloseToTheGolden() throws { try Self.checkClose("int8") }

    @Test(.enabled(if: ReducedPrecisionBounds.bf16Supported, "bf16 needs AVX512_BF16, which this CPU lacks"))
    func bf16TranscriptStaysCloseToTheGolden() throws { try Self.checkClose("bf16") }

    static func checkClose(_ precision: String) throws {
        let reduced = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel,
                                         "--no-vad", "--quiet", "--format", "raw", "--language", "auto", "--itn",
                                         "--precision", precision])
        #expect(reduced.status == 0, "stderr: \(reduced.stderr)")
        let golden = try #require((try Fixtures.result("en"))["auto_itn"] as? [String: Any])
        let a = Array((golden["text"] as? String ?? "")), b = Array(reduced.stdout.dropLast())
        #expect(a.count > 100)
        let edits = editDistance(a, b)
        #expect(Double(edits) <= 0.05 * Double(max(a.count, b.count)),
                "\(edits) of \(a.count) characters differ:\ngolden: \(String(a))\n\(precision): \(reduced.stdout)")
    }

    /// Levenshtein distance between two character sequences.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    @Test func workerTakesPrecisionLikeServe() throws {
        let out = try CLIRunner.run(["worker", "--database", "postgres://sv@127.0.0.1:1/none", "--precision", "fp16"])
        #expect(out.status == 2, "stderr: \(out.stderr)")
        #expect(out.stderr.contains("fp32, bf16 or int8"))
    }

    @Test func unknownPrecisionIsAUsageError() throws {
        let out = try CLIRunner.run(["bench", "--synthetic", "small", "--precision", "fp16"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("fp32, bf16 or int8"))
    }
}
