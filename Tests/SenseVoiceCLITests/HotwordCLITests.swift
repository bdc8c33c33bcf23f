import Foundation
import Testing
import SenseVoiceTestSupport

/// `sensevoice transcribe` with beam search and hotwords, end to end.
@Suite("sensevoice transcribe --decoding/--hotwords (end to end)")
struct HotwordCLITests {
    private func segments(_ arguments: [String]) throws -> [[String: Any]] {
        let out = try CLIRunner.run(["transcribe", "--model", CLIRunner.tinyModel, "--no-vad", "--quiet", "--format", "json",
                                     Fixtures.audio("en.wav").path] + arguments)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        return try #require(object["segments"] as? [[String: Any]])
    }

    @Test("greedy and beam segments carry token_ids; hotwords from a list and a file decode")
    func decodes() throws {
        let greedy = try segments([])
        #expect((greedy.first?["token_ids"] as? [Int])?.isEmpty == false)
        let beam = try segments(["--decoding", "beam", "--beam-size", "4"])
        #expect((beam.first?["token_ids"] as? [Int])?.isEmpty == false)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hotwords-\(UUID().uuidString).txt")
        try "kubernetes:2\nzebra quartz\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let biased = try segments(["--hotwords-file", file.path, "--hotwords", "hotword biasing", "--beam-size", "4"])
        #expect(biased.first?["token_ids"] as? [Int] == beam.first?["token_ids"] as? [Int], "absent hotwords change nothing")
    }

    @Test("bad hotwords and decoding options exit 2 with a message", arguments: [
        ["--hotwords", "🤖"], ["--hotwords", "a", "--hotword-score", "50"], ["--decoding", "greedy", "--hotwords", "a"],
        ["--decoding", "viterbi"], ["--beam-size", "0"], ["--hotwords-file", "/nonexistent/hotwords.txt"],
    ])
    func rejects(arguments: [String]) throws {
        let out = try CLIRunner.run(["transcribe", "--model", CLIRunner.tinyModel, "--no-vad", "--quiet", Fixtures.audio("en.wav").path] + arguments)
        #expect(out.status == 2, "stdout: \(out.stdout) stderr: \(out.stderr)")
        #expect(out.stderr.contains("invalid_option") || out.stderr.contains("hotword") || out.stderr.contains("beam"), "\(out.stderr)")
    }
}
