// Options of one transcription (CLI flags, HTTP form fields and job options map onto these).

/// How to decode: prompts, bans, long-audio segmentation and extras.
public struct TranscriptionOptions: Sendable, Equatable, Codable {
    /// Language prompt; `.auto` lets the model identify it.
    public var language: Language
    /// Inverse text normalisation (punctuation, casing, digits) — the `withitn` prompt.
    public var useITN: Bool
    /// Never predict `<|EMO_UNKNOWN|>` (FunASR's `ban_emo_unk`).
    public var banEmotionUnknown: Bool
    /// Compute per-word times from the CTC alignment.
    public var timestamps: Bool
    /// VAD end-of-speech threshold generation (used when a VAD model is attached).
    public var vadMode: VADMode
    /// Longest VAD segment before a forced split (FunASR `max_single_segment_time`; SenseVoice uses 30000).
    public var maxSegmentMs: Int
    /// Merge neighbouring VAD segments up to `mergeLengthMs` (FunASR `merge_vad`).
    public var mergeVAD: Bool
    /// Target length of merged segments (FunASR `merge_length_s` × 1000).
    public var mergeLengthMs: Int
    /// CTC prefix beam search (with hotwords) instead of greedy decoding; `nil`: greedy.
    public var beamSearch: BeamSearchOptions? = nil
    /// Give every segment a speaker (``DiarizationOptions``); nil: no speakers. Needs the
    /// transcriber's ``Transcriber/diarizer``.
    public var diarization: DiarizationOptions? = nil
    /// Recognise each channel on its own, one speaker per channel (``ChannelSplitOptions``); nil:
    /// channels are mixed to mono (the default). Not with ``diarization``.
    public var channels: ChannelSplitOptions? = nil
    /// The denoiser run before VAD and recognition; nil: the engine's
    /// ``EngineConfiguration/denoise``. A server resolves a request's `denoise` field to its own
    /// method here (a client never names a model file).
    public var denoise: DenoiseMethod? = nil

    public init(language: Language = .auto, useITN: Bool = true, banEmotionUnknown: Bool = false, timestamps: Bool = false,
                vadMode: VADMode = .dynamic, maxSegmentMs: Int = 30_000, mergeVAD: Bool = true, mergeLengthMs: Int = 15_000) {
        self.language = language
        self.useITN = useITN
        self.banEmotionUnknown = banEmotionUnknown
        self.timestamps = timestamps
        self.vadMode = vadMode
        self.maxSegmentMs = maxSegmentMs
        self.mergeVAD = mergeVAD
        self.mergeLengthMs = mergeLengthMs
    }

    /// Checks the numeric options.
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the option.
    public func validate() throws {
        guard (1_000...600_000).contains(maxSegmentMs) else {
            throw SenseVoiceError(.invalidOption, "max segment length \(maxSegmentMs) ms is outside 1000…600000 ms")
        }
        guard (0...600_000).contains(mergeLengthMs) else {
            throw SenseVoiceError(.invalidOption, "merge length \(mergeLengthMs) ms is outside 0…600000 ms")
        }
        try beamSearch?.validate()
        try diarization?.validate()
        try channels?.validate()
        if diarization != nil && channels != nil { throw ChannelSplitOptions.withDiarization }
    }
}

extension VADMode: Codable {}
