// `transcribe --format markers`: the three layouts through the binary, consistent with the JSON result.

import Foundation
import Testing
import SenseVoiceTestSupport

@Suite("transcribe --format markers", .serialized)
struct MarkersCLITests {
    static let shownEvents: Set<String> = ["bgm", "applause", "laughter", "cry", "sneeze", "cough"]
    static let shownEmotions: Set<String> = ["happy", "sad", "angry", "fearful", "disgusted", "surprised"]

    /// Runs a folder run over four fixture clips with `json,markers`, no ITN, and the given extra flags.
    func run(_ extra: [String]) throws -> (out: URL, status: Int32, stderr: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-markers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("in"), withIntermediateDirectories: true)
        for name in ["en.wav", "zh.wav", "ja.wav", "ko.wav"] {
            try FileManager.default.copyItem(at: Fixtures.audio(name), to: dir.appendingPathComponent("in/\(name)"))
        }
        let result = try CLIRunner.run(["transcribe", dir.appendingPathComponent("in").path, "--model", CLIRunner.tinyModel,
                                        "--format", "json,markers", "--no-itn", "--output-dir", dir.appendingPathComponent("out").path] + extra)
        return (dir.appendingPathComponent("out"), result.status, result.stderr)
    }

    /// The markers the JSON result implies: (start ms, kind, name) of shown events then the emotion.
    func expected(_ json: URL) throws -> (markers: [(Int, String, String)], durationMs: Int) {
        let object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let segments = try #require(object["segments"] as? [[String: Any]])
        var out: [(Int, String, String)] = []
        for s in segments {
            let start = try #require(s["start_ms"] as? Int)
            for e in s["events"] as? [String] ?? [] where Self.shownEvents.contains(e) { out.append((start, "event", e)) }
            if let emotion = s["emotion"] as? String, Self.shownEmotions.contains(emotion) { out.append((start, "emotion", emotion)) }
        }
        return (out, try #require(object["duration_ms"] as? Int))
    }

    @Test func csvRowsMatchTheJSONResult() throws {
        let run = try run([])
        defer { try? FileManager.default.removeItem(at: run.out.deletingLastPathComponent()) }
        #expect(run.status == 0, "\(run.stderr)")
        var total = 0
        for name in ["en", "zh", "ja", "ko"] {
            let want = try expected(run.out.appendingPathComponent("\(name).json")).markers
            let csv = try String(contentsOf: run.out.appendingPathComponent("\(name).markers.csv"), encoding: .utf8)
            let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            if want.isEmpty {
                #expect(csv.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "no markers: an empty file")
                continue
            }
            #expect(rows.first == ["start", "end", "kind", "label", "text"])
            let got = rows.dropFirst().map { (Int((Double($0[0])! * 1000).rounded()), $0[2]) }
            #expect(got.map(\.0) == want.map(\.0) && got.map(\.1) == want.map(\.1), "\(name): \(csv)")
            total += want.count
        }
        let summary = try String(contentsOf: run.out.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.split(separator: "\n").count == 5)
        #expect(total > 0, "the tiny model tags ja.wav (without ITN) fearful: at least one marker is compared")
    }

    @Test func chaptersAndEDLLayouts() throws {
        let chapters = try run(["--markers-format", "chapters", "--label-style", "zh"])
        defer { try? FileManager.default.removeItem(at: chapters.out.deletingLastPathComponent()) }
        #expect(chapters.status == 0, "\(chapters.stderr)")
        for name in ["en", "zh", "ja", "ko"] {
            let (want, duration) = try expected(chapters.out.appendingPathComponent("\(name).json"))
            let text = try String(contentsOf: chapters.out.appendingPathComponent("\(name).chapters.txt"), encoding: .utf8)
            let seconds = text.split(separator: "\n").map { line -> Int in
                let clock = line.split(separator: " ")[0].split(separator: ":").compactMap { Int($0) }
                return clock.reduce(0) { $0 * 60 + $1 }
            }
            #expect(seconds.isEmpty == want.isEmpty)
            if let first = seconds.first { #expect(first == 0) }
            #expect(zip(seconds, seconds.dropFirst()).allSatisfy { $0 < $1 }, "\(name): \(text)")
            #expect(seconds.allSatisfy { $0 * 1000 <= duration })
            #expect(Set(want.map { $0.0 / 1000 }).isSubset(of: Set(seconds)))
        }
        let edl = try run(["--markers-format", "edl", "--edl-fps", "30", "--edl-start", "00:00:00"])
        defer { try? FileManager.default.removeItem(at: edl.out.deletingLastPathComponent()) }
        #expect(edl.status == 0, "\(edl.stderr)")
        for name in ["en", "zh", "ja", "ko"] {
            let want = try expected(edl.out.appendingPathComponent("\(name).json")).markers
            let text = try String(contentsOf: edl.out.appendingPathComponent("\(name).markers.edl"), encoding: .utf8)
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.prefix(2) == ["TITLE: \(name).wav", "FCM: NON-DROP FRAME"])
            let events = lines.filter { $0.first?.isNumber == true }
            #expect(events.count == want.count)
            for (line, marker) in zip(events, want) {
                let recordIn = line.split(separator: " ")[6].split(separator: ":").compactMap { Int($0) }
                #expect(((recordIn[0] * 60 + recordIn[1]) * 60 + recordIn[2]) * 30 + recordIn[3] == marker.0 * 30 / 1000)
            }
            #expect(lines.filter { $0.hasPrefix(" |C:ResolveColor") }.count == want.count)
        }
    }

    @Test func badMarkerFlagsAreUsageErrors() throws {
        for flags in [["--only-events", "giggles"], ["--markers-format", "pdf"], ["--edl-fps", "29"], ["--edl-start", "noon"]] {
            let out = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--format", "markers"] + flags)
            #expect(out.status != 0 && out.status != 1, "\(flags)")
            #expect(out.stderr.contains(flags[0]), "the message names the flag: \(out.stderr)")
        }
        let filtered = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel,
                                          "--format", "markers", "--only-emotions", "angry"])
        #expect(filtered.status == 0)
        #expect(filtered.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.contains(",emotion,") })
    }
}
