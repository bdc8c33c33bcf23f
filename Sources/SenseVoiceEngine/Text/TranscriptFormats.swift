// The output-format registry: every format by name, for the CLI, the REST routes and the OpenAI route.

import Foundation

/// A registry of output formats (name → writer).
///
/// ``standard`` holds every format and serves `transcribe --format`, `--output-dir`,
/// `POST /api/v1/transcriptions` and `GET /api/v1/jobs/{id}/result?format=`. ``openAI`` is the
/// vocabulary of OpenAI's `response_format`, where `json` means OpenAI's `{text, usage}`; its
/// other formats are taken from ``standard`` by name.
///
/// To add a format: write one ``TranscriptWriting`` type and add one entry to ``standard``.
public struct TranscriptFormats: Sendable {
    /// The formats, in the order help and error messages list them.
    public let all: [TranscriptFormat]
    /// The format of a request that names none.
    public let defaultFormat: TranscriptFormat

    /// - Precondition: `defaultName` names one of `formats`, and names are unique.
    public init(_ formats: [TranscriptFormat], defaultName: String) {
        precondition(Set(formats.map(\.name)).count == formats.count, "format names must be unique")
        guard let fallback = formats.first(where: { $0.name == defaultName }) else {
            preconditionFailure("the default format \(defaultName) is not registered")
        }
        all = formats
        defaultFormat = fallback
    }

    /// The names, in order.
    public var names: [String] { all.map(\.name) }

    /// The format with this name (exact, lower case), or `nil`.
    public subscript(name: String) -> TranscriptFormat? {
        all.first { $0.name == name }
    }

    /// Parses a comma-separated list (`text,srt`), trimming spaces and ignoring case, keeping the
    /// order and dropping repeats; `nil` when a name is unknown or the list is empty.
    public func parse(list text: String) -> [TranscriptFormat]? {
        var out: [TranscriptFormat] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let format = self[name] else { return nil }
            if !out.contains(where: { $0.name == name }) { out.append(format) }
        }
        return out.isEmpty ? nil : out
    }

    /// Every format.
    public static let standard = TranscriptFormats([
        TranscriptFormat("text") { _ in TextTranscriptWriter(style: .clean) },
        TranscriptFormat("rich", fileSuffix: ".rich.txt") { _ in TextTranscriptWriter(style: .rich) },
        TranscriptFormat("raw", fileSuffix: ".raw.txt") { _ in TextTranscriptWriter(style: .raw) },
        TranscriptFormat("labels", fileSuffix: ".labels.txt") { o in TextTranscriptWriter(style: .labels(o.labelStyle)) },
        TranscriptFormat("json") { _ in JSONTranscriptWriter() },
        TranscriptFormat("verbose_json", fileSuffix: ".verbose.json") { o in OpenAIJSONWriter(.verbose, words: o.words) },
        TranscriptFormat("srt") { o in SubtitleWriter(.srt, cues: o.cues) },
        TranscriptFormat("vtt") { o in SubtitleWriter(.vtt, cues: o.cues) },
        TranscriptFormat("tsv") { _ in TSVWriter() },
        TranscriptFormat("markers", fileSuffix: { writer in
            writer.fileExtension == "txt" ? ".chapters.txt" : ".markers." + writer.fileExtension
        }) { o in HighlightWriter(o.highlights, labels: o.labelStyle) },
    ], defaultName: "json")

    /// OpenAI's `response_format`: json, text, srt, verbose_json, vtt.
    public static let openAI = TranscriptFormats(
        [TranscriptFormat("json") { _ in OpenAIJSONWriter(.simple) }]
            + ["text", "srt", "verbose_json", "vtt"].compactMap { standard[$0] },
        defaultName: "json")
}
