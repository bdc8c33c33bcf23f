// Process statistics for benchmarks and metrics (Linux /proc).

import Foundation

/// Memory figures of the current process.
public enum ProcessStats {
    /// Peak resident set size in bytes (`VmHWM`), or nil where /proc is unavailable.
    public static func peakResidentBytes() -> Int? { statusField("VmHWM") }

    private static func statusField(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}

/// A monotonic stopwatch.
public struct Stopwatch: Sendable {
    private let start: ContinuousClock.Instant

    public init() {
        start = ContinuousClock.now
    }

    /// Seconds since creation.
    public var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
