// Small signal helpers for the audio tests.

import Foundation

enum AudioTestMath {
    /// Pearson correlation of two equally long signals.
    static func correlation(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count && !a.isEmpty)
        let n = Double(a.count)
        var sa = 0.0, sb = 0.0
        for i in 0..<a.count { sa += Double(a[i]); sb += Double(b[i]) }
        let ma = sa / n, mb = sb / n
        var cov = 0.0, va = 0.0, vb = 0.0
        for i in 0..<a.count {
            let x = Double(a[i]) - ma, y = Double(b[i]) - mb
            cov += x * y; va += x * x; vb += y * y
        }
        return cov / max((va * vb).squareRoot(), 1e-30)
    }

    /// Mean power of `x[range]`.
    static func power(_ x: [Float], _ range: Range<Int>) -> Double {
        var s = 0.0
        for i in range { s += Double(x[i]) * Double(x[i]) }
        return s / Double(range.count)
    }

    /// A sine of `frequency` Hz at `rate`, amplitude `amplitude`.
    static func tone(frequency: Double, rate: Int, seconds: Double, amplitude: Double = 0.5) -> [Float] {
        let n = Int(seconds * Double(rate))
        return (0..<n).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
    }

    /// The best lag (in samples, within ±maxLag) of `b` relative to `a`, by correlation.
    static func bestLag(_ a: [Float], _ b: [Float], maxLag: Int) -> (lag: Int, correlation: Double) {
        var best = (0, -2.0)
        for lag in -maxLag...maxLag {
            let start = max(0, -lag), end = min(a.count, b.count - lag)
            guard end - start > 1000 else { continue }
            let c = correlation(Array(a[start..<end]), Array(b[(start + lag)..<(end + lag)]))
            if c > best.1 { best = (lag, c) }
        }
        return best
    }
}
