// OpenAI's transcription response shapes (json, verbose_json), plus our emotion and event fields.

import Foundation

/// Writes OpenAI's `json` (`{text, usage}`) or `verbose_json` (segments in seconds, plus our
/// `emotion`, `events` and `rich`).
///
/// `verbose_json` carries the top-level `words` list exactly when word times were asked for
/// (OpenAI's rule: `timestamp_granularities[]=word`; the REST routes and the CLI ask with
/// `timestamps`), as an empty list when the file has no words, and leaves it out otherwise.
public struct OpenAIJSONWriter: TranscriptWriting {
    /// Which of OpenAI's JSON shapes.
    public enum Shape: Sendable, Equatable {
        /// `response_format=json`: `{text, usage}`.
        case simple
        /// `response_format=verbose_json`.
        case verbose
    }

    public var shape: Shape
    /// Whether `verbose_json` carries `words`.
    public var words: Bool

    public init(_ shape: Shape, words: Bool = false) {
        self.shape = shape
        self.words = words
    }

    public var fileExtension: String { "json" }
    public var mediaType: String { "application/json; charset=utf-8" }

    /// - Throws: `EncodingError` when a number is not finite.
    public func write(_ result: TranscriptionResult) throws -> String {
        let data: Data
        switch shape {
        case .simple: data = try JSONTranscriptWriter.encode(Simple(text: result.text, usage: Usage(seconds: Self.seconds(result.durationMs))))
        case .verbose: data = try JSONTranscriptWriter.encode(verbose(result))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `response_format=json`.
    struct Simple: Encodable {
        var text: String
        var usage: Usage
    }

    /// Billing-style usage block newer OpenAI clients read: the audio duration.
    struct Usage: Encodable {
        var type = "duration"
        var seconds: Double
    }

    /// `response_format=verbose_json`.
    struct Verbose: Encodable {
        var task = "transcribe"
        /// Full English name, as OpenAI reports it (`english`, `chinese`, …).
        var language: String
        var duration: Double
        var text: String
        var segments: [Segment]
        var words: [Word]?
        var usage: Usage
        /// Ours: the dominant emotion and the events of the file.
        var emotion: String?
        var events: [String]
        /// Ours: FunASR's rich transcription (emoji).
        var rich: String
        /// Ours: per-speaker summary, when segments carry speakers.
        var speakers: [SpeakerSummary]?
    }

    struct Segment: Encodable {
        var id: Int
        var seek: Int
        var start: Double
        var end: Double
        var text: String
        var tokens: [Int]
        /// Decoding is deterministic: always 0.
        var temperature = 0.0
        var avg_logprob: Double
        var compression_ratio: Double
        var no_speech_prob: Double
        /// Ours: the segment's language code, emotion and events.
        var language: String?
        var emotion: String?
        var events: [String]
        /// Ours: the speaker and channel, when asked for.
        var speaker: String?
        var channel: Int?
    }

    struct Word: Encodable {
        var word: String
        var start: Double
        var end: Double
    }

    func verbose(_ r: TranscriptionResult) -> Verbose {
        let segments = r.segments.enumerated().map { index, s in
            Segment(id: index, seek: s.startMs / 10, start: Self.seconds(s.startMs), end: Self.seconds(s.endMs), text: s.text,
                    tokens: s.tokenIds ?? [], avg_logprob: s.avgLogProb ?? 0,
                    compression_ratio: TextCompression.ratio(s.text),
                    no_speech_prob: s.language == "nospeech" ? 1 : 0,
                    language: s.language, emotion: s.emotion, events: s.events,
                    speaker: s.speaker, channel: s.channel)
        }
        let words: [Word]? = self.words
            ? r.segments.flatMap { $0.words ?? [] }.map { Word(word: $0.text, start: Self.seconds($0.startMs), end: Self.seconds($0.endMs)) }
            : nil
        return Verbose(language: Self.languageName(r.language), duration: Self.seconds(r.durationMs), text: r.text,
                       segments: segments, words: words, usage: Usage(seconds: Self.seconds(r.durationMs)),
                       emotion: r.emotion, events: r.events, rich: r.rich, speakers: r.speakers)
    }

    /// OpenAI's language names.
    static func languageName(_ code: String?) -> String {
        switch code {
        case "zh": "chinese"
        case "en": "english"
        case "yue": "cantonese"
        case "ja": "japanese"
        case "ko": "korean"
        case let other?: other
        case nil: "unknown"
        }
    }

    static func seconds(_ ms: Int) -> Double { Double(ms) / 1000 }
}
