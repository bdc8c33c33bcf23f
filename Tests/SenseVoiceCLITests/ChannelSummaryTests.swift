// summary.csv rows of a channel split with emotions and events on its segments: the tiny random
// model emits no tags, so the split of the stereo call is given some here and the rows checked.

import Foundation
@testable import SenseVoiceCLI
import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

@Suite("summary.csv of a channel split")
struct ChannelSummaryTests {
    @Test func perSpeakerEmotionAndEventCountsAreThoseOfTheSpeakersSegments() throws {
        let (dir, wav, _) = try ChannelsCLITests.call()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(try ChannelsCLITests.base(wav) + ["--channels", "split", "--speaker-names", "agent,customer",
                                                                      "--merge-length-s", "0", "--format", "json", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        var result = try JSONDecoder().decode(TranscriptionResult.self, from: Data(out.stdout.utf8))
        try #require(result.segments.count >= 3)
        // The agent is angry then neutral; the customer happy and laughing.
        for i in result.segments.indices {
            let agent = result.segments[i].speaker == "agent"
            result.segments[i].emotion = agent ? (result.segments[i].startMs < 10_000 ? "angry" : "neutral") : "happy"
            result.segments[i].events = agent ? ["speech"] : ["speech", "laughter"]
        }
        result.speakers = SpeakerSummary.summaries(of: result.segments)

        let lines = SummaryRow(file: "call.wav", result: result).csvLine.split(separator: "\n").map(String.init)
        let header = SummaryRow.header.split(separator: ",").map(String.init)
        let rows = lines.map { CSV.split($0) }
        #expect(rows.map { $0[header.firstIndex(of: "speaker")!] } == ["", "agent", "customer"])
        func value(_ row: [String], _ column: String) -> String { row[header.firstIndex(of: column)!] }
        for row in rows.dropFirst() {
            let mine = result.segments.filter { $0.speaker == value(row, "speaker") }
            #expect(value(row, "segments") == String(mine.count))
            for emotion in SummaryRow.emotions {
                #expect(value(row, "\(emotion)_segments") == String(mine.filter { $0.emotion == emotion }.count), "\(emotion)")
            }
            for event in SummaryRow.events {
                #expect(value(row, "\(event)_segments") == String(mine.filter { $0.events.contains(event) }.count), "\(event)")
            }
        }
        let agent = rows[1], customer = rows[2]
        #expect(value(agent, "angry_segments") == "1" && value(agent, "neutral_segments") == "1" && value(agent, "happy_segments") == "0")
        #expect(value(customer, "happy_segments") == "1" && value(customer, "laughter_segments") == "1")
        #expect(value(customer, "emotion") == "happy")
        // The file's row counts every segment once: the speakers' rows add up to it.
        for column in SummaryRow.emotions.map({ "\($0)_segments" }) + SummaryRow.events.map({ "\($0)_segments" }) + ["segments"] {
            #expect(Int(value(rows[0], column)) == Int(value(agent, column))! + Int(value(customer, column))!, "\(column)")
        }
    }
}
