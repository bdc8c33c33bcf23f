// Plain text of a result: clean, rich (emoji), raw (tags) or readable labels.

/// Writes the text of a result on one line.
public struct TextTranscriptWriter: TranscriptWriting {
    /// Which text.
    public enum Style: Sendable, Equatable {
        /// Tags removed.
        case clean
        /// FunASR's rich transcription (emoji).
        case rich
        /// Model output with `<|…|>` tags.
        case raw
        /// Readable labels (`[laughter] … [happy]`).
        case labels(ReadableLabels.Style)
    }

    public var style: Style

    public init(style: Style = .clean) {
        self.style = style
    }

    public var fileExtension: String { "txt" }
    public var mediaType: String { "text/plain; charset=utf-8" }

    public func write(_ result: TranscriptionResult) -> String {
        switch style {
        case .clean: result.text + "\n"
        case .rich: result.rich + "\n"
        case .raw: result.raw + "\n"
        case .labels(let s): ReadableLabels.render(result.raw, style: s) + "\n"
        }
    }
}
