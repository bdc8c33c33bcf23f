// SubRip subtitles: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line after each.

/// Writes SubRip (`.srt`) subtitles.
public struct SRTWriter: TranscriptWriting {
    public var cues: SubtitleCueOptions

    public init(cues: SubtitleCueOptions = .init()) {
        self.cues = cues
    }

    public var fileExtension: String { "srt" }
    public var mediaType: String { "application/x-subrip; charset=utf-8" }

    public func write(_ result: TranscriptionResult) -> String {
        var out = ""
        for (index, cue) in SubtitleCue.cues(for: result, options: cues).enumerated() {
            out += "\(index + 1)\n"
            out += SubtitleTime.format(cue.startMs, separator: ",") + " --> " + SubtitleTime.format(cue.endMs, separator: ",") + "\n"
            for line in cue.lines { out += line + "\n" }
            out += "\n"
        }
        return out
    }
}
