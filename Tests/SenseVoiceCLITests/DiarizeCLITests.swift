// `transcribe --diarize`: speakers in every format and in summary.csv, and clear errors for bad combinations.

import Foundation
import SenseVoiceTestSupport
import Testing

@Suite("transcribe --diarize", .serialized,
       .enabled(if: Fixtures.shared.map { FileManager.default.fileExists(atPath: $0.appendingPathComponent("tiny-campplus/config.yaml").path) } ?? false,
                "needs ../shared/fixtures/tiny-campplus and golden/diarization"))
struct DiarizeCLITests {
    static var speakerModel: String { Fixtures.shared!.appendingPathComponent("tiny-campplus").path }
    static var wav: String { Fixtures.shared!.appendingPathComponent("golden/diarization/two_speakers.wav").path }

    static func base() throws -> [String] {
        ["transcribe", wav, "--model", CLIRunner.tinyModel, "--vad-model", try Fixtures.requireVADModel().path]
    }

    @Test func jsonCarriesFunASRsSpeakersAndSummary() throws {
        let out = try CLIRunner.run(try Self.base() + ["--speaker-model", Self.speakerModel, "--diarize", "--format", "json", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let segments = try #require(json["segments"] as? [[String: Any]])
        #expect(segments.compactMap { $0["speaker"] as? String } == ["spk0", "spk1", "spk0", "spk1"])
        #expect(segments.map { $0["start_ms"] as? Int } == [0, 12280, 24990, 37000])
        let speakers = try #require(json["speakers"] as? [[String: Any]])
        #expect(speakers.compactMap { $0["speaker"] as? String } == ["spk0", "spk1"])
        #expect(speakers.compactMap { $0["talk_ms"] as? Int } == [12280 + 12010, 12710 + 10810])
        // --num-speakers 2 is FunASR's preset_spk_num=2: every sentence spk0 for this file.
        let preset = try CLIRunner.run(try Self.base() + ["--speaker-model", Self.speakerModel, "--diarize", "--num-speakers", "2",
                                                          "--format", "tsv", "--quiet"])
        #expect(preset.status == 0, "\(preset.stderr)")
        let rows = preset.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows[0][5] == "speaker")
        #expect(rows.dropFirst().map { String($0[5]) } == ["spk0", "spk0", "spk0", "spk0"])
    }

    @Test func everyFormatAndSummaryCSVCarrySpeakers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-diarize-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(try Self.base() + ["--speaker-model", Self.speakerModel, "--diarize", "--subtitle-speakers",
                                                       "--format", "json,verbose_json,tsv,srt,vtt", "--output-dir", dir.path, "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        func read(_ name: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }
        #expect(try read("two_speakers.json").contains("\"speaker\":\"spk1\""))
        let verbose = try #require(try JSONSerialization.jsonObject(with: Data(try read("two_speakers.verbose.json").utf8)) as? [String: Any])
        #expect((verbose["segments"] as? [[String: Any]])?.compactMap { $0["speaker"] as? String } == ["spk0", "spk1", "spk0", "spk1"])
        #expect((verbose["speakers"] as? [Any])?.count == 2)
        #expect(try read("two_speakers.tsv").split(separator: "\n").dropFirst().allSatisfy { $0.contains("\tspk") })
        let srt = try parseSRT(try read("two_speakers.srt"))
        #expect(srt.first?.3.hasPrefix("spk0: ") == true)
        #expect(srt.contains { $0.3.hasPrefix("spk1: ") })
        #expect(try read("two_speakers.vtt").contains("\nspk1: "))
        let lines = try read("summary.csv").split(separator: "\n").map(String.init)
        #expect(lines[0].hasSuffix(",error,speaker,talk_s,share"))
        #expect(lines.count == 4, "header, the file, two speakers: \(lines)")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let speakerColumn = try #require(header.firstIndex(of: "speaker"))
        let segmentsColumn = try #require(header.firstIndex(of: "segments"))
        #expect(rows.map { $0[speakerColumn] } == ["", "spk0", "spk1"])
        #expect(rows.map { $0[segmentsColumn] } == ["4", "2", "2"])
        #expect(rows[1][header.firstIndex(of: "talk_s")!] == "24.290")
        // A rerun skips the file and keeps its speaker rows.
        let again = try CLIRunner.run(try Self.base() + ["--speaker-model", Self.speakerModel, "--diarize",
                                                         "--format", "json", "--output-dir", dir.path, "--quiet"])
        #expect(again.status == 0)
        #expect(try read("summary.csv").split(separator: "\n").count == 4)
    }

    @Test func withoutDiarizeTheOutputIsUnchanged() throws {
        let out = try CLIRunner.run(try Self.base() + ["--format", "json", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(!out.stdout.contains("\"speaker\""))
        #expect(!out.stdout.contains("\"speakers\""))
        let tsv = try CLIRunner.run(try Self.base() + ["--format", "tsv", "--quiet"])
        #expect(tsv.stdout.hasPrefix("start_ms\tend_ms\tlanguage\temotion\tevents\ttext\n"))
    }

    @Test func badCombinationsGiveClearErrors() throws {
        let zero = try CLIRunner.run(try Self.base() + ["--speaker-model", Self.speakerModel, "--diarize", "--num-speakers", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--num-speakers must be between 1 and"))
        let alone = try CLIRunner.run(try Self.base() + ["--num-speakers", "2"])
        #expect(alone.status == 2)
        #expect(alone.stderr.contains("--num-speakers needs --diarize"))
        let missing = try CLIRunner.run(try Self.base() + ["--speaker-model", "/nonexistent/cam", "--diarize"])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("/nonexistent/cam"))
        // Nothing in the environment or the caches: --diarize says where to get the model.
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("sv-home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let none = try CLIRunner.run(try Self.base() + ["--diarize"],
                                     environment: ["HOME": home.path, "XDG_CACHE_HOME": home.path, "SENSEVOICE_SPEAKER_MODEL": "",
                                                   "MODELSCOPE_CACHE": home.path, "HF_HUB_CACHE": home.path])
        #expect(none.status == 3)
        #expect(none.stderr.contains("models pull cam++"))
        // A corrupt weights file.
        let corrupt = home.appendingPathComponent("cam")
        try FileManager.default.createDirectory(at: corrupt, withIntermediateDirectories: true)
        for name in ["config.yaml", "configuration.json"] {
            try FileManager.default.copyItem(atPath: "\(Self.speakerModel)/\(name)", toPath: corrupt.appendingPathComponent(name).path)
        }
        try Data("not a checkpoint".utf8).write(to: corrupt.appendingPathComponent("campplus_cn_common.bin"))
        let bad = try CLIRunner.run(try Self.base() + ["--speaker-model", corrupt.path, "--diarize"])
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("campplus_cn_common.bin"))
    }
}
