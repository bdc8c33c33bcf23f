// The writer stage: one protocol every output format implements (see TranscriptFormats).

/// Turns a ``TranscriptionResult`` into the text of one output format.
///
/// Each format of ``TranscriptFormats`` builds one of these per request; the CLI (`--format`,
/// `--output-dir`), the REST routes (`format`) and the OpenAI route (`response_format`) only ever
/// see this protocol. Tests inject fakes where the format is not under test.
public protocol TranscriptWriting: Sendable {
    /// The usual file extension, without the dot (`srt`, `vtt`, `json`, `txt`, `tsv`): downloads use it.
    var fileExtension: String { get }
    /// The media type of the output, with its charset (`application/x-subrip; charset=utf-8`).
    var mediaType: String { get }
    /// Renders one file's result.
    /// - Throws: only when encoding fails (JSON with a non-finite number); the subtitle and text
    ///   writers never throw.
    func write(_ result: TranscriptionResult) throws -> String
}

extension TranscriptWriting {
    /// Whether the output is one line of plain text per file (`text/plain`): the CLI prints such
    /// lines after the file's path when it prints several files.
    public var isPlainText: Bool { mediaType.hasPrefix("text/plain") }
}
