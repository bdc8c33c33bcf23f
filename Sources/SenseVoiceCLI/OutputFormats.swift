// Output formats of `transcribe`: the engine's writers plus readable labels.

import SenseVoiceEngine

/// One requested output format (`--format text,srt,…`).
enum OutputFormat: Equatable {
    case writer(TranscriptFormat)
    case labels

    static let names = TranscriptFormat.allCases.map(\.rawValue) + ["labels"]

    init?(name: String) {
        if name == "labels" { self = .labels; return }
        guard let f = TranscriptFormat(rawValue: name) else { return nil }
        self = .writer(f)
    }

    /// Parses a comma-separated list, keeping the order and dropping repeats.
    static func parseList(_ text: String) -> [OutputFormat]? {
        var out: [OutputFormat] = []
        for part in text.split(separator: ",") {
            guard let f = OutputFormat(name: part.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            if !out.contains(f) { out.append(f) }
        }
        return out.isEmpty ? nil : out
    }

    /// File suffix in `--output-dir` (`.txt`, `.rich.txt`, `.srt`, …).
    var fileSuffix: String {
        switch self {
        case .labels: ".labels.txt"
        case .writer(let f):
            switch f {
            case .text: ".txt"
            case .rich: ".rich.txt"
            case .raw: ".raw.txt"
            default: "." + f.writer().fileExtension
            }
        }
    }

    /// Renders a result.
    func render(_ r: TranscriptionResult, labelStyle: ReadableLabels.Style, cues: SubtitleCueOptions) throws -> String {
        switch self {
        case .labels: ReadableLabels.render(r.raw, style: labelStyle)
        case .writer(let f): try f.writer(cues: cues).write(r)
        }
    }
}

import Foundation
