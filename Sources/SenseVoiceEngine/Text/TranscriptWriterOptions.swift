// What a request may choose about how its format is written (subtitle marks, label language, words, marker lists).

/// The per-request choices a writer is built with; each format reads the ones it needs.
public struct TranscriptWriterOptions: Sendable, Equatable {
    /// How `srt` and `vtt` cut cues and mark emotions and events.
    public var cues: SubtitleCueOptions
    /// The label language of `labels`.
    public var labelStyle: ReadableLabels.Style
    /// Whether `verbose_json` carries the top-level `words` list: word times were asked for
    /// (`timestamp_granularities[]=word` on the OpenAI route, `timestamps` elsewhere).
    public var words: Bool
    /// What `markers` lists and in which layout.
    public var highlights: HighlightOptions

    public init(cues: SubtitleCueOptions = .init(), labelStyle: ReadableLabels.Style = .english, words: Bool = false,
                highlights: HighlightOptions = .init()) {
        self.cues = cues
        self.labelStyle = labelStyle
        self.words = words
        self.highlights = highlights
    }
}
