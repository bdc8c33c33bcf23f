// OpenAI's transcription response shapes (json, verbose_json), plus our emotion and event fields.

import SenseVoiceEngine

/// Bodies of `POST /v1/audio/transcriptions`.
enum OpenAITranscription {
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
    }

    struct Segment: Encodable {
        var id: Int
        var seek: Int
        var start: Double
        var end: Double
        var text: String
        var tokens: [Int]
        var temperature: Double
        var avg_logprob: Double
        var compression_ratio: Double
        var no_speech_prob: Double
        /// Ours: the segment's language code, emotion and events.
        var language: String?
        var emotion: String?
        var events: [String]
    }

    struct Word: Encodable {
        var word: String
        var start: Double
        var end: Double
    }

    static func simple(_ r: TranscriptionResult) -> Simple {
        Simple(text: r.text, usage: Usage(seconds: seconds(r.durationMs)))
    }

    static func verbose(_ r: TranscriptionResult, words includeWords: Bool) -> Verbose {
        let segments = r.segments.enumerated().map { index, s in
            Segment(id: index, seek: s.startMs / 10, start: seconds(s.startMs), end: seconds(s.endMs), text: s.text,
                    tokens: [], temperature: 0, avg_logprob: 0, compression_ratio: 0,
                    no_speech_prob: s.language == "nospeech" ? 1 : 0,
                    language: s.language, emotion: s.emotion, events: s.events)
        }
        let words: [Word]? = includeWords
            ? r.segments.flatMap { $0.words ?? [] }.map { Word(word: $0.text, start: seconds($0.startMs), end: seconds($0.endMs)) }
            : nil
        return Verbose(language: languageName(r.language), duration: seconds(r.durationMs), text: r.text,
                       segments: segments, words: words, usage: Usage(seconds: seconds(r.durationMs)),
                       emotion: r.emotion, events: r.events, rich: r.rich)
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
