// The events of a live transcription, as JSON objects whose `type` says what happened.

/// One event of a live transcription (CLI `stream --format jsonl`, the server's stream frames).
///
/// JSON: `{"type":"speech_started","start_ms":…}`; `partial` and `final` are one segment of the
/// JSON result (`start_ms`, `end_ms`, `language`, `emotion`, `events`, `itn`, `raw`, `text`,
/// `words` when word times were asked for) plus `type` and `rich`; `{"type":"done","duration_ms":…}`.
public enum LiveEvent: Sendable, Equatable {
    /// Speech started at `startMs` (ms from the start of the stream).
    case speechStarted(startMs: Int)
    /// The open segment so far, re-recognised (its `endMs` is the audio received so far); a later
    /// partial or the segment's final replaces it.
    case partial(SegmentResult)
    /// A finished segment: its text is exactly what offline recognition of the same samples gives.
    case final(SegmentResult)
    /// The stream ended after `durationMs` of audio; nothing follows.
    case done(durationMs: Int)

    /// The JSON `type`: `speech_started`, `partial`, `final` or `done`.
    public var type: String {
        switch self {
        case .speechStarted: "speech_started"
        case .partial: "partial"
        case .final: "final"
        case .done: "done"
        }
    }

    /// The segment of a `partial` or `final`.
    public var segment: SegmentResult? {
        switch self {
        case .partial(let s), .final(let s): s
        case .speechStarted, .done: nil
        }
    }
}

extension LiveEvent: Codable {
    private enum Keys: String, CodingKey {
        case type, rich
        case startMs = "start_ms"
        case durationMs = "duration_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        if let segment { try segment.encode(to: encoder) }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(type, forKey: .type)
        switch self {
        case .speechStarted(let ms): try c.encode(ms, forKey: .startMs)
        case .partial(let s), .final(let s): try c.encode(RichTranscription.postprocess(s.raw), forKey: .rich)
        case .done(let ms): try c.encode(ms, forKey: .durationMs)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "speech_started": self = .speechStarted(startMs: try c.decode(Int.self, forKey: .startMs))
        case "partial": self = .partial(try SegmentResult(from: decoder))
        case "final": self = .final(try SegmentResult(from: decoder))
        case "done": self = .done(durationMs: try c.decode(Int.self, forKey: .durationMs))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown live event type \(type)")
        }
    }
}
