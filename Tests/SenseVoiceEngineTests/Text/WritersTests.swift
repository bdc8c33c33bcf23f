// SRT, VTT, JSON, text and TSV writers: timestamps, cue splitting, markers, escaping.

import Foundation
@testable import SenseVoiceEngine
import Testing

@Suite("Transcript writers")
struct WritersTests {
    /// A result from raw segments `(start, end, raw)`.
    static func result(_ segments: [(Int, Int, String)]) -> TranscriptionResult {
        let parsed = segments.map { start, end, raw -> SegmentResult in
            var s = SegmentResult(startMs: start, endMs: end, recognition: SegmentRecognition.testing(raw: raw))
            s.words = nil
            return s
        }
        return TranscriptionResult(file: "a.wav", durationMs: segments.last?.1 ?? 0, segments: parsed, timings: Timings())
    }

    static let english = result([
        (0, 2500, "<|en|><|HAPPY|><|Laughter|><|withitn|>Hello there."),
        (3_723_004, 3_725_000, "<|en|><|NEUTRAL|><|Speech|><|withitn|>Bye & <see> you."),
    ])

    @Test("SRT: numbered cues, HH:MM:SS,mmm, blank line after each")
    func srt() {
        let text = SubtitleWriter(.srt).write(Self.english)
        #expect(text == """
            1
            00:00:00,000 --> 00:00:02,500
            Hello there.

            2
            01:02:03,004 --> 01:02:05,000
            Bye & <see> you.


            """)
    }

    @Test("VTT: WEBVTT header, HH:MM:SS.mmm, escaped text")
    func vtt() {
        let text = SubtitleWriter(.vtt).write(Self.english)
        #expect(text == """
            WEBVTT

            00:00:00.000 --> 00:00:02.500
            Hello there.

            01:02:03.004 --> 01:02:05.000
            Bye &amp; &lt;see&gt; you.


            """)
    }

    @Test("markers: emoji and readable labels around the text")
    func markers() {
        let emoji = SubtitleWriter(.srt, cues: SubtitleCueOptions(markers: .emoji)).write(Self.english)
        #expect(emoji.contains("\u{1F600}Hello there.\u{1F60A}\n"), "\(emoji)")
        let labels = SubtitleWriter(.vtt, cues: SubtitleCueOptions(markers: .labels(.english))).write(Self.english)
        #expect(labels.contains("[laughter] Hello there. [happy]\n"), "\(labels)")
        #expect(labels.contains("Bye &amp; &lt;see&gt; you.\n"), "neutral emotion and speech event show nothing")
    }

    @Test("long segments split into cues of at most 2 lines of 42 columns, timed by length")
    func splitting() throws {
        let sentence = (1...40).map { "word\($0)" }.joined(separator: " ") + "."
        let cues = SubtitleCue.cues(for: Self.result([(1000, 11000, "<|en|><|NEUTRAL|><|Speech|><|withitn|>" + sentence)]),
                                    options: SubtitleCueOptions())
        #expect(cues.count > 1)
        for cue in cues {
            #expect(cue.lines.count <= 2)
            for line in cue.lines { #expect(line.count <= 42, "\(line)") }
        }
        #expect(cues.flatMap(\.lines).joined(separator: " ") == sentence, "no word is lost or cut")
        #expect(cues.first?.startMs == 1000)
        #expect(cues.last?.endMs == 11000)
        for (a, b) in zip(cues, cues.dropFirst()) { #expect(a.endMs == b.startMs && a.startMs < a.endMs) }
    }

    @Test("Chinese text breaks between characters at 21 characters (42 columns); punctuation never starts a line")
    func chinese() {
        let text = String(repeating: "我们今天去公园散步，", count: 6)
        let cues = SubtitleCue.cues(for: Self.result([(0, 9000, "<|zh|><|NEUTRAL|><|Speech|><|withitn|>" + text)]), options: SubtitleCueOptions())
        let lines = cues.flatMap(\.lines)
        #expect(lines.joined() == text)
        for line in lines {
            #expect(line.count <= 21, "\(line)")
            #expect(!line.hasPrefix("，"))
        }
    }

    @Test("a word longer than a line is cut; segments without text give no cue")
    func edges() {
        let long = String(repeating: "x", count: 100)
        let cues = SubtitleCue.cues(for: Self.result([(0, 1000, "<|en|><|NEUTRAL|><|Speech|><|withitn|>" + long),
                                                      (1000, 2000, "<|nospeech|><|EMO_UNKNOWN|><|Event_UNK|><|woitn|>")]),
                                    options: SubtitleCueOptions(maxLineWidth: 42, maxLines: 1))
        #expect(cues.map { $0.lines.joined() }.joined() == long)
        #expect(cues.allSatisfy { $0.endMs <= 1000 })
    }

    @Test("TSV: header and one row per segment, tabs and newlines in text flattened")
    func tsv() {
        let text = TSVWriter().write(Self.result([(0, 500, "<|en|><|HAPPY|><|Laughter|><|withitn|>a\tb")]))
        #expect(text == "start_ms\tend_ms\tlanguage\temotion\tevents\ttext\n0\t500\ten\thappy\tlaughter\ta b\n")
    }

    @Test("JSON round-trips the result; text writers print one line")
    func jsonAndText() throws {
        let json = try JSONTranscriptWriter().write(Self.english)
        #expect(!json.contains("\n"))
        let back = try JSONDecoder().decode(TranscriptionResult.self, from: Data(json.utf8))
        #expect(back == Self.english)
        #expect(try JSONTranscriptWriter(pretty: true).write(Self.english).contains("\n  "))
        #expect(TextTranscriptWriter().write(Self.english) == Self.english.text + "\n")
        #expect(TextTranscriptWriter(style: .raw).write(Self.english) == Self.english.raw + "\n")
        #expect(TextTranscriptWriter(style: .rich).write(Self.english) == Self.english.rich + "\n")
    }

    @Test("every format has a writer with its extension and media type")
    func formats() {
        let expected: [String: String] = ["text": "txt", "rich": "txt", "raw": "txt", "json": "json", "srt": "srt", "vtt": "vtt", "tsv": "tsv",
                                          "labels": "txt", "verbose_json": "json", "markers": "csv"]
        for format in TranscriptFormats.standard.all {
            let writer = format.writer()
            #expect(writer.fileExtension == expected[format.name])
            #expect(writer.mediaType.contains("charset=utf-8") || writer.mediaType.hasPrefix("application/json"))
        }
    }
}

extension SegmentRecognition {
    /// A recognition of `raw` without model numbers.
    static func testing(raw: String) -> SegmentRecognition {
        SegmentRecognition(raw: raw, tokenIds: [], parsed: TranscriptTags.parse(raw), encoderFrames: 0,
                           ctc: CTCOutput(frameIds: [], tokenIds: [], tokenFrames: []), featuresSeconds: 0, encoderSeconds: 0)
    }
}
