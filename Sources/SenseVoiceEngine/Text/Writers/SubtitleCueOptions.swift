// How subtitle writers cut segments into cues and mark emotions and events.

/// Options shared by the SRT and VTT writers.
public struct SubtitleCueOptions: Sendable, Equatable {
    /// How emotions and audio events appear in cue text.
    public enum Markers: Sendable, Equatable {
        /// Text only.
        case none
        /// FunASR's glyphs: events before the segment's text (🎼 👏 😀 😭 🤧), the emotion after it (😊 😔 😡 …).
        case emoji
        /// Readable labels such as `[laughter]` … `[happy]` (or `(笑声)` … `(开心)`).
        case labels(ReadableLabels.Style)
    }

    /// The widest line, in display columns (a CJK character takes two).
    public var maxLineWidth: Int
    /// Lines per cue.
    public var maxLines: Int
    /// Emotion and event marks.
    public var markers: Markers
    /// Prefix each cue's first line with the segment's speaker (`spk0: …`), when it has one.
    public var speakers: Bool = false

    /// - Parameters:
    ///   - maxLineWidth: display columns per line (at least 8; 42 is the usual subtitle width).
    ///   - maxLines: lines per cue (at least 1).
    ///   - markers: emotion and event marks in the text.
    public init(maxLineWidth: Int = 42, maxLines: Int = 2, markers: Markers = .none) {
        self.maxLineWidth = max(8, maxLineWidth)
        self.maxLines = max(1, maxLines)
        self.markers = markers
    }
}
