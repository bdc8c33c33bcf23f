// Options of one transcription (CLI flags, HTTP form fields and job options map onto these).

/// How to decode: prompts, bans and extras.
public struct TranscriptionOptions: Sendable, Equatable, Codable {
    /// Language prompt; `.auto` lets the model identify it.
    public var language: Language
    /// Inverse text normalisation (punctuation, casing, digits) — the `withitn` prompt.
    public var useITN: Bool
    /// Never predict `<|EMO_UNKNOWN|>` (FunASR's `ban_emo_unk`).
    public var banEmotionUnknown: Bool
    /// Compute per-token/word times.
    public var timestamps: Bool

    public init(language: Language = .auto, useITN: Bool = true, banEmotionUnknown: Bool = false, timestamps: Bool = false) {
        self.language = language
        self.useITN = useITN
        self.banEmotionUnknown = banEmotionUnknown
        self.timestamps = timestamps
    }
}
