// What the model heard in one stretch of audio: text with tags, token ids, CTC path, stage times.

/// What the model heard in one stretch of audio.
public struct SegmentRecognition: Sendable, Equatable {
    /// Model output with its `<|…|>` tags, exactly as FunASR decodes it.
    public var raw: String
    /// Token ids after CTC decoding, greedy or beam search (tags included).
    public var tokenIds: [Int]
    /// Language, emotion, events, ITN and tag-free text parsed from `raw`.
    public var parsed: ParsedTranscript
    /// Encoder frames (`T6 + 4`).
    public var encoderFrames: Int
    /// CTC output (per-frame ids and token runs), for timestamps.
    public var ctc: CTCOutput
    /// Seconds in the frontend (fbank, LFR, CMVN).
    public var featuresSeconds: Double
    /// Seconds in the encoder and CTC head.
    public var encoderSeconds: Double
    /// Word times in ms from the start of this stretch (FunASR's forced alignment,
    /// ``TokenTimestamps``), when ``TranscriptionOptions/timestamps`` asked for them.
    public var words: [WordTiming]? = nil
}
