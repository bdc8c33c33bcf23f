// The output-format registry: names, suffixes, the OpenAI vocabulary, labels and verbose_json as writers.

import Foundation
@testable import SenseVoiceEngine
import Testing

@Suite("Output-format registry")
struct TranscriptFormatsTests {
    static let english = WritersTests.english

    @Test("standard has every format once, with unique output-folder suffixes")
    func standard() {
        let registry = TranscriptFormats.standard
        #expect(registry.names == ["text", "rich", "raw", "labels", "json", "verbose_json", "srt", "vtt", "tsv", "markers"])
        #expect(Set(registry.all.map(\.fileSuffix)).count == registry.all.count)
        #expect(registry["rich"]?.fileSuffix == ".rich.txt")
        #expect(registry["text"]?.fileSuffix == ".txt")
        #expect(registry["srt"]?.fileSuffix == ".srt")
        #expect(registry.defaultFormat.name == "json")
        #expect(registry["SRT"] == nil, "lookups are exact; parse(list:) lower-cases")
    }

    @Test("parse(list:) keeps order, trims, ignores case, drops repeats; nil for unknown or empty")
    func parseList() {
        #expect(TranscriptFormats.standard.parse(list: "srt, TEXT,srt,labels")?.map(\.name) == ["srt", "text", "labels"])
        #expect(TranscriptFormats.standard.parse(list: "text,pdf") == nil)
        #expect(TranscriptFormats.standard.parse(list: "") == nil)
        #expect(TranscriptFormats.standard.parse(list: ",") == nil)
    }

    @Test("OpenAI's response_format: json is {text, usage}; the others are the standard writers")
    func openAI() throws {
        let registry = TranscriptFormats.openAI
        #expect(Set(registry.names) == ["json", "text", "srt", "verbose_json", "vtt"])
        let json = try JSONSerialization.jsonObject(with: Data(try registry.defaultFormat.writer().write(Self.english).utf8)) as? [String: Any]
        #expect(Set(json?.keys.map { $0 } ?? []) == ["text", "usage"])
        #expect(json?["text"] as? String == Self.english.text)
        let srt = try #require(registry["srt"]).writer().write(Self.english)
        #expect(try srt == #require(TranscriptFormats.standard["srt"]).writer().write(Self.english))
    }

    @Test("labels is a writer: the label language comes from the options")
    func labels() throws {
        let format = try #require(TranscriptFormats.standard["labels"])
        let english = try format.writer().write(Self.english)
        #expect(english == ReadableLabels.render(Self.english.raw, style: .english) + "\n")
        let chinese = try format.writer(TranscriptWriterOptions(labelStyle: .chinese)).write(Self.english)
        #expect(chinese == ReadableLabels.render(Self.english.raw, style: .chinese) + "\n")
        #expect(chinese.contains("(笑声)"))
    }

    @Test("verbose_json segments carry the decoded token ids as OpenAI's tokens")
    func verboseTokens() throws {
        var result = Self.english
        result.segments[0].tokenIds = [24885, 25001, 25016, 7, 9]
        result.segments[1].tokenIds = nil
        let text = try #require(TranscriptFormats.standard["verbose_json"]).writer().write(result)
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let segments = try #require(object["segments"] as? [[String: Any]])
        #expect(segments[0]["tokens"] as? [Int] == [24885, 25001, 25016, 7, 9])
        #expect(segments[1]["tokens"] as? [Int] == [], "no ids: an empty list, as before")
    }

    @Test("verbose_json lists words exactly when they were asked for (OpenAI's rule), empty when there are none")
    func verboseWords() throws {
        let format = try #require(TranscriptFormats.standard["verbose_json"])
        var timed = Self.english
        timed.segments[0].words = [WordTiming(text: "Hello", startMs: 0, endMs: 500)]
        func object(_ result: TranscriptionResult, words: Bool) throws -> [String: Any] {
            let text = try format.writer(TranscriptWriterOptions(words: words)).write(result)
            return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        #expect(try object(timed, words: false)["words"] == nil, "word times not asked for: no words, even when the result has them")
        let words = try #require(try object(timed, words: true)["words"] as? [[String: Any]])
        #expect(words.count == 1 && words[0]["word"] as? String == "Hello" && words[0]["end"] as? Double == 0.5)
        let empty = TranscriptionResult(file: nil, durationMs: 1000, segments: [], timings: Timings())
        #expect(try object(empty, words: true)["words"] as? [Any] != nil, "asked for but none: an empty list")
        let verbose = try object(timed, words: false)
        #expect(verbose["task"] as? String == "transcribe" && verbose["language"] as? String == "english")
        #expect((verbose["segments"] as? [[String: Any]])?.first?["end"] as? Double == 2.5)
    }

    @Test("plain-text formats are the one-line ones the CLI prefixes with the path")
    func plainText() {
        let plain = TranscriptFormats.standard.all.filter { $0.writer().isPlainText }.map(\.name)
        #expect(plain == ["text", "rich", "raw", "labels"])
    }

    @Test("a writer that cannot encode throws instead of writing something else")
    func encodingFailure() {
        var broken = Self.english
        broken.timings.rtf = .nan
        #expect(throws: EncodingError.self) { try JSONTranscriptWriter().write(broken) }
    }

    @Test("emotions and events share one tag mechanism: JSON names round-trip, glyphs and labels from one table")
    func tagVocabulary() {
        for emotion in Emotion.allCases { #expect(Emotion(jsonName: emotion.jsonName) == emotion) }
        for event in AudioEvent.allCases { #expect(AudioEvent(jsonName: event.jsonName) == event) }
        #expect(Emotion.unknown.jsonName == "unknown" && AudioEvent.unknown.jsonName == "unknown")
        #expect(AudioEvent.speechNoise.jsonName == "speech_noise")
        #expect(AudioEvent(jsonName: "happy") == nil && Emotion(jsonName: "EMO_UNKNOWN") == nil)
        let shown = Set(Emotion.allCases.compactMap { $0.emoji == nil ? nil : $0.rawValue }
                        + AudioEvent.allCases.compactMap { $0.emoji == nil ? nil : $0.rawValue })
        #expect(shown == Set(TagMarks.table.keys), "every table row names a real tag")
        #expect(AudioEvent.cough.emoji == AudioEvent.sneeze.emoji && AudioEvent.cough.label(.english) != AudioEvent.sneeze.label(.english))
    }
}
