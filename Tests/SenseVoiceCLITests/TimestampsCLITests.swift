import Foundation
import Testing
import SenseVoiceTestSupport

/// `sensevoice transcribe --timestamps`: words equal funasr's `output_timestamp=True` result in
/// every output that carries them.
@Suite("sensevoice transcribe --timestamps (end to end)")
struct TimestampsCLITests {
    /// funasr's words and [start, end] ms for en.wav (language auto, ITN; its text matches ours,
    /// margin 0.02 in the golden README's terms).
    private func golden() throws -> (words: [String], spans: [[Int]]) {
        let ts = try #require(try Fixtures.result("en")["timestamps_auto_itn"] as? [String: Any])
        return (try #require(ts["words"] as? [String]), try #require(ts["timestamp"] as? [[Int]]))
    }

    private func run(_ format: String, _ extra: [String] = []) throws -> [String: Any] {
        let out = try CLIRunner.run(["transcribe", "--model", CLIRunner.tinyModel, "--no-vad", "--quiet", "--timestamps",
                                     "--format", format, Fixtures.audio("en.wav").path] + extra)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
    }

    @Test("json segments' words equal funasr's timestamps_auto_itn")
    func json() throws {
        let g = try golden()
        let segments = try #require(run("json")["segments"] as? [[String: Any]])
        let words = try #require(segments.first?["words"] as? [[String: Any]])
        #expect(words.map { $0["text"] as? String ?? "" } == g.words)
        #expect(words.map { [$0["start_ms"] as? Int ?? -1, $0["end_ms"] as? Int ?? -1] } == g.spans)
    }

    @Test("verbose_json words equal funasr's, in seconds")
    func verboseJSON() throws {
        let g = try golden()
        let words = try #require(run("verbose_json")["words"] as? [[String: Any]])
        #expect(words.map { $0["word"] as? String ?? "" } == g.words)
        #expect(words.map { [$0["start"] as? Double ?? -1, $0["end"] as? Double ?? -1] } == g.spans.map { $0.map { Double($0) / 1000 } })
    }

    @Test("beam search at width 1 gives the greedy words")
    func beamOne() throws {
        let greedy = try #require(run("json")["segments"] as? [[String: Any]])
        let beam = try #require(run("json", ["--decoding", "beam", "--beam-size", "1"])["segments"] as? [[String: Any]])
        #expect((beam.first?["token_ids"] as? [Int]) == (greedy.first?["token_ids"] as? [Int]))
        let words = { (s: [[String: Any]]) in (s.first?["words"] as? [[String: Any]])?.map { "\($0["text"] ?? "")@\($0["start_ms"] ?? "")-\($0["end_ms"] ?? "")" } }
        #expect(words(beam) == words(greedy) && words(greedy)?.isEmpty == false)
    }
}
