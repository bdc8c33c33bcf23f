// One entry of the output-format registry: a name and how to build its writer.

/// An output format: the name callers ask for and the writer it builds.
///
/// Formats live in a ``TranscriptFormats`` registry; a new format is one ``TranscriptWriting``
/// type plus one entry there.
public struct TranscriptFormat: Sendable, Identifiable {
    /// The name in `--format`, `format=` and `response_format=` (`srt`, `verbose_json`).
    public let name: String
    /// The file name suffix in `transcribe --output-dir`, unique among the formats (`.rich.txt`).
    public let fileSuffix: String
    private let make: @Sendable (TranscriptWriterOptions) -> any TranscriptWriting
    private let suffixRule: (@Sendable (any TranscriptWriting) -> String)?

    public var id: String { name }

    /// - Parameters:
    ///   - name: the format's name.
    ///   - fileSuffix: the output-folder suffix; default `.` + the writer's ``TranscriptWriting/fileExtension``.
    ///   - writer: builds the writer for one request's options.
    public init(_ name: String, fileSuffix: String? = nil,
                writer: @escaping @Sendable (TranscriptWriterOptions) -> any TranscriptWriting) {
        self.name = name
        self.make = writer
        self.fileSuffix = fileSuffix ?? "." + writer(TranscriptWriterOptions()).fileExtension
        self.suffixRule = nil
    }

    /// A format whose file suffix depends on the writer a request builds (`markers`: `.markers.csv`,
    /// `.chapters.txt`, `.markers.edl`).
    public init(_ name: String, fileSuffix rule: @escaping @Sendable (any TranscriptWriting) -> String,
                writer: @escaping @Sendable (TranscriptWriterOptions) -> any TranscriptWriting) {
        self.name = name
        self.make = writer
        self.fileSuffix = rule(writer(TranscriptWriterOptions()))
        self.suffixRule = rule
    }

    /// The output-folder suffix for one request's options.
    public func fileSuffix(_ options: TranscriptWriterOptions) -> String {
        suffixRule.map { $0(make(options)) } ?? fileSuffix
    }

    /// The writer for one request.
    public func writer(_ options: TranscriptWriterOptions = .init()) -> any TranscriptWriting {
        make(options)
    }
}
