// `--format markers`: which tags become markers, and CSV / chapters / EDL that parse back.

import Foundation
@testable import SenseVoiceEngine
import Testing

@Suite("Highlight markers")
struct HighlightWriterTests {
    /// Four segments: laughter + happy, neutral speech, applause + angry (text with a comma and a
    /// quote), and bgm + sad past the hour.
    static let result = WritersTests.result([
        (1_200, 2_500, "<|en|><|HAPPY|><|Laughter|><|withitn|>Hello there."),
        (3_000, 4_000, "<|en|><|NEUTRAL|><|Speech|><|withitn|>Plain talk."),
        (65_040, 70_000, "<|en|><|ANGRY|><|Applause|><|withitn|>No, \"never\" again."),
        (3_723_004, 3_725_000, "<|zh|><|SAD|><|BGM|><|woitn|>再见"),
    ])

    static func write(_ options: HighlightOptions, _ result: TranscriptionResult = result,
                      labels: ReadableLabels.Style = .english) throws -> String {
        try HighlightWriter(options, labels: labels).write(result)
    }

    /// RFC 4180 rows (quoted fields with doubled quotes and embedded commas).
    static func parseCSV(_ text: String) throws -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if quoted {
                if c == "\"" {
                    let next = text.index(after: i)
                    if next < text.endIndex, text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" {
                guard field.isEmpty else { throw CMX3600Parser.Failure(line: rows.count + 1, problem: "quote inside a field") }
                quoted = true
            } else if c == "," { row.append(field); field = "" }
            else if c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.append(c) }
            i = text.index(after: i)
        }
        guard !quoted, row.isEmpty, field.isEmpty else { throw CMX3600Parser.Failure(line: rows.count + 1, problem: "unterminated row") }
        return rows
    }

    @Test("default markers: shown events and non-neutral emotions in time order, events before the emotion")
    func defaults() {
        let markers = HighlightMarker.list(in: Self.result, options: HighlightOptions(), labels: .english)
        #expect(markers.map(\.name) == ["laughter", "happy", "applause", "angry", "bgm", "sad"])
        #expect(markers.map(\.kind) == [.event, .emotion, .event, .emotion, .event, .emotion])
        #expect(markers[0].startMs == 1_200 && markers[0].endMs == 2_500 && markers[0].text == "Hello there.")
        #expect(markers[4].label == "music", "the readable word, not the tag name")
        #expect(HighlightMarker.list(in: Self.result, options: HighlightOptions(), labels: .chinese).map(\.label)
            == ["笑声", "开心", "掌声", "生气", "背景音乐", "伤心"])
    }

    @Test("--only-events / --only-emotions keep just those; both together keep the union; unlabelled tags on request")
    func filters() throws {
        func names(_ o: HighlightOptions) -> [String] { HighlightMarker.list(in: Self.result, options: o, labels: .english).map(\.name) }
        #expect(names(HighlightOptions(onlyEvents: [.laughter, .bgm])) == ["laughter", "bgm"])
        #expect(names(HighlightOptions(onlyEmotions: [.angry])) == ["angry"])
        #expect(names(HighlightOptions(onlyEvents: [.applause], onlyEmotions: [.sad])) == ["applause", "sad"])
        #expect(names(HighlightOptions(onlyEvents: [.speech])) == ["speech"])
        #expect(names(HighlightOptions(onlyEmotions: [.neutral])) == ["neutral"])
        let parsed = try HighlightOptions.tags(" Laughter, applause ", of: AudioEvent.self, option: "--only-events")
        #expect(parsed == [.laughter, .applause])
        let error = #expect(throws: SenseVoiceError.self) { try HighlightOptions.tags("laughter,giggles", of: AudioEvent.self, option: "--only-events") }
        #expect(error?.code == .invalidOption)
        #expect(error?.message.contains("giggles") == true && error?.message.contains("applause") == true)
        #expect(throws: SenseVoiceError.self) { try HighlightOptions.tags(" , ", of: Emotion.self, option: "--only-emotions") }
    }

    @Test("CSV parses back: header, seconds, kind, label and text with quotes and commas intact")
    func csv() throws {
        let rows = try Self.parseCSV(try Self.write(HighlightOptions()))
        #expect(rows.first == ["start", "end", "kind", "label", "text"])
        #expect(rows.count == 7)
        #expect(rows[1] == ["1.200", "2.500", "event", "laughter", "Hello there."])
        #expect(rows[4] == ["65.040", "70.000", "emotion", "angry", "No, \"never\" again."])
        #expect(rows.dropFirst().allSatisfy { $0.count == 5 && Double($0[0])! <= Double($0[1])! })
    }

    @Test("chapters: first line 0:00, strictly increasing, within the file, one line per marked second")
    func chapters() throws {
        let text = try Self.write(HighlightOptions(layout: .chapters))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "0:00:00 Start")
        #expect(lines[1] == "0:00:01 Laughter, Happy — Hello there.")
        var seconds: [Int] = []
        for line in lines {
            let clock = try #require(line.split(separator: " ").first)
            let parts = clock.split(separator: ":").compactMap { Int($0) }
            #expect(parts.count == 3, "a file past an hour writes h:mm:ss")
            seconds.append(parts.reduce(0) { $0 * 60 + $1 })
        }
        #expect(seconds == [0, 1, 65, 3723])
        #expect(zip(seconds, seconds.dropFirst()).allSatisfy { $0 < $1 })
        #expect(seconds.allSatisfy { $0 * 1000 < Self.result.durationMs })
        let short = WritersTests.result([(0, 900, "<|en|><|HAPPY|><|Speech|><|withitn|>Hi."), (75_500, 80_000, "<|en|><|ANGRY|><|Laughter|><|withitn|>Ha.")])
        #expect(try Self.write(HighlightOptions(layout: .chapters), short) == "0:00 Happy — Hi.\n1:15 Laughter, Angry — Ha.\n")
        #expect(try Self.write(HighlightOptions(layout: .chapters), short, labels: .chinese).hasPrefix("0:00 开心 — Hi.\n"))
    }

    @Test("EDL: a strict CMX 3600 parser accepts it; events sit at the markers' start on the timeline")
    func edl() throws {
        for fps in [25, 30] {
            let text = try Self.write(HighlightOptions(layout: .edl, framesPerSecond: fps))
            let edl = try CMX3600Parser(text, fps: fps)
            #expect(edl.title == "a.wav")
            let markers = HighlightMarker.list(in: Self.result, options: HighlightOptions(), labels: .english)
            #expect(edl.events.count == markers.count)
            for (event, marker) in zip(edl.events, markers) {
                #expect(event.recordIn == 3600 * fps + marker.startMs * fps / 1000)
                #expect(event.recordOut == event.recordIn + 1)
                #expect(event.markerFrames == max(1, Int((Double(marker.endMs - marker.startMs) * Double(fps) / 1000).rounded())))
                #expect(event.markerName?.hasPrefix(marker.label) == true)
            }
            #expect(edl.events.first?.markerColour == "Green" && edl.events[3].markerColour == "Red")
        }
        let zeroStart = try CMX3600Parser(try Self.write(HighlightOptions(layout: .edl, timelineStartSeconds: 0)), fps: 25)
        #expect(zeroStart.events.first?.recordIn == 30, "1.2 s at 25 fps")
        #expect(throws: CMX3600Parser.Failure.self) { try CMX3600Parser("TITLE: x\nFCM: NON-DROP FRAME\n\n001  001      V     C        00:00:00:30 00:00:01:00 00:00:00:30 00:00:01:00\n", fps: 25) }
    }

    @Test("an EDL refuses what CMX 3600 cannot hold: more than 999 events, times past 23:59:59")
    func edlLimits() throws {
        let many = WritersTests.result((0..<1000).map { ($0 * 1000, $0 * 1000 + 500, "<|en|><|HAPPY|><|Speech|><|withitn|>x") })
        let error = #expect(throws: SenseVoiceError.self) { try Self.write(HighlightOptions(layout: .edl), many) }
        #expect(error?.message.contains("999") == true)
        #expect(throws: Never.self) { try Self.write(HighlightOptions(layout: .csv), many) }
        #expect(throws: SenseVoiceError.self) { try Self.write(HighlightOptions(layout: .edl, timelineStartSeconds: 23 * 3600)) }
    }

    @Test("a result without markers gives an empty, valid file in every layout")
    func empty() throws {
        let quiet = WritersTests.result([(0, 1000, "<|en|><|NEUTRAL|><|Speech|><|withitn|>Nothing to mark.")])
        #expect(try Self.write(HighlightOptions(), quiet) == "")
        #expect(try Self.parseCSV("").isEmpty)
        #expect(try Self.write(HighlightOptions(layout: .chapters), quiet) == "")
        let edl = try CMX3600Parser(try Self.write(HighlightOptions(layout: .edl), quiet), fps: 25)
        #expect(edl.events.isEmpty)
    }

    @Test("the markers format: suffix follows the layout; options text is validated with the caller's names")
    func format() throws {
        let format = try #require(TranscriptFormats.standard["markers"])
        #expect(format.fileSuffix(TranscriptWriterOptions()) == ".markers.csv")
        #expect(format.fileSuffix(TranscriptWriterOptions(highlights: HighlightOptions(layout: .chapters))) == ".chapters.txt")
        #expect(format.fileSuffix(TranscriptWriterOptions(highlights: HighlightOptions(layout: .edl))) == ".markers.edl")
        #expect(format.writer(TranscriptWriterOptions(highlights: HighlightOptions(layout: .edl))).mediaType.hasPrefix("text/x-edl"))
        let names = (layout: "markers_format", events: "only_events", emotions: "only_emotions", fps: "edl_fps", start: "edl_start")
        let parsed = try HighlightOptions(layout: "EDL", onlyEvents: "laughter", onlyEmotions: nil, fps: 30, start: "00:00:10", names: names)
        #expect(parsed == HighlightOptions(layout: .edl, onlyEvents: [.laughter], framesPerSecond: 30, timelineStartSeconds: 10))
        for (layout, fps, start, field) in [("pdf", nil, nil, "markers_format"), (nil, 29, nil, "edl_fps"), (nil, nil, "25:00:00", "edl_start"), (nil, nil, "1:2", "edl_start")] as [(String?, Int?, String?, String)] {
            let error = #expect(throws: SenseVoiceError.self) {
                try HighlightOptions(layout: layout, onlyEvents: nil, onlyEmotions: nil, fps: fps, start: start, names: names)
            }
            #expect(error?.message.hasPrefix(field) == true)
        }
    }
}
