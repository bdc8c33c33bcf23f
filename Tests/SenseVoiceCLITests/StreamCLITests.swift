// `sensevoice stream` and `sensevoice vad --streaming` end to end through the binary.

import Foundation
@testable import SenseVoiceCLI
import SenseVoiceEngine
import SenseVoiceHubTestSupport
import SenseVoiceTestSupport
import Testing

/// The JSON lines of a `--format jsonl` run.
func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }
}

@Suite("sensevoice stream (end to end)", .serialized)
struct StreamCLITests {
    static func models() throws -> [String] {
        ["--model", CLIRunner.tinyModel, "--vad-model", try Fixtures.requireVADModel().path, "--quiet"]
    }

    /// The 16-bit PCM bytes of a fixture WAV.
    static func pcm16(_ clip: String) throws -> Data {
        let wav = try TestWAV.readPCM16(Fixtures.audio("\(clip).wav"))
        var bytes = Data(capacity: wav.samples.count * 2)
        for s in wav.samples {
            let v = Int16(max(-32768, min(32767, (s * 32768).rounded())))
            withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// The finals of a jsonl run as (start, end, raw).
    static func finals(_ lines: [[String: Any]]) -> [[String]] {
        lines.filter { $0["type"] as? String == "final" }.map {
            ["\($0["start_ms"] ?? "")", "\($0["end_ms"] ?? "")", "\($0["raw"] ?? "")"]
        }
    }

    @Test(arguments: ["en", "long_mixed"], [200, 600])
    func vadStreamingPrintsTheGoldenEvents(clip: String, chunkMs: Int) throws {
        let out = try CLIRunner.run(["vad", Fixtures.audio("\(clip).wav").path, "--vad-model", try Fixtures.requireVADModel().path,
                                     "--streaming", "--chunk-ms", String(chunkMs), "--max-segment-ms", "30000", "--format", "json"])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let got = try JSONDecoder().decode([StreamingVADCall].self, from: Data(out.stdout.utf8))
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("golden/streaming_vad.json"))
        let golden = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let file = try #require((golden["files"] as? [String: Any])?["\(clip).wav"] as? [String: Any])
        let calls = try #require((file["chunked"] as? [String: Any])?[String(chunkMs)] as? [[String: Any]])
        let want = try calls.map { StreamingVADCall(chunk: try #require($0["chunk"] as? Int), value: try #require($0["value"] as? [[Int]])) }
        #expect(got == want)
    }

    /// Raw PCM on stdin gives the same events as the WAV file; jsonl lines are events with a type.
    @Test func stdinPCMEqualsTheFile() throws {
        let models = try Self.models()
        let fromStdin = try CLIRunner.run(["stream", "-", "--sample-rate", "16000", "--encoding", "pcm_s16le", "--format", "jsonl"] + models,
                                   stdin: try Self.pcm16("zh"))
        #expect(fromStdin.status == 0, "stderr: \(fromStdin.stderr)")
        let fromFile = try CLIRunner.run(["stream", Fixtures.audio("zh.wav").path, "--format", "jsonl"] + models)
        #expect(fromFile.status == 0, "stderr: \(fromFile.stderr)")
        #expect(fromStdin.stdout == fromFile.stdout)
        let lines = try jsonLines(fromFile.stdout)
        let types = lines.map { $0["type"] as? String ?? "?" }
        #expect(types.first == "speech_started")
        #expect(Array(types.suffix(2)) == ["final", "done"])
        #expect(types.filter { $0 == "partial" }.count >= 9)
        let final = try #require(lines.first { $0["type"] as? String == "final" })
        for key in ["start_ms", "end_ms", "events", "raw", "text", "rich"] { #expect(final[key] != nil, "final lacks \(key)") }
        #expect(final["start_ms"] as? Int == 0 && final["end_ms"] as? Int == 11780)
        #expect(lines.last?["duration_ms"] as? Int == 11803)
    }

    /// A URL read through FFmpeg's HTTP protocol, from a local server.
    @Test func httpURLEqualsTheFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sv-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.audio("en.wav"), to: folder.appendingPathComponent("en.wav"))
        let hub = FakeHub(repos: ["test/audio": try FakeHub.Repo(directory: folder)])
        let models = try Self.models()
        let fromURL = try await hub.run { base in
            try CLIRunner.run(["stream", "\(base.absoluteString)/test/audio/resolve/main/en.wav", "--format", "jsonl",
                               "--partial-interval-ms", "0"] + models)
        }
        #expect(fromURL.status == 0, "stderr: \(fromURL.stderr)")
        let fromFile = try CLIRunner.run(["stream", Fixtures.audio("en.wav").path, "--format", "jsonl", "--partial-interval-ms", "0"] + models)
        #expect(fromURL.stdout == fromFile.stdout)
        #expect(Self.finals(try jsonLines(fromURL.stdout)).map { [$0[0], $0[1]] } == [["0", "6380"]])
        #expect(!hub.downloads(of: "en.wav").isEmpty)
    }

    /// `--realtime` paces a file at the speed of its audio (2 s here); without it, it runs as fast
    /// as it can.
    @Test func realtimePacesTheFile() throws {
        let start = Date()
        let out = try CLIRunner.run(["stream", Fixtures.audio("silence_2s.wav").path, "--realtime", "--format", "jsonl"] + Self.models())
        #expect(out.status == 0, "stderr: \(out.stderr)")
        #expect(Date().timeIntervalSince(start) >= 1.8)
        #expect(out.stdout == "{\"duration_ms\":2000,\"type\":\"done\"}\n")
    }

    @Test func unreachableURLIsAnAudioError() throws {
        let out = try CLIRunner.run(["stream", "http://127.0.0.1:1/none.wav"] + Self.models())
        #expect(out.status == 4)
        #expect(out.stderr.contains("could not be read"), "\(out.stderr)")
    }

    /// Text output (not a terminal): one line per final, no partials.
    @Test func textPrintsOneLinePerFinal() throws {
        let out = try CLIRunner.run(["stream", Fixtures.audio("long_mixed.wav").path, "--partial-interval-ms", "0"] + Self.models())
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.first?.hasPrefix("[0:00.91 - 0:19.57] ") == true, "\(lines.first ?? "")")
        #expect(lines.last?.hasPrefix("[1:39.20 - 1:44.78] ") == true)
        #expect(!out.stdout.contains("\u{1B}"))
    }

    /// On a terminal (a pseudo-terminal from util-linux `script`), partials are drawn in grey on
    /// one line rewritten in place, and the line is erased before each final scrolls.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script"))
    func terminalRewritesThePartialLine() throws {
        let command = ([CLIRunner.binary.path, "stream", Fixtures.audio("zh.wav").path] + (try Self.models()))
            .map { "'\($0)'" }.joined(separator: " ")
        let out = try CLIRunner.run(["-qec", command, "/dev/null"], executable: URL(fileURLWithPath: "/usr/bin/script"))
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let erase = "\r\u{1B}[2K"
        #expect(out.stdout.components(separatedBy: erase + "\u{1B}[90m[0:00.00 …] ").count >= 10, "\(out.stdout.debugDescription)")
        #expect(out.stdout.contains(erase + "[0:00.00 - 0:11.78] "))
    }

    /// `--only-*` keep only matching finals (and `done`): the tiny model's finals carry no
    /// emotion or event tags, so nothing but `done` is left.
    @Test func filtersDropOtherEvents() throws {
        for filter in [["--only-emotions", "angry"], ["--only-events", "laughter,applause"]] {
            let out = try CLIRunner.run(["stream", Fixtures.audio("zh.wav").path, "--format", "jsonl"] + filter + Self.models())
            #expect(out.status == 0, "stderr: \(out.stderr)")
            #expect(try jsonLines(out.stdout).map { $0["type"] as? String } == ["done"])
        }
    }

    @Test func filterKeepsMatchingFinals() throws {
        let r = try Transcriber(bundle: SenseVoice(modelDirectory: CLIRunner.tinyModel)).makeSession()
            .recognize([Float](repeating: 0, count: 1600), options: TranscriptionOptions())
        var laughing = SegmentResult(startMs: 0, endMs: 100, recognition: r)
        laughing.events = ["speech", "laughter"]
        laughing.emotion = "happy"
        var angry = laughing
        angry.events = ["speech"]
        angry.emotion = "angry"
        let events = try LiveEventFilter(events: "laughter,applause", emotions: nil)
        #expect(events.keeps(.final(laughing)) && !events.keeps(.final(angry)))
        #expect(events.keeps(.done(durationMs: 1)) && !events.keeps(.partial(laughing)) && !events.keeps(.speechStarted(startMs: 0)))
        let emotions = try LiveEventFilter(events: nil, emotions: "ANGRY")
        #expect(emotions.keeps(.final(angry)) && !emotions.keeps(.final(laughing)))
        let both = try LiveEventFilter(events: "speech", emotions: "angry")
        #expect(both.keeps(.final(angry)) && !both.keeps(.final(laughing)))
        let none = try LiveEventFilter(events: nil, emotions: nil)
        #expect(none.keeps(.partial(laughing)) && none.keeps(.speechStarted(startMs: 0)))
        #expect(throws: SenseVoiceError.self) { try LiveEventFilter(events: "giggle", emotions: nil) }
    }

    /// Hotwords reach live recognition: they change zh.wav's finals on the tiny model (a phrase
    /// of tokens it nearly emits), and each final equals the offline beam-search transcription of
    /// the same VAD segment with the same hotwords.
    @Test func hotwordsBiasTheFinalsAsOfflineDoes() throws {
        let models = try Self.models()
        let clip = Fixtures.audio("zh.wav").path
        let biasing = ["--hotwords", "涷嶬:5"]
        func streamed(_ extra: [String]) throws -> [[String]] {
            let out = try CLIRunner.run(["stream", clip, "--format", "jsonl", "--partial-interval-ms", "0"] + models + extra)
            #expect(out.status == 0, "\(out.stderr)")
            return Self.finals(try jsonLines(out.stdout))
        }
        let greedy = try streamed([])
        let biased = try streamed(biasing)
        #expect(!biased.isEmpty && biased.map { $0[2] } != greedy.map { $0[2] }, "hotwords changed nothing")
        let offline = try CLIRunner.run(["transcribe", clip, "--format", "json"] + models + biasing)
        #expect(offline.status == 0, "\(offline.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(offline.stdout.utf8)) as? [String: Any])
        let segments = try #require(object["segments"] as? [[String: Any]])
        #expect(biased == segments.map { ["\($0["start_ms"] ?? "")", "\($0["end_ms"] ?? "")", "\($0["raw"] ?? "")"] })
        let unspellable = try CLIRunner.run(["stream", clip, "--hotwords", "🤖"] + models)
        #expect(unspellable.status == 2 && unspellable.stdout.isEmpty, "\(unspellable.stderr)")
    }

    @Test func badInputHasClearErrorsAndExitCodes() throws {
        let models = try Self.models()
        let odd = try CLIRunner.run(["stream", "-", "--format", "jsonl"] + models, stdin: Data([0, 0, 0]))
        #expect(odd.status == 4)
        #expect(odd.stderr.contains("audio_truncated") && odd.stderr.contains("whole"), "\(odd.stderr)")
        let rate = try CLIRunner.run(["stream", "-", "--sample-rate", "0"] + models, stdin: Data())
        #expect(rate.status == 2)
        #expect(rate.stderr.contains("--sample-rate 0"), "\(rate.stderr)")
        let encoding = try CLIRunner.run(["stream", "-", "--encoding", "mulaw"] + models, stdin: Data())
        #expect(encoding.status == 2)
        #expect(encoding.stderr.contains("unknown PCM encoding"), "\(encoding.stderr)")
        let noVAD = try CLIRunner.run(["stream", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--no-vad"])
        #expect(noVAD.status == 2)
        #expect(noVAD.stderr.contains("--vad-model"), "\(noVAD.stderr)")
        let filter = try CLIRunner.run(["stream", Fixtures.audio("en.wav").path, "--only-events", "giggle"] + models)
        #expect(filter.status == 2)
        #expect(filter.stderr.contains("giggle"), "\(filter.stderr)")
        let missing = try CLIRunner.run(["stream", "/nonexistent/audio.wav"] + models)
        #expect(missing.status == 4)
        // An empty stdin is a stream without speech: just `done`.
        let empty = try CLIRunner.run(["stream", "-", "--format", "jsonl"] + models, stdin: Data())
        #expect(empty.status == 0)
        #expect(empty.stdout == "{\"duration_ms\":0,\"type\":\"done\"}\n")
    }
}
