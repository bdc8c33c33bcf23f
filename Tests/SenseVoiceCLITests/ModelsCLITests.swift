import Foundation
import SenseVoiceHubTestSupport
import SenseVoiceTestSupport
import Testing

@Suite("sensevoice models (end to end, fake hub)", .serialized)
struct ModelsCLITests {
    /// Runs the CLI off the cooperative pool (the fake hub's handlers need it while the child runs).
    static func run(_ arguments: [String], environment: [String: String]) async throws -> CLIRunner.Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try CLIRunner.run(arguments, environment: environment) })
            }
        }
    }

    @Test(arguments: ["modelscope", "huggingface"])
    func pulledModelTranscribesLikeTheFixture(source: String) async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        let clip = Fixtures.audio("en.wav").path
        let (pull, again, installed, expected) = try await hub.run { url in
            let variables = env.variables(hub: url)
            let pull = try await Self.run(["models", "pull", "sensevoice-small", "--source", source, "--cache", env.cache],
                                          environment: variables)
            let again = try await Self.run(["models", "pull", "sensevoice-small", "--source", source, "--cache", env.cache],
                                           environment: variables)
            let dir = pull.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let installed = try await Self.run(["transcribe", clip, "--model", dir, "--no-vad", "--format", "json"], environment: variables)
            let expected = try await Self.run(["transcribe", clip, "--model", CLIRunner.tinyModel, "--no-vad", "--format", "json"],
                                              environment: variables)
            return (pull, again, installed, expected)
        }
        #expect(pull.status == 0, "stderr: \(pull.stderr)")
        #expect(pull.stdout == env.cache + "/sensevoice-small\n")
        #expect(pull.stderr.contains("installed sensevoice-small"))
        #expect(again.status == 0 && again.stdout == pull.stdout)
        #expect(again.stderr.contains("already complete"))
        #expect(hub.downloads(of: "model.pt").count == 1)
        #expect(installed.status == 0, "stderr: \(installed.stderr)")
        func text(_ out: CLIRunner.Output) throws -> String? {
            let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
            return object?["raw"] as? String
        }
        let raw = try #require(try text(expected))
        #expect(try text(installed) == raw)
        #expect(!raw.isEmpty)
    }

    @Test func verifyAndListReportInstalledAndBrokenModels() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        let variables = try await hub.run { url in
            let variables = env.variables(hub: url)
            let pull = try await Self.run(["models", "pull", "sensevoice-small", "--cache", env.cache, "--progress"], environment: variables)
            #expect(pull.status == 0, "stderr: \(pull.stderr)")
            #expect(pull.stderr.contains("model.pt"), "progress lines name the files")
            return variables
        }
        let dir = env.cache + "/sensevoice-small"
        let verify = try await Self.run(["models", "verify", dir], environment: variables)
        #expect(verify.status == 0, "stderr: \(verify.stderr)")
        #expect(verify.stdout.contains("verified sensevoice-small"))

        let list = try await Self.run(["models", "list", "--cache", env.cache], environment: variables)
        #expect(list.status == 0)
        #expect(list.stdout.contains("sensevoice-small\tverified\t"))
        #expect(list.stdout.contains(dir))
        #expect(list.stdout.contains("fsmn-vad\tnot found"))

        // One flipped byte: verify fails with exit 3 and names the file.
        let path = dir + "/config.yaml"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[0] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        let broken = try await Self.run(["models", "verify", dir], environment: variables)
        #expect(broken.status == 3)
        #expect(broken.stderr.contains("config.yaml has SHA-256"))
        let listBroken = try await Self.run(["models", "list", "--cache", env.cache], environment: variables)
        #expect(listBroken.stdout.contains("sensevoice-small\tbroken\t"))
    }

    @Test func hubErrorsMapToExitCodes() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let empty = FakeHub(repos: [:])
        let notFound = try await empty.run { url in
            try await Self.run(["models", "pull", "fsmn-vad", "--source", "huggingface", "--cache", env.cache], environment: env.variables(hub: url))
        }
        #expect(notFound.status == 3, "stderr: \(notFound.stderr)")
        #expect(notFound.stderr.contains("model_not_on_hub"))

        let hub = try FakeHub.standard()
        var faults = FakeHub.Faults()
        faults.corruptAlways = ["model.pt"]
        hub.setFaults(faults)
        let (badRevision, corrupt) = try await hub.run { url in
            let badRevision = try await Self.run(["models", "pull", "sensevoice-small", "--revision", "no-such-tag", "--cache", env.cache],
                                                 environment: env.variables(hub: url))
            let corrupt = try await Self.run(["models", "pull", "sensevoice-small", "--attempts", "2", "--cache", env.cache],
                                             environment: env.variables(hub: url))
            return (badRevision, corrupt)
        }
        #expect(badRevision.status == 3, "stderr: \(badRevision.stderr)")
        #expect(corrupt.status == 6, "stderr: \(corrupt.stderr)")
        #expect(corrupt.stderr.contains("checksum_mismatch") && corrupt.stderr.contains("2 attempts"))
        #expect(corrupt.stderr.contains("model.pt: attempt 1 failed"))
        #expect(hub.downloads(of: "model.pt").count == 2)
        #expect(!FileManager.default.fileExists(atPath: env.cache + "/sensevoice-small"))

        var variables = env.variables()
        variables["MODELSCOPE_DOMAIN"] = "http://127.0.0.1:9"
        let unreachable = try await Self.run(["models", "pull", "sensevoice-small", "--cache", env.cache], environment: variables)
        #expect(unreachable.status == 5, "stderr: \(unreachable.stderr)")
        #expect(unreachable.stderr.contains("network_error"))

        let badName = try await Self.run(["models", "pull", "whisper"], environment: variables)
        #expect(badName.status != 0 && badName.stderr.contains("sensevoice-small"))
    }
}
