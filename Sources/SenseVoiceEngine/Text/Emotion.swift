// Follows funasr/models/sense_voice/model.py (emo_dict) and funasr/utils/postprocess_utils.py
// (emo_dict glyphs) — the emotion tags SenseVoice emits (spec §3.5, §8.1).

/// The speaker emotion SenseVoice tags an utterance with (frame 1 of the output, e.g. `<|HAPPY|>`).
///
/// The raw value is the tag name between `<|` and `|>`, exactly as in the tokenizer.
public enum Emotion: String, Sendable, Hashable, CaseIterable, Codable {
    case happy = "HAPPY"
    case sad = "SAD"
    case angry = "ANGRY"
    case neutral = "NEUTRAL"
    case fearful = "FEARFUL"
    case disgusted = "DISGUSTED"
    case surprised = "SURPRISED"
    /// `<|OTHER|>` (id 25008): in the vocabulary, never seen in practice; FunASR's post-processor
    /// does not know it and leaves the tag in the text.
    case other = "OTHER"
    /// `<|EMO_UNKNOWN|>` (id 25009): the model could not tell; `--ban-emo-unk` forbids it.
    case unknown = "EMO_UNKNOWN"

    /// The tag as it appears in raw model output, e.g. `<|HAPPY|>`.
    public var tag: String { "<|\(rawValue)|>" }

    /// The emotion of a tag (`<|HAPPY|>`) or tag name (`HAPPY`), or `nil` for anything else.
    public init?(tag: String) {
        self.init(rawValue: TranscriptTags.tagName(tag))
    }

    /// The glyph FunASR's `rich_transcription_postprocess` appends for this emotion, or `nil`
    /// when it shows none (neutral, other, unknown): 😊 😔 😡 😰 🤢 😮.
    public var emoji: String? {
        switch self {
        case .happy: "\u{1F60A}"
        case .sad: "\u{1F614}"
        case .angry: "\u{1F621}"
        case .fearful: "\u{1F630}"
        case .disgusted: "\u{1F922}"
        case .surprised: "\u{1F62E}"
        case .neutral, .other, .unknown: nil
        }
    }
}
