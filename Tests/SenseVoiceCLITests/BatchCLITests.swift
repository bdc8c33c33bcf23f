import Foundation
import Testing
import SenseVoiceTestSupport

/// Parses SRT text into (index, start ms, end ms, text) cues; throws on any structural error.
func parseSRT(_ text: String) throws -> [(Int, Int, Int, String)] {
    struct Bad: Error { let why: String }
    func ms(_ t: Substring, sep: Character) throws -> Int {
        let parts = t.split(separator: sep)
        guard parts.count == 2 else { throw Bad(why: "time \(t)") }
        let hms = parts[0].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3, let milli = Int(parts[1]), parts[1].count == 3 else { throw Bad(why: "time \(t)") }
        return ((hms[0] * 60 + hms[1]) * 60 + hms[2]) * 1000 + milli
    }
    var cues: [(Int, Int, Int, String)] = []
    for block in text.components(separatedBy: "\n\n") where !block.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        let lines = block.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        guard lines.count >= 3, let index = Int(lines[0]) else { throw Bad(why: "block \(block)") }
        let times = lines[1].components(separatedBy: " --> ")
        guard times.count == 2 else { throw Bad(why: "arrow in \(lines[1])") }
        let a = try ms(Substring(times[0]), sep: ","), b = try ms(Substring(times[1]), sep: ",")
        guard a <= b else { throw Bad(why: "reversed cue \(lines[1])") }
        cues.append((index, a, b, lines[2...].joined(separator: "\n")))
    }
    return cues
}

@Suite("transcribe --output-dir (folder runs)", .serialized)
struct BatchCLITests {
    func makeInput() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("in/sub"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.audio("en.wav"), to: dir.appendingPathComponent("in/en.wav"))
        try FileManager.default.copyItem(at: Fixtures.audio("yue.wav"), to: dir.appendingPathComponent("in/sub/yue.wav"))
        try Data("not audio".utf8).write(to: dir.appendingPathComponent("in/sub/broken.mp3"))
        return dir
    }

    @Test func folderRunWritesOutputsSummaryAndResumes() throws {
        let dir = try makeInput()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["transcribe", dir.appendingPathComponent("in").path, "--model", CLIRunner.tinyModel,
                    "--format", "srt,vtt,json,tsv", "--output-dir", dir.appendingPathComponent("out").path]
        let first = try CLIRunner.run(args)
        #expect(first.status == 1, "one input is broken")
        let out = dir.appendingPathComponent("out")
        for name in ["en.srt", "en.vtt", "en.json", "en.tsv", "sub/yue.srt", "sub/yue.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "missing \(name)")
        }
        let srt = try String(contentsOf: out.appendingPathComponent("en.srt"), encoding: .utf8)
        let cues = try parseSRT(srt)
        #expect(!cues.isEmpty)
        #expect(cues.map(\.0) == Array(1...cues.count))
        #expect(cues.last!.2 <= 6401)
        let vtt = try String(contentsOf: out.appendingPathComponent("en.vtt"), encoding: .utf8)
        #expect(vtt.hasPrefix("WEBVTT"))
        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        let lines = summary.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("file,status,duration_s,language,emotion,segments"))
        #expect(lines.contains { $0.hasPrefix("sub/broken.mp3,failed,") })
        #expect(lines.contains { $0.hasPrefix("en.wav,done,6.401,") })
        #expect(first.stderr.contains("1 failed"))

        // Second run: nothing left to do but the broken file.
        let modified = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("en.json").path)[.modificationDate] as? Date
        let second = try CLIRunner.run(args)
        #expect(second.stderr.contains("0 transcribed, 2 skipped, 1 failed"), "\(second.stderr)")
        let after = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("en.json").path)[.modificationDate] as? Date
        #expect(modified == after)
        let summary2 = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary2.contains("en.wav,done,6.401,"))
    }

    @Test func severalFormatsNeedAnOutputDirectory() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--format", "srt,json"])
        #expect(out.status != 0 && out.status != 1)
        let bad = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--format", "docx"])
        #expect(bad.status != 0 && bad.status != 1)
    }

    @Test func srtToStdoutParses() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("zh.wav").path, "--model", CLIRunner.tinyModel, "--format", "srt"])
        #expect(out.status == 0)
        #expect(try !parseSRT(out.stdout).isEmpty)
    }
}
