// The per-file summary of a folder run (`summary.csv`): the customer-service QA view.

import Foundation
import SenseVoiceEngine

/// One row of `summary.csv`, followed by one row per speaker when segments carry speakers.
///
/// A speaker row repeats the file and status; its `emotion`, `segments` and count columns are the
/// speaker's, and the last three columns (`speaker`, `talk_s`, `share`) are empty on the file's row.
struct SummaryRow {
    static let emotions = ["happy", "sad", "angry", "neutral", "fearful", "disgusted", "surprised"]
    static let events = ["laughter", "applause", "bgm", "cry", "cough", "sneeze", "breath"]
    static let header = (["file", "status", "duration_s", "language", "emotion", "segments"]
        + emotions.map { "\($0)_segments" } + events.map { "\($0)_segments" } + ["error"] + speakerColumns).joined(separator: ",")
    /// The columns a speaker row fills (empty on a file's row).
    static let speakerColumns = ["speaker", "talk_s", "share"]

    var file: String
    var status: String
    var cells: [String]   // every column after `status`
    /// The rows of this file's speakers, written right after it.
    var speakerRows: [SummaryRow] = []

    init(file: String, result: TranscriptionResult) {
        self.file = file
        status = "done"
        var c = [String(format: "%.3f", Double(result.durationMs) / 1000), result.language ?? "", result.emotion ?? "",
                 String(result.segments.count)]
        c += Self.emotions.map { e in String(result.segments.filter { $0.emotion == e }.count) }
        c += Self.events.map { e in String(result.segments.filter { $0.events.contains(e) }.count) }
        c.append("")
        cells = c + ["", "", ""]
        speakerRows = (result.speakers ?? []).map { s in
            let mine = result.segments.filter { $0.speaker == s.speaker }
            var cells = [String(format: "%.3f", Double(result.durationMs) / 1000), result.language ?? "", s.emotion ?? "",
                         String(s.segments)]
            cells += Self.emotions.map { e in String(mine.filter { $0.emotion == e }.count) }
            cells += Self.events.map { e in String(mine.filter { $0.events.contains(e) }.count) }
            cells += ["", s.speaker, String(format: "%.3f", Double(s.talkMs) / 1000), String(format: "%.4f", s.share)]
            return SummaryRow(file: file, status: "done", cells: cells)
        }
    }

    private init(file: String, status: String, cells: [String]) {
        self.file = file
        self.status = status
        self.cells = cells
    }

    /// The speaker this row describes; nil for a file's own row.
    var speaker: String? {
        let value = cells.count > 5 + Self.emotions.count + Self.events.count ? cells[5 + Self.emotions.count + Self.events.count] : ""
        return value.isEmpty ? nil : value
    }

    init(file: String, error: String) {
        self.file = file
        status = "failed"
        cells = [String](repeating: "", count: 4 + Self.emotions.count + Self.events.count) + [error, "", "", ""]
    }

    init?(csvLine: String) {
        let fields = CSV.split(csvLine)
        let base = 3 + 4 + Self.emotions.count + Self.events.count
        // Summaries written before the speaker columns existed have `base` fields.
        guard fields.count == base || fields.count == base + Self.speakerColumns.count else { return nil }
        file = fields[0]
        status = fields[1]
        cells = Array(fields[2...]) + (fields.count == base ? ["", "", ""] : [])
    }

    var csvLine: String {
        ([self] + speakerRows).map { row in ([row.file, row.status] + row.cells).map(CSV.quote).joined(separator: ",") }
            .joined(separator: "\n")
    }
}

/// Minimal RFC 4180 quoting.
enum CSV {
    static func quote(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    static func split(_ line: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var quoted = false
        var chars = Array(line)
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            if quoted {
                if ch == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { cur.append("\""); i += 1 } else { quoted = false }
                } else { cur.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                out.append(cur); cur = ""
            } else { cur.append(ch) }
            i += 1
        }
        out.append(cur)
        chars.removeAll()
        return out
    }
}
