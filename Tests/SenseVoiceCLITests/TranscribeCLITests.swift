import Foundation
import Testing
import SenseVoiceTestSupport

@Suite("sensevoice transcribe (end to end)", .serialized)
struct TranscribeCLITests {
    /// Clip/tag pairs whose golden decoding has a safe top-2 margin (Tests/Fixtures/golden/README.md: ≥ 2e-3).
    /// A clip whose result.json does not load or lacks a tag's margin is not dropped silently:
    /// `everyClipHasAGoldenMargin` fails on it.
    static let exactCases: [(String, String)] = {
        var out: [(String, String)] = []
        for clip in Fixtures.clips {
            let result = (try? Fixtures.result(clip)) ?? [:]
            for tag in Fixtures.tags {
                if let entry = result[tag] as? [String: Any], let margin = entry["min_top2_margin"] as? Double, margin >= 2e-3 {
                    out.append((clip, tag))
                }
            }
        }
        return out
    }()

    @Test func everyClipHasAGoldenMargin() throws {
        for clip in Fixtures.clips {
            let result = try Fixtures.result(clip)
            for tag in Fixtures.tags {
                let entry = result[tag] as? [String: Any]
                #expect(entry?["min_top2_margin"] is Double && entry?["text"] is String, "\(clip): no \(tag) text and margin in result.json")
            }
        }
    }

    static func flags(_ tag: String) -> [String] {
        switch tag {
        case "auto_itn": ["--language", "auto", "--itn"]
        case "zh_noitn": ["--language", "zh", "--no-itn"]
        default: ["--language", "en", "--itn"]
        }
    }

    @Test func thereAreExactCasesForEveryTag() {
        for tag in Fixtures.tags { #expect(Self.exactCases.contains { $0.1 == tag }, "no clip with a safe margin for \(tag)") }
    }

    @Test(arguments: exactCases)
    func rawOutputMatchesGolden(clip: String, tag: String) throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("\(clip).wav").path, "--model", CLIRunner.tinyModel,
                                     "--format", "raw"] + Self.flags(tag))
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let golden = try #require((try Fixtures.result(clip))[tag] as? [String: Any])
        #expect(out.stdout == (golden["text"] as! String) + "\n")
    }

    @Test(arguments: exactCases.filter { $0.1 == "auto_itn" })
    func richOutputMatchesGolden(clip: String, tag: String) throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("\(clip).wav").path, "--model", CLIRunner.tinyModel,
                                     "--format", "rich"] + Self.flags(tag))
        let golden = try #require((try Fixtures.result(clip))[tag] as? [String: Any])
        #expect(out.stdout == (golden["rich"] as! String) + "\n")
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("ko.wav").path, "--model", CLIRunner.tinyModel, "--format", "json"])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        // language and emotion are left out where the model named none (as with the random tiny model).
        for key in ["file", "duration_ms", "events", "text", "raw", "rich", "segments", "timings"] {
            #expect(object.keys.contains(key), "missing \(key)")
        }
        for key in ["language", "emotion"] where object.keys.contains(key) {
            #expect(object[key] is String, "\(key) is \(object[key] ?? "nil"), not a string")
        }
        #expect(object["duration_ms"] as? Int == 5499)
        let segments = try #require(object["segments"] as? [[String: Any]])
        #expect(segments.count == 1)
        for key in ["start_ms", "end_ms", "events", "raw", "text"] { #expect(segments[0][key] != nil, "segment lacks \(key)") }
        let timings = try #require(object["timings"] as? [String: Any])
        for key in ["decode_ms", "vad_ms", "features_ms", "encoder_ms", "total_ms", "rtf"] { #expect(timings[key] != nil) }
    }

    @Test func severalFilesAndFoldersPrintOneLineEach() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("ko.wav").path, Fixtures.audio("yue.wav").path,
                                     "--model", CLIRunner.tinyModel, "--format", "text", "--quiet"])
        #expect(out.status == 0)
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("\t") })
        #expect(out.stderr.isEmpty)
    }

    @Test(arguments: ["fr", "english", "", "auto2"])
    func unknownLanguageIsRejected(language: String) throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("ko.wav").path, "--model", CLIRunner.tinyModel,
                                     "--language", language])
        #expect(out.status == 2)
        #expect(out.stderr.contains("unknown_language"))
        #expect(out.stdout.isEmpty)
    }

    @Test func missingModelDirectoryIsAModelError() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("ko.wav").path, "--model", "/nonexistent/model"])
        #expect(out.status == 3)
        #expect(out.stderr.contains("/nonexistent/model"))
    }

    @Test func corruptCheckpointNamesTheFile() throws {
        let dir = try TemporaryModel.copyTiny()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pt = dir.appendingPathComponent("model.pt")
        let data = try Data(contentsOf: pt)
        try data.prefix(data.count / 2).write(to: pt)
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("ko.wav").path, "--model", dir.path])
        #expect(out.status == 3)
        #expect(out.stderr.contains("model.pt"), "stderr: \(out.stderr)")
    }

    @Test func missingAudioFileIsReported() throws {
        let out = try CLIRunner.run(["transcribe", "/nonexistent.wav", "--model", CLIRunner.tinyModel])
        #expect(out.status == 4)
        #expect(out.stderr.contains("/nonexistent.wav"))
    }

    @Test func undecodableAudioFailsThatFileOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("notes.wav")
        try Data("this is a text file, not audio\n".utf8).write(to: bad)
        let out = try CLIRunner.run(["transcribe", bad.path, Fixtures.audio("ko.wav").path, "--model", CLIRunner.tinyModel,
                                     "--format", "text"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("notes.wav"))
        #expect(out.stdout.split(separator: "\n").count == 1)
    }

    @Test(.enabled(if: Fixtures.shared != nil, "needs ../shared/fixtures"), arguments: ["en", "zh", "yue", "ja", "ko"])
    func realMP3sTranscribe(lang: String) throws {
        let mp3 = Fixtures.shared!.appendingPathComponent("audio/real/real_\(lang).mp3").path
        let out = try CLIRunner.run(["transcribe", mp3, "--model", CLIRunner.tinyModel, "--format", "json"])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect((object["duration_ms"] as? Int ?? 0) > 1000)
        #expect(!(object["raw"] as? String ?? "").isEmpty)
    }
}

/// Copies of the tiny model that a test may damage.
enum TemporaryModel {
    static func copyTiny() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-model-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.tinyModel, to: dir)
        return dir
    }
}
