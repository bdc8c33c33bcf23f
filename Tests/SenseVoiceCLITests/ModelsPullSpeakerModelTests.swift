// `sensevoice models pull cam++` against the fake hub, then `transcribe --diarize` finding it in the cache.

import Foundation
import SenseVoiceHubTestSupport
import SenseVoiceTestSupport
import Testing

@Suite("models pull cam++ (fake hub)", .serialized,
       .enabled(if: Fixtures.shared.map { FileManager.default.fileExists(atPath: $0.appendingPathComponent("tiny-campplus/config.yaml").path) } ?? false,
                "needs ../shared/fixtures/tiny-campplus"))
struct ModelsPullSpeakerModelTests {
    @Test(arguments: ["modelscope", "huggingface"])
    func pulledCAMPPlusIsFoundByDiarize(source: String) async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        let variables = try await hub.run { url in
            var variables = env.variables(hub: url)
            variables["SENSEVOICE_SPEAKER_MODEL"] = ""
            let pull = try await ModelsCLITests.run(["models", "pull", "cam++", "--source", source], environment: variables)
            #expect(pull.status == 0, "stderr: \(pull.stderr)")
            return variables
        }
        let dir = env.root.appendingPathComponent("xdg/sensevoice/cam++").path
        for name in ["config.yaml", "campplus_cn_common.bin"] {
            let pulled = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)"))
            let fixture = try Data(contentsOf: Fixtures.shared!.appendingPathComponent("tiny-campplus/\(name)"))
            #expect(pulled == fixture, "\(name)")
        }
        let verify = try await ModelsCLITests.run(["models", "verify", dir], environment: variables)
        #expect(verify.status == 0, "stderr: \(verify.stderr)")
        #expect(verify.stdout.contains("verified cam++"))
        let list = try await ModelsCLITests.run(["models", "list"], environment: variables)
        #expect(list.stdout.contains("cam++\tverified\t"), "\(list.stdout)")

        let wav = Fixtures.shared!.appendingPathComponent("golden/diarization/two_speakers.wav").path
        let out = try await ModelsCLITests.run(["transcribe", wav, "--model", CLIRunner.tinyModel, "--vad-model",
                                                try Fixtures.requireVADModel().path, "--diarize", "--format", "tsv", "--quiet"],
                                               environment: variables)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let speakers = out.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false)[5] }
        #expect(speakers == ["spk0", "spk1", "spk0", "spk1"])
    }
}
