// Follows spec §3.4 (the four leading tags of a SenseVoice transcript), parsed by pattern.

/// The tags and clean text of one raw SenseVoice transcript.
///
/// Produced by ``TranscriptTags/parse(_:)``. Every tag field is `nil` (or empty) when the model
/// emitted no such tag — with a random or confused model, or when a prompt frame decodes to blank.
public struct ParsedTranscript: Sendable, Hashable, Codable {
    /// The language tag's name: `zh`, `en`, `yue`, `ja`, `ko` or `nospeech`.
    public var language: String?
    /// The first emotion tag.
    public var emotion: Emotion?
    /// The event tags, each once, in order of first appearance.
    public var events: [AudioEvent]
    /// `true` for `<|withitn|>`, `false` for `<|woitn|>` (the first one found).
    public var itn: Bool?
    /// The text with every `<|…|>` tag removed and whitespace trimmed.
    public var text: String

    /// Creates a parsed transcript.
    public init(language: String? = nil, emotion: Emotion? = nil, events: [AudioEvent] = [], itn: Bool? = nil,
                text: String) {
        self.language = language
        self.emotion = emotion
        self.events = events
        self.itn = itn
        self.text = text
    }
}
