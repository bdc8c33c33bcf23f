// The JSON result of one file (design doc "Interfaces"): CLI `--format json` and HTTP bodies.

/// Times of one word or token, in milliseconds from the start of the file.
public struct WordTiming: Sendable, Equatable, Codable {
    public var text: String
    public var startMs: Int
    public var endMs: Int

    public init(text: String, startMs: Int, endMs: Int) {
        self.text = text
        self.startMs = startMs
        self.endMs = endMs
    }

    /// The same word `ms` later (a segment's words placed at the segment's time in the file).
    public func shifted(by ms: Int) -> WordTiming {
        WordTiming(text: text, startMs: startMs + ms, endMs: endMs + ms)
    }

    enum CodingKeys: String, CodingKey {
        case text
        case startMs = "start_ms"
        case endMs = "end_ms"
    }
}

/// One recognised stretch of audio (a VAD segment, or the whole file without VAD).
public struct SegmentResult: Sendable, Equatable, Codable {
    public var startMs: Int
    public var endMs: Int
    /// Language tag the model emitted (`zh`, `en`, `yue`, `ja`, `ko`, `nospeech`), if any.
    public var language: String?
    /// Emotion as a lower-case name (`happy`, `sad`, `angry`, `neutral`, `fearful`, `disgusted`, `surprised`, `unknown`).
    public var emotion: String?
    /// Audio events as lower-case names (`speech`, `bgm`, `applause`, `laughter`, `cry`, `cough`, …).
    public var events: [String]
    /// Whether the model ran with inverse text normalisation (from its text-norm tag).
    public var itn: Bool?
    /// Model output with tags.
    public var raw: String
    /// Text without tags.
    public var text: String
    public var words: [WordTiming]?
    /// The decoded token ids, tags included (greedy or beam search).
    public var tokenIds: [Int]?
    /// The mean natural-log probability of the emitted tokens (tags included), each read at the
    /// frame where CTC emits it: how sure the model was. Absent when no token was emitted.
    public var avgLogProb: Double? = nil
    /// Who spoke: a diarized speaker (`spk0`, `spk1`, … by first appearance) or, with
    /// `--channels split`, the channel's speaker name. Absent when speakers were not asked for.
    public var speaker: String? = nil
    /// The audio channel the segment was recognised from (0-based), with `--channels split` only.
    public var channel: Int? = nil

    public init(startMs: Int, endMs: Int, recognition r: SegmentRecognition, words: [WordTiming]? = nil) {
        self.startMs = startMs
        self.endMs = endMs
        language = r.parsed.language
        emotion = r.parsed.emotion?.jsonName
        events = r.parsed.events.map(\.jsonName)
        itn = r.parsed.itn
        raw = r.raw
        text = r.parsed.text
        self.words = words
        tokenIds = r.tokenIds
        avgLogProb = r.ctc.averageLogProb
    }

    enum CodingKeys: String, CodingKey {
        case startMs = "start_ms", endMs = "end_ms", language, emotion, events, itn, raw, text, words, speaker, channel
        case tokenIds = "token_ids"
        case avgLogProb = "avg_logprob"
    }
}

/// Where the time went, in milliseconds, and the real-time factor (compute ÷ audio duration).
public struct Timings: Sendable, Equatable, Codable {
    public var decodeMs: Double = 0
    public var vadMs: Double = 0
    public var featuresMs: Double = 0
    public var encoderMs: Double = 0
    public var totalMs: Double = 0
    public var rtf: Double = 0
    /// Speaker diarization (windows, CAM++ embeddings, clustering), when it ran.
    public var diarizeMs: Double? = nil

    public init() {}

    enum CodingKeys: String, CodingKey {
        case decodeMs = "decode_ms", vadMs = "vad_ms", featuresMs = "features_ms", encoderMs = "encoder_ms"
        case totalMs = "total_ms", rtf, diarizeMs = "diarize_ms"
    }
}

/// Everything recognised in one file.
public struct TranscriptionResult: Sendable, Equatable, Codable {
    public var file: String?
    public var durationMs: Int
    /// The language of the longest-spoken segments.
    public var language: String?
    /// The dominant emotion (longest total duration; ties keep the earlier).
    public var emotion: String?
    /// Distinct events in order of first appearance.
    public var events: [String]
    /// Clean text (tags removed, segments joined as FunASR's `_join_vad_texts`).
    public var text: String
    /// Model output with tags, segments joined with one space (FunASR `AutoModel`).
    public var raw: String
    /// FunASR's `rich_transcription_postprocess` of `raw` (emoji for emotions and events).
    public var rich: String
    public var segments: [SegmentResult]
    public var timings: Timings
    /// What was transcribed but is not quite right, one line each (`truncated: header declares
    /// 102.4 s, file holds 0.008 s`); `[]` when nothing was noticed. Optional only so that results
    /// stored before it existed still decode.
    public var warnings: [String]? = []

    /// Per-speaker talk time, share, emotions and events (``SpeakerSummary``), when segments carry speakers.
    public var speakers: [SpeakerSummary]? = nil

    enum CodingKeys: String, CodingKey {
        case file, durationMs = "duration_ms", language, emotion, events, text, raw, rich, segments, timings, warnings, speakers
    }

    /// Assembles the file result from its segments.
    public init(file: String?, durationMs: Int, segments: [SegmentResult], timings: Timings) {
        self.file = file
        self.durationMs = durationMs
        self.segments = segments
        self.timings = timings
        raw = segments.map(\.raw).joined(separator: " ")
        rich = RichTranscription.postprocess(raw)
        text = TranscriptTags.cleanJoin(segments.map(\.raw))
        language = Self.dominant(segments.compactMap { s in s.language.map { ($0, s.endMs - s.startMs) } })
        emotion = Self.dominant(segments.compactMap { s in s.emotion.map { ($0, s.endMs - s.startMs) } })
        var seen: [String] = []
        for e in segments.flatMap(\.events) where !seen.contains(e) { seen.append(e) }
        events = seen
    }

    /// The label with the largest total weight; ties keep the first seen.
    static func dominant(_ items: [(String, Int)]) -> String? {
        var order: [String] = []
        var total: [String: Int] = [:]
        for (label, w) in items {
            if total[label] == nil { order.append(label) }
            total[label, default: 0] += max(w, 1)
        }
        var best: String?
        for label in order where best == nil || total[label]! > total[best!]! { best = label }
        return best
    }
}
