// Subtitle timestamps: SRT `HH:MM:SS,mmm`, WebVTT `HH:MM:SS.mmm`.

/// Formats milliseconds as subtitle timestamps.
enum SubtitleTime {
    /// `HH:MM:SS` + `separator` + `mmm`; negative times print as zero, hours grow past 99.
    static func format(_ ms: Int, separator: Character) -> String {
        let t = max(0, ms)
        let h = t / 3_600_000, m = t / 60_000 % 60, s = t / 1000 % 60, f = t % 1000
        return pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + String(separator) + pad(f, 3)
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
