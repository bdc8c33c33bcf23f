// WebVTT subtitles: a `WEBVTT` header, then `HH:MM:SS.mmm --> HH:MM:SS.mmm` cues.

/// Writes WebVTT (`.vtt`) subtitles.
///
/// Cue text escapes `&`, `<` and `>` as the WebVTT syntax requires.
public struct VTTWriter: TranscriptWriting {
    public var cues: SubtitleCueOptions

    public init(cues: SubtitleCueOptions = .init()) {
        self.cues = cues
    }

    public var fileExtension: String { "vtt" }
    public var mediaType: String { "text/vtt; charset=utf-8" }

    public func write(_ result: TranscriptionResult) -> String {
        var out = "WEBVTT\n\n"
        for cue in SubtitleCue.cues(for: result, options: cues) {
            out += SubtitleTime.format(cue.startMs, separator: ".") + " --> " + SubtitleTime.format(cue.endMs, separator: ".") + "\n"
            for line in cue.lines { out += Self.escape(line) + "\n" }
            out += "\n"
        }
        return out
    }

    static func escape(_ text: String) -> String {
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
