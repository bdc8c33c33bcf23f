// The per-file summary of a folder run (`summary.csv`): the customer-service QA view.

import Foundation
import SenseVoiceEngine

/// One row of `summary.csv`.
struct SummaryRow {
    static let emotions = ["happy", "sad", "angry", "neutral", "fearful", "disgusted", "surprised"]
    static let events = ["laughter", "applause", "bgm", "cry", "cough", "sneeze", "breath"]
    static let header = (["file", "status", "duration_s", "language", "emotion", "segments"]
        + emotions.map { "\($0)_segments" } + events.map { "\($0)_segments" } + ["error"]).joined(separator: ",")

    var file: String
    var status: String
    var cells: [String]   // every column after `status`

    init(file: String, result: TranscriptionResult) {
        self.file = file
        status = "done"
        var c = [String(format: "%.3f", Double(result.durationMs) / 1000), result.language ?? "", result.emotion ?? "",
                 String(result.segments.count)]
        c += Self.emotions.map { e in String(result.segments.filter { $0.emotion == e }.count) }
        c += Self.events.map { e in String(result.segments.filter { $0.events.contains(e) }.count) }
        c.append("")
        cells = c
    }

    init(file: String, error: String) {
        self.file = file
        status = "failed"
        cells = [String](repeating: "", count: 4 + Self.emotions.count + Self.events.count) + [error]
    }

    init?(csvLine: String) {
        let fields = CSV.split(csvLine)
        guard fields.count == 3 + 4 + Self.emotions.count + Self.events.count else { return nil }
        file = fields[0]
        status = fields[1]
        cells = Array(fields[2...])
    }

    var csvLine: String { ([file, status] + cells).map(CSV.quote).joined(separator: ",") }
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
