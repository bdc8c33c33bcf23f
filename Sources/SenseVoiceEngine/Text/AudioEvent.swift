// Follows funasr/utils/postprocess_utils.py (event_dict, emoji_dict) — the audio-event tags
// SenseVoice emits (spec §3.5, §8.1).

/// An acoustic event SenseVoice tags an utterance with (frame 2 of the output, e.g. `<|Laughter|>`).
///
/// The raw value is the tag name between `<|` and `|>`, exactly as in the tokenizer. Closing
/// tags such as `<|/Speech|>` are not events.
public enum AudioEvent: String, Sendable, Hashable, CaseIterable, Codable {
    case speech = "Speech"
    /// Background music.
    case bgm = "BGM"
    case applause = "Applause"
    case laughter = "Laughter"
    case cry = "Cry"
    case sneeze = "Sneeze"
    case breath = "Breath"
    case cough = "Cough"
    case sing = "Sing"
    case speechNoise = "Speech_Noise"
    /// `<|Event_UNK|>`: no recognisable event (with `<|nospeech|>` it means "no speech at all").
    case unknown = "Event_UNK"
    /// `<|GBG|>`: garbage / unintelligible audio.
    case gbg = "GBG"

    /// The tag as it appears in raw model output, e.g. `<|Laughter|>`.
    public var tag: String { "<|\(rawValue)|>" }

    /// The event of a tag (`<|BGM|>`) or tag name (`BGM`), or `nil` for anything else.
    public init?(tag: String) {
        self.init(rawValue: TranscriptTags.tagName(tag))
    }

    /// The glyph FunASR's `rich_transcription_postprocess` prepends for this event, or `nil` when
    /// it shows none: 🎼 👏 😀 😭 🤧, and 🤧 for cough too (FunASR's table says so).
    public var emoji: String? {
        switch self {
        case .bgm: "\u{1F3BC}"
        case .applause: "\u{1F44F}"
        case .laughter: "\u{1F600}"
        case .cry: "\u{1F62D}"
        case .sneeze, .cough: "\u{1F927}"
        case .speech, .breath, .sing, .speechNoise, .unknown, .gbg: nil
        }
    }
}
