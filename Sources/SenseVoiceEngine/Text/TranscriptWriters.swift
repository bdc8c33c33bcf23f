// The transcript writers: one protocol, one struct per format (SRT, VTT, JSON, text, TSV).

/// Turns a ``TranscriptionResult`` into the text of one output format.
///
/// The CLI (`--format`) and the server (`response_format`, `?format=`) share these writers; tests
/// inject fakes where the format is not under test.
public protocol TranscriptWriting: Sendable {
    /// The usual file extension, without the dot (`srt`, `vtt`, `json`, `txt`, `tsv`).
    var fileExtension: String { get }
    /// The media type of the output, with its charset (`application/x-subrip; charset=utf-8`).
    var mediaType: String { get }
    /// Renders one file's result.
    /// - Throws: only when encoding fails (JSON); the subtitle and text writers never throw.
    func write(_ result: TranscriptionResult) throws -> String
}

/// The output formats the writers cover.
public enum TranscriptFormat: String, Sendable, CaseIterable, Codable {
    /// Clean text, one line.
    case text
    /// FunASR's rich transcription (emoji for emotions and events).
    case rich
    /// Model output with its `<|…|>` tags.
    case raw
    /// The JSON result (design doc "Interfaces").
    case json
    /// SubRip subtitles.
    case srt
    /// WebVTT subtitles.
    case vtt
    /// Tab-separated segments: start and end in milliseconds, language, emotion, events, text.
    case tsv

    /// The default writer of this format.
    /// - Parameter cues: how subtitle formats split text into cues and mark emotions and events.
    public func writer(cues: SubtitleCueOptions = .init()) -> any TranscriptWriting {
        switch self {
        case .text: TextTranscriptWriter(style: .clean)
        case .rich: TextTranscriptWriter(style: .rich)
        case .raw: TextTranscriptWriter(style: .raw)
        case .json: JSONTranscriptWriter()
        case .srt: SRTWriter(cues: cues)
        case .vtt: VTTWriter(cues: cues)
        case .tsv: TSVWriter()
        }
    }
}
