import Foundation
import Testing
import SenseVoiceTestSupport

@Suite("sensevoice bench")
struct BenchCLITests {
    @Test func syntheticSmallPrintsAJSONLineWithRTF() throws {
        let out = try CLIRunner.run(["bench", "--synthetic", "small", "--seconds", "3", "--threads", "1", "--repeats", "1"])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let rtf = try #require(object["rtf"] as? Double)
        #expect(rtf > 0)
        #expect(object["encoder_frames"] as? Int == 54)   // 3 s → 298 fbank frames → 50 LFR frames + 4 prompts
        #expect(object["parameters"] as? Int ?? 0 > 1_000_000)
    }

    @Test func modelDirectoryBenchmarksTheRealLoader() throws {
        let out = try CLIRunner.run(["bench", "--model", CLIRunner.tinyModel, "--seconds", "2", "--repeats", "1"])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        #expect(out.stdout.contains("\"rtf\""))
    }

    @Test func audioModeTimesDecodeVADAndBatchedRecognition() throws {
        let out = try CLIRunner.run(["bench", "--synthetic", "small", "--threads", "1",
                                     "--audio", Fixtures.audio("long_mixed.wav").path,
                                     "--vad-model", try Fixtures.requireVADModel().path, "--repeat-audio-to-s", "150"])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(object["audio_seconds"] as? Double == 150)
        #expect(object["segments"] as? Int ?? 0 > 1)
        #expect(object["batches"] as? Int ?? 0 >= 1)
        #expect(object["vad_seconds"] as? Double ?? 0 > 0)
        #expect(object["rtf"] as? Double ?? 0 > 0)
    }

    @Test func audioNeedsAVADModel() throws {
        let out = try CLIRunner.run(["bench", "--synthetic", "small", "--audio", "x.wav"])
        #expect(out.status != 0)
    }

    @Test func needsExactlyOneModelSource() throws {
        // $SENSEVOICE_MODEL / $SENSEVOICE_SYNTHETIC would be read as --model / --synthetic.
        let out = try CLIRunner.run(["bench", "--seconds", "2"], environment: ["SENSEVOICE_MODEL": "", "SENSEVOICE_SYNTHETIC": "", "SENSEVOICE_CONFIG": ""])
        #expect(out.status != 0)
    }
}
