// The one mechanism behind emotion and audio-event tags: tag text, JSON names, glyphs and labels.

/// A closed family of SenseVoice `<|…|>` tags that are treated alike everywhere: ``Emotion`` and
/// ``AudioEvent``.
///
/// A conformer is a string enum whose raw value is the tag name between `<|` and `|>`, exactly as
/// in the tokenizer, with an `unknown` case for the model's "could not tell" tag. Everything else
/// — the tag text, the lower-case JSON name, FunASR's glyph, the readable labels — is derived here
/// and from the one table of shown tags, ``TagMarks/table``.
public protocol TranscriptTag: RawRepresentable<String>, CaseIterable, Hashable, Sendable, Codable {
    /// The "could not tell" tag (`EMO_UNKNOWN`, `Event_UNK`); `unknown` in JSON.
    static var unknown: Self { get }
}

extension TranscriptTag {
    /// The tag as it appears in raw model output, e.g. `<|HAPPY|>`.
    public var tag: String { "<|\(rawValue)|>" }

    /// The value of a tag (`<|HAPPY|>`) or tag name (`HAPPY`), or `nil` for anything else.
    public init?(tag: String) {
        self.init(rawValue: TranscriptTags.tagName(tag))
    }

    /// Lower-case name used in JSON (`EMO_UNKNOWN`, `Event_UNK` → `unknown`; `Speech_Noise` → `speech_noise`).
    public var jsonName: String { self == .unknown ? "unknown" : rawValue.lowercased() }

    /// The value of a JSON name (``jsonName``), or `nil` for anything else.
    public init?(jsonName: String) {
        guard let value = Self.allCases.first(where: { $0.jsonName == jsonName }) else { return nil }
        self = value
    }

    /// The glyph FunASR's `rich_transcription_postprocess` shows for this tag, or `nil` when it
    /// shows none (events go before their segment, the emotion after it).
    public var emoji: String? { TagMarks.table[rawValue]?.emoji }

    /// The readable label (`[laughter]`, `(笑声)`), or `nil` for tags that are not shown.
    public func label(_ style: ReadableLabels.Style) -> String? { TagMarks.table[rawValue]?.label(style) }
}
