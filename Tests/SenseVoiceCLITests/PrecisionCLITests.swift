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
    /// arithmetic may flip; exact agreement on the confident frames (top-2 gap > 0.5) is checked at
    /// the engine level in `ReducedPrecisionTests`. Through the CLI the transcript must stay close:
    /// at most 5 % of its characters edited.
    @Test(arguments: ["bf16", "int8"])
    func reducedPrecisionTranscriptStaysCloseToFP32(precision: String) throws {
        let base = ["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--no-vad", "--quiet"]
        let fp32 = try CLIRunner.run(base)
        let reduced = try CLIRunner.run(base + ["--precision", precision])
        #expect(fp32.status == 0 && reduced.status == 0, "stderr: \(reduced.stderr)")
        let a = Array(fp32.stdout), b = Array(reduced.stdout)
        #expect(a.count > 100)
        let edits = Self.editDistance(a, b)
        #expect(Double(edits) <= 0.05 * Double(max(a.count, b.count)),
                "\(edits) of \(a.count) characters differ:\nfp32: \(fp32.stdout)\n\(precision): \(reduced.stdout)")
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
