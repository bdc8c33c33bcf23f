import Foundation
import Testing
import SenseVoiceTestSupport

@Suite("sensevoice vad (end to end)", .enabled(if: Fixtures.vadModel != nil, "needs the FSMN-VAD model: run scripts/fetch-test-models.sh"))
struct VADCLITests {
    @Test(arguments: ["dynamic", "classic"])
    func reproducesGoldenSegments(mode: String) throws {
        for clip in Fixtures.clips {
            let out = try CLIRunner.run(["vad", Fixtures.audio("\(clip).wav").path, "--vad-model", Fixtures.vadModel!.path,
                                         "--vad-mode", mode, "--max-segment-ms", "60000", "--format", "json"])
            #expect(out.status == 0, "stderr: \(out.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
            let got = try #require(object["segments_ms"] as? [[Int]])
            let key = mode == "dynamic" ? "vad_segments_ms" : "vad_segments_ms_classic"
            let want = try #require((try Fixtures.result(clip))[key] as? [[Int]])
            #expect(got.count == want.count, "\(clip) \(mode): \(got) vs \(want)")
            for (g, w) in zip(got, want) {
                #expect(abs(g[0] - w[0]) <= 10 && abs(g[1] - w[1]) <= 10, "\(clip) \(mode): \(g) vs \(w)")
            }
        }
    }

    @Test(.enabled(if: Fixtures.shared != nil, "needs ../shared/fixtures"))
    func realSampleWav() throws {
        let wav = Fixtures.shared!.appendingPathComponent("audio/real/sample.wav").path
        let dynamic = try CLIRunner.run(["vad", wav, "--vad-model", Fixtures.vadModel!.path])
        #expect(dynamic.stdout.contains("[[770,5980]]"), "\(dynamic.stdout)")
        let classic = try CLIRunner.run(["vad", wav, "--vad-model", Fixtures.vadModel!.path, "--vad-mode", "classic"])
        #expect(classic.stdout.contains("[[770,2400],[3380,5980]]"), "\(classic.stdout)")
    }
}
