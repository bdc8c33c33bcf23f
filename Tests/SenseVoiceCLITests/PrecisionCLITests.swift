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

    @Test func int8TranscriptMatchesFP32OnTheTinyModel() throws {
        let base = ["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--no-vad", "--quiet"]
        let fp32 = try CLIRunner.run(base)
        let int8 = try CLIRunner.run(base + ["--precision", "int8"])
        #expect(fp32.status == 0 && int8.status == 0, "stderr: \(int8.stderr)")
        #expect(!fp32.stdout.isEmpty)
        #expect(int8.stdout == fp32.stdout)
    }

    @Test func unknownPrecisionIsAUsageError() throws {
        let out = try CLIRunner.run(["bench", "--synthetic", "small", "--precision", "fp16"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("fp32, bf16 or int8"))
    }
}
