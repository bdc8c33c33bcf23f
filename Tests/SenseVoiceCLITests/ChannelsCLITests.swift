// `transcribe --channels split`: one speaker per channel of a stereo call, merged in time order,
// in every format and summary.csv; `mix` unchanged; clear errors for bad combinations.

import Foundation
import SenseVoiceTestSupport
import Testing

@Suite("transcribe --channels", .serialized)
struct ChannelsCLITests {
    /// The stereo call (``StereoCall``) in a fresh folder, with its turns.
    static func call() throws -> (dir: URL, wav: String, turns: [StereoCall.Turn]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-channels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let wav = dir.appendingPathComponent("call.wav")
        return (dir, wav.path, try StereoCall.write(to: wav))
    }

    static func base(_ wav: String) throws -> [String] {
        ["transcribe", wav, "--model", CLIRunner.tinyModel, "--vad-model", try Fixtures.requireVADModel().path]
    }

    /// How far an unmerged VAD segment may reach beyond the speech it holds (FSMN-VAD starts about
    /// 300 ms early and ends up to its end-of-speech silence late); still far less than the 8 s
    /// in which only the customer speaks.
    static let slackMs = 700

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func splitGivesEachSegmentItsChannelsSpeakerInTimeOrder() throws {
        let (dir, wav, turns) = try Self.call()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Unmerged VAD segments (merging would stretch them over the silences between turns, as FunASR's merge_vad does).
        let out = try CLIRunner.run(try Self.base(wav) + ["--channels", "split", "--speaker-names", "agent,customer", "--merge-length-s", "0",
                                                          "--format", "json", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try Self.json(out.stdout)
        let segments = try #require(json["segments"] as? [[String: Any]])
        let names = ["agent", "customer"]
        for channel in 0..<2 {
            let mine = segments.filter { $0["channel"] as? Int == channel }
            #expect(!mine.isEmpty, "channel \(channel) has segments")
            for s in mine {
                let (start, end) = (s["start_ms"] as? Int ?? -1, s["end_ms"] as? Int ?? -1)
                #expect(s["speaker"] as? String == names[channel])
                // Within one of this channel's turns: nothing is heard from the other channel.
                #expect(turns.contains { $0.channel == channel && start >= $0.startMs - Self.slackMs && end <= $0.endMs + Self.slackMs },
                        "channel \(channel) segment \(start)…\(end) lies outside its speech \(turns.filter { $0.channel == channel }.map { ($0.startMs, $0.endMs) })")
            }
        }
        #expect(segments.allSatisfy { $0["channel"] is Int && $0["speaker"] is String })
        let starts = segments.compactMap { $0["start_ms"] as? Int }
        #expect(starts == starts.sorted(), "time order: \(starts)")
        // The customer speaks over the end of each agent turn: both sides of the overlap are kept.
        let spans = segments.map { ($0["channel"] as? Int ?? -1, $0["start_ms"] as? Int ?? 0, $0["end_ms"] as? Int ?? 0) }
        #expect(spans.contains { a in spans.contains { b in a.0 == 0 && b.0 == 1 && a.1 < b.2 && b.1 < a.2 } }, "overlap kept: \(spans)")
        // The second agent turn (15 s) is its own segment after the customer's start.
        #expect(spans.contains { $0.0 == 0 && $0.1 >= 15_000 - Self.slackMs })
        let speakers = try #require(json["speakers"] as? [[String: Any]])
        #expect(speakers.compactMap { $0["speaker"] as? String } == names)
        for summary in speakers {
            let mine = segments.filter { $0["speaker"] as? String == summary["speaker"] as? String }
            #expect(summary["segments"] as? Int == mine.count)
            #expect(summary["talk_ms"] as? Int == mine.reduce(0) { $0 + ($1["end_ms"] as! Int) - ($1["start_ms"] as! Int) })
        }
        #expect(json["duration_ms"] as? Int == StereoCall.durationMs)

        // Default names.
        let plain = try CLIRunner.run(try Self.base(wav) + ["--channels", "split", "--format", "tsv", "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let rows = plain.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows[0][5] == "speaker")
        #expect(Set(rows.dropFirst().map { $0[5] }) == ["ch0", "ch1"])
    }

    @Test func everyFormatAndSummaryCSVCarryTheChannelsSpeakers() throws {
        let (dir, wav, _) = try Self.call()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outDir = dir.appendingPathComponent("out")
        let out = try CLIRunner.run(try Self.base(wav) + ["--channels", "split", "--speaker-names", "agent,customer", "--subtitle-speakers",
                                                          "--format", "json,verbose_json,tsv,srt,vtt", "--output-dir", outDir.path, "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        func read(_ name: String) throws -> String { try String(contentsOf: outDir.appendingPathComponent(name), encoding: .utf8) }
        let json = try Self.json(try read("call.json"))
        let segments = try #require(json["segments"] as? [[String: Any]])
        let verbose = try Self.json(try read("call.verbose.json"))
        let verboseSegments = try #require(verbose["segments"] as? [[String: Any]])
        #expect(verboseSegments.compactMap { $0["speaker"] as? String } == segments.compactMap { $0["speaker"] as? String })
        #expect(verboseSegments.compactMap { $0["channel"] as? Int } == segments.compactMap { $0["channel"] as? Int })
        #expect((verbose["speakers"] as? [Any])?.count == 2)
        let tsv = try read("call.tsv").split(separator: "\n").dropFirst()
        #expect(tsv.count == segments.count)
        #expect(tsv.allSatisfy { $0.contains("\tagent\t") || $0.contains("\tcustomer\t") })
        let srt = try parseSRT(try read("call.srt"))
        #expect(srt.count >= segments.count)
        // Each segment's first cue starts with its speaker (a long segment continues in unprefixed cues).
        let prefixed = srt.compactMap { cue in ["agent", "customer"].first { cue.3.hasPrefix($0 + ": ") } }
        #expect(prefixed == segments.compactMap { $0["speaker"] as? String })
        #expect(try read("call.vtt").contains("\ncustomer: "))

        // summary.csv: the file's row, then one row per speaker whose emotion counts are its segments'.
        let lines = try read("summary.csv").split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "header, the file, two speakers: \(lines)")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let speakerColumn = try #require(header.firstIndex(of: "speaker"))
        let segmentsColumn = try #require(header.firstIndex(of: "segments"))
        #expect(rows.map { $0[speakerColumn] } == ["", "agent", "customer"])
        #expect(rows[0][segmentsColumn] == String(segments.count))
        let emotionColumns = header.enumerated().filter { $0.element.hasSuffix("_segments") }
        #expect(!emotionColumns.isEmpty)
        for row in rows.dropFirst() {
            let mine = segments.filter { $0["speaker"] as? String == row[speakerColumn] }
            #expect(row[segmentsColumn] == String(mine.count))
            for (column, name) in emotionColumns {
                let label = String(name.dropLast("_segments".count))
                let count = mine.filter { ($0["emotion"] as? String) == label || (($0["events"] as? [String]) ?? []).contains(label) }.count
                #expect(Int(row[column]) ?? 0 == count, "\(row[speakerColumn]) \(name): \(row[column]) in summary.csv, \(count) segments")
            }
        }
    }

    @Test func mixIsTodaysOutput() throws {
        let (dir, wav, _) = try Self.call()
        defer { try? FileManager.default.removeItem(at: dir) }
        var outputs: [[String: Any]] = []
        for extra in [[], ["--channels", "mix"]] {
            let out = try CLIRunner.run(try Self.base(wav) + extra + ["--format", "json", "--quiet"])
            #expect(out.status == 0, "\(out.stderr)")
            #expect(!out.stdout.contains("\"channel\"") && !out.stdout.contains("\"speaker"))
            var json = try Self.json(out.stdout)
            json["timings"] = nil
            outputs.append(json)
        }
        #expect(NSDictionary(dictionary: outputs[0]).isEqual(to: outputs[1]))
        #expect((outputs[0]["segments"] as? [Any])?.isEmpty == false)
    }

    @Test func folderRunSplitsEachFileAndReportsMonoFiles() throws {
        let (dir, _, _) = try Self.call()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Fixtures.audio("en.wav"), to: dir.appendingPathComponent("mono.wav"))
        let outDir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-channels-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outDir) }
        let out = try CLIRunner.run(try Self.base(dir.path) + ["--channels", "split", "--format", "json", "--output-dir", outDir.path])
        #expect(out.status == 1, "one of two files failed: \(out.stderr)")
        #expect(out.stderr.contains("mono.wav has one channel (mono)"), "\(out.stderr)")
        let summary = try String(contentsOf: outDir.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.contains("call.wav,done,") && summary.contains(",ch0,") && summary.contains(",ch1,"), "\(summary)")
        #expect(summary.contains("mono.wav,failed,"), "\(summary)")
    }

    @Test func badCombinationsGiveClearErrors() throws {
        let (dir, wav, _) = try Self.call()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], Int32, String)] = [
            (["--channels", "split", "--diarize"], 2, "--diarize cannot be combined with --channels split"),
            (["--channels", "stereo"], 2, "--channels must be mix or split"),
            (["--speaker-names", "agent,customer"], 2, "--speaker-names needs --channels split"),
            (["--channels", "split", "--speaker-names", "agent,,customer"], 2, "speaker name 2 is empty"),
            (["--channels", "split", "--speaker-names", "agent,agent"], 2, "given twice"),
            (["--channels", "split", "--speaker-names", "agent,customer,supervisor"], 2,
             "3 speaker names (agent, customer, supervisor) were given, but call.wav has 2 channels"),
        ]
        for (extra, status, message) in cases {
            let out = try CLIRunner.run(try Self.base(wav) + extra)
            #expect(out.status == status, "\(extra): \(out.stderr)")
            #expect(out.stderr.contains(message), "\(extra): \(out.stderr)")
        }
        let mono = try CLIRunner.run(try Self.base(Fixtures.audio("en.wav").path) + ["--channels", "split"])
        #expect(mono.status == 2, "\(mono.stderr)")
        #expect(mono.stderr.contains("en.wav has one channel (mono); splitting channels needs a recording with one speaker per channel"))
    }
}
