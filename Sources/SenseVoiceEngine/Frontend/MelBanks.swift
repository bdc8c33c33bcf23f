// Follows torchaudio.compliance.kaldi.get_mel_banks (Kaldi mel-computations.cc, no VTLN).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Kaldi's triangular mel filter bank over the bins of one FFT size, stored sparsely.
///
/// Filter i (0..<numBins) spans mel edges `mL + i·Δ, mL + (i+1)·Δ, mL + (i+2)·Δ` with
/// `Δ = (mel(high) − mel(low)) / (numBins + 1)` and `mel(f) = 1127·ln(1 + f/700)`. The weight of
/// FFT bin k (frequency `k · fs / fftSize`, k < fftSize/2) is `max(0, min(up, down))` of the two
/// slopes; the Nyquist bin always has weight 0. Only each filter's non-zero run is kept, so applying
/// the bank costs about two multiply-adds per FFT bin. Weights and sums are in double.
struct MelBanks: Sendable {
    /// Number of filters (80 for SenseVoice).
    let numBins: Int
    /// FFT length the filters are laid over (power spectrum of fftSize/2 + 1 bins).
    let fftSize: Int
    /// First FFT bin of each filter's non-zero run.
    private let firstBin: [Int32]
    /// Length of each filter's non-zero run (0 for a filter no bin falls into).
    private let runLength: [Int32]
    /// Offset of each filter's first weight in ``weights``.
    private let weightOffset: [Int32]
    /// All non-zero weights, filter after filter.
    private let weights: [Double]

    /// Kaldi's mel scale: `1127 · ln(1 + f / 700)`.
    static func mel(_ hz: Double) -> Double { 1127.0 * log(1.0 + hz / 700.0) }

    /// Builds the bank.
    /// - Parameters:
    ///   - numBins: number of filters (> 3).
    ///   - fftSize: padded window length (power of two).
    ///   - sampleRate: in Hz.
    ///   - lowFreq: lower edge in Hz (Kaldi default 20).
    ///   - highFreq: upper edge in Hz; ≤ 0 means Nyquist + highFreq (Kaldi default 0 → Nyquist).
    init(numBins: Int, fftSize: Int, sampleRate: Int, lowFreq: Double = 20, highFreq: Double = 0) {
        precondition(numBins > 3, "need more than 3 mel bins")
        let nyquist = 0.5 * Double(sampleRate)
        let high = highFreq <= 0 ? highFreq + nyquist : highFreq
        precondition(lowFreq >= 0 && lowFreq < nyquist && high > 0 && high <= nyquist && lowFreq < high,
                     "bad mel frequency range \(lowFreq)–\(high) Hz at \(sampleRate) Hz")
        self.numBins = numBins
        self.fftSize = fftSize
        let fftBins = fftSize / 2
        let binWidth = Double(sampleRate) / Double(fftSize)
        let melLow = MelBanks.mel(lowFreq)
        let melHigh = MelBanks.mel(high)
        let delta = (melHigh - melLow) / Double(numBins + 1)
        var first = [Int32](), length = [Int32](), offset = [Int32](), w = [Double]()
        for i in 0..<numBins {
            let left = melLow + Double(i) * delta
            let center = melLow + Double(i + 1) * delta
            let right = melLow + Double(i + 2) * delta
            let row = (0..<fftBins).map { k -> Double in
                let m = MelBanks.mel(binWidth * Double(k))
                let up = (m - left) / (center - left)
                let down = (right - m) / (right - center)
                return max(0, min(up, down))
            }
            // A triangle's support is one contiguous run of bins.
            offset.append(Int32(w.count))
            if let s = row.firstIndex(where: { $0 > 0 }), let e = row.lastIndex(where: { $0 > 0 }) {
                first.append(Int32(s))
                length.append(Int32(e - s + 1))
                w.append(contentsOf: row[s...e])
            } else {
                first.append(0)
                length.append(0)
            }
        }
        if w.isEmpty { w.append(0) }  // keeps the table's base address non-nil
        firstBin = first
        runLength = length
        weightOffset = offset
        weights = w
    }

    /// The bank as a dense `[numBins, fftSize/2 + 1]` row-major matrix (tests and debugging).
    func dense() -> [Double] {
        let cols = fftSize / 2 + 1
        var out = [Double](repeating: 0, count: numBins * cols)
        for i in 0..<numBins {
            for j in 0..<Int(runLength[i]) {
                out[i * cols + Int(firstBin[i]) + j] = weights[Int(weightOffset[i]) + j]
            }
        }
        return out
    }

    /// Runs `body` with a kernel whose tables are raw pointers (valid only inside `body`).
    func withKernel<R>(_ body: (Kernel) throws -> R) rethrows -> R {
        try firstBin.withUnsafeBufferPointer { f in
            try runLength.withUnsafeBufferPointer { l in
                try weightOffset.withUnsafeBufferPointer { o in
                    try weights.withUnsafeBufferPointer { w in
                        try body(Kernel(numBins: numBins, firstBin: f.baseAddress!, runLength: l.baseAddress!,
                                        weightOffset: o.baseAddress!,
                                        weights: w.baseAddress!))
                    }
                }
            }
        }
    }

    /// The bank's tables as raw pointers, for hot loops; never escapes ``withKernel(_:)``.
    struct Kernel {
        let numBins: Int
        let firstBin: UnsafePointer<Int32>
        let runLength: UnsafePointer<Int32>
        let weightOffset: UnsafePointer<Int32>
        let weights: UnsafePointer<Double>

        /// `out[i] = ln(max(Σ_k w[i,k]·power[k], ε))` with ε = float32 epsilon (Kaldi fbank's log).
        /// - Parameters:
        ///   - power: the power spectrum (fftSize/2 + 1 values).
        ///   - out: `numBins` log mel energies.
        @inline(__always)
        func logEnergies(_ power: UnsafePointer<Double>, into out: UnsafeMutablePointer<Float>) {
            let eps = Double(Float.ulpOfOne)
            for i in 0..<numBins {
                let p = power + Int(firstBin[i])
                let w = weights + Int(weightOffset[i])
                var sum: Double = 0
                for j in 0..<Int(runLength[i]) { sum += w[j] * p[j] }
                out[i] = Float(log(max(sum, eps)))
            }
        }
    }
}
