import Foundation
import Testing
import SenseVoiceTestSupport

/// Needs the FSMN-VAD model that scripts/fetch-test-models.sh fetches: fails without it.
@Suite("sensevoice vad (end to end)")
struct VADCLITests {
    /// funasr's segments are exact reference values: every boundary must match to the millisecond.
    @Test(arguments: ["dynamic", "classic"])
    func reproducesGoldenSegments(mode: String) throws {
        let vadModel = try Fixtures.requireVADModel()
        for clip in Fixtures.clips {
            let out = try CLIRunner.run(["vad", Fixtures.audio("\(clip).wav").path, "--vad-model", vadModel.path,
                                         "--vad-mode", mode, "--max-segment-ms", "60000", "--format", "json"])
            #expect(out.status == 0, "stderr: \(out.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
            let got = try #require(object["segments_ms"] as? [[Int]])
            let key = mode == "dynamic" ? "vad_segments_ms" : "vad_segments_ms_classic"
            let want = try #require((try Fixtures.result(clip))[key] as? [[Int]])
            #expect(got == want, "\(clip) \(mode): got \(got), expected \(want)")
        }
    }

    @Test(.enabled(if: Fixtures.shared != nil, "needs ../shared/fixtures"))
    func realSampleWav() throws {
        let wav = Fixtures.shared!.appendingPathComponent("audio/real/sample.wav").path
        let vadModel = try Fixtures.requireVADModel()
        let dynamic = try CLIRunner.run(["vad", wav, "--vad-model", vadModel.path])
        #expect(dynamic.stdout.contains("[[770,5980]]"), "\(dynamic.stdout)")
        let classic = try CLIRunner.run(["vad", wav, "--vad-model", vadModel.path, "--vad-mode", "classic"])
        #expect(classic.stdout.contains("[[770,2400],[3380,5980]]"), "\(classic.stdout)")
    }
}
