import Foundation
import Testing
import SenseVoiceTestSupport

/// Issue 15 on the command line: truncated audio is said (or refused with --strict), folder runs
/// never let two inputs share an output, exit codes and messages say each thing once.
@Suite("transcribe: nothing silently lost", .serialized)
struct HardeningCLITests {
    /// A 16 kHz 16-bit WAV whose header declares 102.4 s but that holds 128 samples (8 ms).
    static var cutWAV: [UInt8] {
        let samples = 128
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var out: [UInt8] = Array("RIFF".utf8) + le(36 + 2 * samples, 4) + Array("WAVEfmt ".utf8) + le(16, 4)
        out += le(1, 2) + le(1, 2) + le(16_000, 4) + le(32_000, 4) + le(2, 2) + le(16, 2) + Array("data".utf8) + le(3_276_800, 4)
        for i in 0..<samples { out += le((i * 37) % 2000, 2) }
        return out
    }

    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-harden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func truncatedFileWarnsOnStderrAndInJSON() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = dir.appendingPathComponent("cut.wav")
        try Data(Self.cutWAV).write(to: cut)
        let out = try CLIRunner.run(["transcribe", cut.path, "--model", CLIRunner.tinyModel, "--format", "json", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("warning: \(cut.path): truncated: header declares 102.4 s, file holds 0.008 s"), "\(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(object["warnings"] as? [String] == ["truncated: header declares 102.4 s, file holds 0.008 s"])

        let strict = try CLIRunner.run(["transcribe", cut.path, "--model", CLIRunner.tinyModel, "--strict"])
        #expect(strict.status == 4, "\(strict.stderr)")
        #expect(strict.stderr.contains("audio_truncated") && strict.stderr.contains("102.4 s"), "\(strict.stderr)")
        #expect(strict.stdout.isEmpty)

        let whole = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--format", "json", "--strict"])
        #expect(whole.status == 0)
        #expect(!whole.stderr.contains("warning"))
    }

    @Test func sameNameDifferentExtensionsKeepTheirExtensionAndResume() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.audio("en.wav"), to: input.appendingPathComponent("talk.wav"))
        try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("audio-formats/en.mp3"), to: input.appendingPathComponent("talk.mp3"))
        try FileManager.default.copyItem(at: Fixtures.audio("ko.wav"), to: input.appendingPathComponent("solo.wav"))
        let out = dir.appendingPathComponent("out")
        let args = ["transcribe", input.path, "--model", CLIRunner.tinyModel, "--format", "json,srt", "--output-dir", out.path]
        let first = try CLIRunner.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        for name in ["talk.wav.json", "talk.mp3.json", "talk.wav.srt", "talk.mp3.srt", "solo.json", "solo.srt"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "missing \(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("talk.json").path))
        #expect(first.stderr.contains("3 transcribed, 0 skipped"), "\(first.stderr)")

        let second = try CLIRunner.run(args)
        #expect(second.status == 0)
        #expect(second.stderr.contains("0 transcribed, 3 skipped"), "\(second.stderr)")
        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        for file in ["talk.wav", "talk.mp3", "solo.wav"] {
            let row = try #require(summary.split(separator: "\n").first { $0.hasPrefix(file + ",") }, "no row for \(file)")
            #expect(row.hasPrefix(file + ",done,") && !row.hasPrefix(file + ",done,,"), "empty row: \(row)")
        }

        // An output of its own that is empty (not complete) is redone, not skipped.
        try Data().write(to: out.appendingPathComponent("solo.json"))
        let third = try CLIRunner.run(args)
        #expect(third.stderr.contains("1 transcribed, 2 skipped"), "\(third.stderr)")
    }

    @Test func interruptedRunWithoutSummaryResumesFromItsJSON() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let args = ["transcribe", Fixtures.audio("en.wav").path, Fixtures.audio("ko.wav").path, "--model", CLIRunner.tinyModel,
                    "--format", "json", "--output-dir", out.path]
        #expect(try CLIRunner.run(args).status == 0)
        try FileManager.default.removeItem(at: out.appendingPathComponent("summary.csv"))
        let again = try CLIRunner.run(args)
        #expect(again.stderr.contains("0 transcribed, 2 skipped"), "\(again.stderr)")
        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.contains("en.wav,done,6.401,"), "\(summary)")
    }

    @Test func sameRelativePathFromTwoFoldersIsRefusedBeforeWork() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["a", "b"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Fixtures.audio("en.wav"), to: dir.appendingPathComponent("\(sub)/x.wav"))
        }
        let out = try CLIRunner.run(["transcribe", dir.appendingPathComponent("a/x.wav").path, dir.appendingPathComponent("b/x.wav").path,
                                     "--model", CLIRunner.tinyModel, "--output-dir", dir.appendingPathComponent("out").path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("a/x.wav") && out.stderr.contains("b/x.wav") && out.stderr.contains("same outputs"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test func everyInputFailingTheSameWayExitsWithThatCode() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.wav")
        try Data().write(to: empty)
        let out = try CLIRunner.run(["transcribe", empty.path, "--model", CLIRunner.tinyModel])
        #expect(out.status == 4, "an empty file is an audio problem like a missing one: \(out.stderr)")
        #expect(out.stderr.contains("audio_empty"))

        let notes = dir.appendingPathComponent("notes.mp3")
        try Data("this is a text file, not audio at all, definitely not\n".utf8).write(to: notes)
        let garbage = dir.appendingPathComponent("noise.mp3")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }).write(to: garbage)
        let both = try CLIRunner.run(["transcribe", notes.path, garbage.path, "--model", CLIRunner.tinyModel])
        #expect(both.status == 4)
        // Each message says the file once and says each thing once.
        for line in both.stderr.split(separator: "\n") where line.hasPrefix("error") {
            #expect(line.components(separatedBy: "notes.mp3").count <= 2, "\(line)")
            #expect(line.components(separatedBy: "noise.mp3").count <= 2, "\(line)")
            #expect(line.components(separatedBy: "recognised audio or video format").count <= 2, "\(line)")
        }
        #expect(both.stderr.contains(garbage.path + " is not in a recognised audio or video format"), "\(both.stderr)")

        let mixed = try CLIRunner.run(["transcribe", empty.path, Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel])
        #expect(mixed.status == 1, "some inputs failed")
    }

    @Test func outputDirThatIsAFileIsOneClearError() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("taken")
        try Data("x".utf8).write(to: file)
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--output-dir", file.path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("is a file, not a folder"), "\(out.stderr)")
        #expect(!out.stderr.contains("Error Domain") && !out.stderr.contains("NSCocoaErrorDomain"), "\(out.stderr)")
        #expect(out.stderr.split(separator: "\n").filter { $0.contains("error") }.count == 1, "\(out.stderr)")
    }

    @Test func helpListsEveryFormatAndExitCodeAndWraps() throws {
        let out = try CLIRunner.run(["transcribe", "--help"])
        #expect(out.status == 0)
        for word in ["srt", "vtt", "tsv", "verbose_json", "labels", "4 audio problem", "--strict"] {
            #expect(out.stdout.contains(word), "help lacks \(word)")
        }
        let discussion = out.stdout.components(separatedBy: "USAGE:").first ?? ""
        for line in discussion.split(separator: "\n") {
            #expect(line.count <= 80, "help line of \(line.count) characters: \(line)")
        }
    }

    @Test func summaryDurationsAreReadable() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, Fixtures.audio("ko.wav").path, "--model", CLIRunner.tinyModel])
        #expect(out.status == 0)
        #expect(out.stderr.contains("2 files: 2 transcribed"), "\(out.stderr)")
        #expect(!out.stderr.contains("0.00 h"), "\(out.stderr)")
        #expect(out.stderr.contains("11.9 s audio"), "\(out.stderr)")
    }

    @Test func longFilesReportProgressInsideTheFile() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("long_mixed.wav").path, "--model", CLIRunner.tinyModel,
                                     "--vad-model", try Fixtures.requireVADModel().path])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stderr.split(separator: "\n").filter { $0.contains("segments, ETA") }
        #expect(!lines.isEmpty, "no progress inside the file: \(out.stderr)")
        #expect(lines.first?.contains("long_mixed.wav") == true)
    }
}
