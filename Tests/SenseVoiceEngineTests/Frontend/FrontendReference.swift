// A deliberately naive, float64 fbank written straight from spec §2.1 (direct DFT, dense mel
// formula), used as the exact reference for the fast implementation.

import Foundation

/// Slow, obviously-correct Kaldi fbank pieces for tests.
enum FrontendReference {
    static func mel(_ f: Double) -> Double { 1127 * log(1 + f / 700) }

    /// Window of length n (symmetric), by name.
    static func window(_ type: String, _ n: Int) -> [Double] {
        if n == 1 { return [1] }
        return (0..<n).map { i in
            let c = cos(2 * Double.pi * Double(i) / Double(n - 1))
            switch type {
            case "hamming": return 0.54 - 0.46 * c
            case "hanning": return 0.5 - 0.5 * c
            case "povey": return pow(0.5 - 0.5 * c, 0.85)
            case "blackman": return 0.42 - 0.5 * c + 0.08 * cos(4 * Double.pi * Double(i) / Double(n - 1))
            default: return 1
            }
        }
    }

    /// |DFT|² of `x` zero-padded to `size`, bins 0...size/2.
    static func power(_ x: [Double], size: Int) -> [Double] {
        (0...size / 2).map { k in
            var re = 0.0, im = 0.0
            for (i, v) in x.enumerated() {
                let a = -2 * Double.pi * Double(k * i % size) / Double(size)
                re += v * cos(a)
                im += v * sin(a)
            }
            return re * re + im * im
        }
    }

    /// Weight of FFT bin k in mel filter i.
    static func melWeight(filter i: Int, bin k: Int, fftSize: Int, bins: Int = 80, rate: Double = 16000) -> Double {
        if k >= fftSize / 2 { return 0 }
        let lo = mel(20), hi = mel(rate / 2), d = (hi - lo) / Double(bins + 1)
        let l = lo + Double(i) * d, c = l + d, r = c + d
        let m = mel(rate / Double(fftSize) * Double(k))
        return max(0, min((m - l) / (c - l), (r - m) / (r - c)))
    }

    /// Fbank of one frame of `frame.count` samples (already ×32768).
    static func fbankFrame(_ frame: [Double], window type: String = "hamming", bins: Int = 80) -> [Float] {
        let n = frame.count
        var size = 1
        while size < n { size *= 2 }
        let mean = frame.reduce(0, +) / Double(n)
        let x = frame.map { $0 - mean }
        let w = window(type, n)
        let y = (0..<n).map { i in (x[i] - 0.97 * x[max(i - 1, 0)]) * w[i] }
        let p = power(y, size: size)
        return (0..<bins).map { i in
            var e = 0.0
            for k in 0..<p.count { e += melWeight(filter: i, bin: k, fftSize: size, bins: bins) * p[k] }
            return Float(log(max(e, Double(Float.ulpOfOne))))
        }
    }

    /// Deterministic pseudo-random samples in [-amplitude, amplitude] (a small LCG).
    static func noise(_ count: Int, seed: UInt64 = 1, amplitude: Float = 0.5) -> [Float] {
        var s = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { i in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            let u = Float(Double(s >> 11) / Double(1 << 53)) * 2 - 1
            // Mix in a tone so the spectrum has a large dynamic range, as speech does.
            return amplitude * (0.3 * u + 0.7 * Float(sin(Double(i) * 0.31)))
        }
    }
}
