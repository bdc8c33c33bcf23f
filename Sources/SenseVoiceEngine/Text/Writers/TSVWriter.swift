// Tab-separated segments, one per line, with a header.

/// Writes `start_ms  end_ms  language  emotion  events  text` lines (tabs; events comma-separated).
///
/// With speakers (diarization or split channels) a `speaker` column comes before `text`.
/// Tabs and line breaks inside text become spaces, so every row has the same fields.
public struct TSVWriter: TranscriptWriting {
    public init() {}

    public var fileExtension: String { "tsv" }
    public var mediaType: String { "text/tab-separated-values; charset=utf-8" }

    public func write(_ result: TranscriptionResult) -> String {
        // A `speaker` column (before `text`) only when segments carry speakers.
        let speakers = result.segments.contains { $0.speaker != nil }
        var out = "start_ms\tend_ms\tlanguage\temotion\tevents\t" + (speakers ? "speaker\t" : "") + "text\n"
        for s in result.segments {
            let fields = [String(s.startMs), String(s.endMs), s.language ?? "", s.emotion ?? "",
                          s.events.joined(separator: ",")] + (speakers ? [s.speaker ?? ""] : []) + [s.text]
            out += fields.map(Self.clean).joined(separator: "\t") + "\n"
        }
        return out
    }

    static func clean(_ field: String) -> String {
        String(field.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }
}
