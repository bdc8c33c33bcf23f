// Durations on the CLI's progress lines and summaries, in the unit that suits them.

import Foundation

/// Formats a duration for people: `42 ms`, `6.4 s`, `3 min 05 s`, `1 h 02 min`.
enum ProgressFormat {
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d min", s / 3600, s % 3600 / 60)
    }
}
