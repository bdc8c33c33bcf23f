// SubRip and WebVTT subtitles: the same cues, two spellings.
//   SRT: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line after each.
//   VTT: a `WEBVTT` header, `HH:MM:SS.mmm --> HH:MM:SS.mmm` cues, `&`, `<`, `>` escaped.

/// Writes subtitles: SubRip (`.srt`) or WebVTT (`.vtt`).
///
/// Both cut the result into the same ``SubtitleCue``s; they differ only in the header, cue
/// numbers, the millisecond separator and escaping.
public struct SubtitleWriter: TranscriptWriting {
    /// The subtitle file format.
    public enum Dialect: Sendable, Equatable {
        /// SubRip: numbered cues, `00:00:01,000`.
        case srt
        /// WebVTT: a `WEBVTT` header, `00:00:01.000`, cue text escaped as the syntax requires.
        case vtt
    }

    public var dialect: Dialect
    public var cues: SubtitleCueOptions

    public init(_ dialect: Dialect, cues: SubtitleCueOptions = .init()) {
        self.dialect = dialect
        self.cues = cues
    }

    public var fileExtension: String { dialect == .srt ? "srt" : "vtt" }
    public var mediaType: String { dialect == .srt ? "application/x-subrip; charset=utf-8" : "text/vtt; charset=utf-8" }

    public func write(_ result: TranscriptionResult) -> String {
        let separator: Character = dialect == .srt ? "," : "."
        var out = dialect == .srt ? "" : "WEBVTT\n\n"
        for (index, cue) in SubtitleCue.cues(for: result, options: cues).enumerated() {
            if dialect == .srt { out += "\(index + 1)\n" }
            out += SubtitleTime.format(cue.startMs, separator: separator) + " --> "
                + SubtitleTime.format(cue.endMs, separator: separator) + "\n"
            for line in cue.lines { out += (dialect == .srt ? line : Self.escapeVTT(line)) + "\n" }
            out += "\n"
        }
        return out
    }

    /// `&`, `<` and `>` as WebVTT character references.
    static func escapeVTT(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(ch)
            }
        }
        return out
    }
}
