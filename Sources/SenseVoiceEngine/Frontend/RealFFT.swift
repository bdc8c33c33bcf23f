// Follows the textbook radix-2 decimation-in-time FFT and the standard packing of a real signal of
// length n into a complex signal of length n/2 (as used by torch.fft.rfft in kaldi.fbank).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A power spectrum of real input through an FFT of power-of-two size, in double precision.
///
/// The n real samples are read as n/2 complex numbers (even samples real, odd samples imaginary),
/// transformed by an iterative radix-2 complex FFT, and split into the n/2 + 1 bins of the real
/// transform. Twiddle factors are computed once; the transform itself allocates nothing.
///
/// Why double: fbank takes the log of every mel band, and after pre-emphasis the lowest bands of a
/// loud frame hold ~1e-6 of its energy. A float32 FFT's rounding error (~eps · log n · rms) is then
/// ~1e-3 in those log values — as large as the test tolerance, and the float32 reference already
/// carries that much error of its own. In double our error vanishes and what remains is the
/// reference's. Scalar double arithmetic costs the same as float here.
struct RealFFT: Sendable {
    /// Transform length n (a power of two, at least 2).
    let size: Int
    /// n/2: the complex FFT length.
    let half: Int
    /// Bit-reversed position of each complex input index (`half` entries).
    private let bitReverse: [Int32]
    /// `exp(−2πi·j/half)` for j in 0..<half/2, real and imaginary parts.
    private let twiddleRe: [Double]
    private let twiddleIm: [Double]
    /// `exp(−2πi·k/n)` for k in 0..<half, the split twiddles.
    private let splitRe: [Double]
    private let splitIm: [Double]

    /// Number of output bins: n/2 + 1.
    var binCount: Int { half + 1 }
    /// Doubles of scratch memory ``Kernel/powerSpectrum(_:into:scratch:)`` needs: n.
    var scratchCount: Int { 2 * half }

    /// Plans an FFT of `size` points.
    /// - Precondition: `size` is a power of two ≥ 2.
    init(size: Int) {
        precondition(size >= 2 && size & (size - 1) == 0, "FFT size \(size) is not a power of two ≥ 2")
        self.size = size
        half = size / 2
        let m = half
        var bits = 0
        while 1 << bits < m { bits += 1 }
        bitReverse = (0..<m).map { j in
            var r = 0
            var v = j
            for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
            return Int32(r)
        }
        let quarter = max(m / 2, 1)
        twiddleRe = (0..<quarter).map { cos(-2 * Double.pi * Double($0) / Double(m)) }
        twiddleIm = (0..<quarter).map { sin(-2 * Double.pi * Double($0) / Double(m)) }
        splitRe = (0..<m).map { cos(-2 * Double.pi * Double($0) / Double(size)) }
        splitIm = (0..<m).map { sin(-2 * Double.pi * Double($0) / Double(size)) }
    }

    /// Runs `body` with a kernel whose tables are raw pointers (valid only inside `body`).
    func withKernel<R>(_ body: (Kernel) throws -> R) rethrows -> R {
        try bitReverse.withUnsafeBufferPointer { br in
            try twiddleRe.withUnsafeBufferPointer { tr in
                try twiddleIm.withUnsafeBufferPointer { ti in
                    try splitRe.withUnsafeBufferPointer { sr in
                        try splitIm.withUnsafeBufferPointer { si in
                            try body(Kernel(half: half, bitReverse: br.baseAddress!,
                                            twiddleRe: tr.baseAddress!, twiddleIm: ti.baseAddress!,
                                            splitRe: sr.baseAddress!, splitIm: si.baseAddress!))
                        }
                    }
                }
            }
        }
    }

    /// The FFT's tables as raw pointers, for hot loops; never escapes ``withKernel(_:)``.
    struct Kernel {
        let half: Int
        let bitReverse: UnsafePointer<Int32>
        let twiddleRe: UnsafePointer<Double>
        let twiddleIm: UnsafePointer<Double>
        let splitRe: UnsafePointer<Double>
        let splitIm: UnsafePointer<Double>

        /// The power spectrum `|X[k]|²`, k in 0...n/2, of n real samples.
        ///
        /// - Parameters:
        ///   - input: n real samples.
        ///   - power: n/2 + 1 outputs, `Re² + Im²` of each bin.
        ///   - scratch: n doubles of working memory (clobbered).
        @inline(__always)
        func powerSpectrum(_ input: UnsafePointer<Double>, into power: UnsafeMutablePointer<Double>,
                           scratch: UnsafeMutablePointer<Double>) {
            let m = half
            let re = scratch
            let im = scratch + m
            // Pack z[j] = x[2j] + i·x[2j+1] in bit-reversed order.
            for j in 0..<m {
                let d = Int(bitReverse[j])
                re[d] = input[2 * j]
                im[d] = input[2 * j + 1]
            }
            transform(re: re, im: im)
            // Split Z into the real transform: X[k] = E[k] + W^k·O[k].
            let r0 = re[0], i0 = im[0]
            power[0] = (r0 + i0) * (r0 + i0)
            power[m] = (r0 - i0) * (r0 - i0)
            if m < 2 { return }
            for k in 1..<m {
                let ar = re[k], ai = im[k]
                let br = re[m - k], bi = im[m - k]
                let er = 0.5 * (ar + br), ei = 0.5 * (ai - bi)
                // O = (Z[k] − conj(Z[m−k])) / 2i
                let or = 0.5 * (ai + bi), oi = -0.5 * (ar - br)
                let wr = splitRe[k], wi = splitIm[k]
                let xr = er + (wr * or - wi * oi)
                let xi = ei + (wr * oi + wi * or)
                power[k] = xr * xr + xi * xi
            }
        }

        /// In-place complex FFT of `half` points on split arrays already in bit-reversed order.
        @inline(__always)
        func transform(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>) {
            let m = half
            // Stage 1 (length 2): twiddle 1.
            if m >= 2 {
                var a = 0
                while a < m {
                    let tr = re[a + 1], ti = im[a + 1]
                    re[a + 1] = re[a] - tr; im[a + 1] = im[a] - ti
                    re[a] += tr; im[a] += ti
                    a += 2
                }
            }
            var len = 4
            while len <= m {
                let h = len / 2
                let step = m / len
                var start = 0
                while start < m {
                    let pr = re + start, pi = im + start
                    for j in 0..<h {
                        let wr = twiddleRe[j * step], wi = twiddleIm[j * step]
                        let br = pr[j + h], bi = pi[j + h]
                        let tr = br * wr - bi * wi
                        let ti = br * wi + bi * wr
                        let ar = pr[j], ai = pi[j]
                        pr[j + h] = ar - tr; pi[j + h] = ai - ti
                        pr[j] = ar + tr; pi[j] = ai + ti
                    }
                    start += len
                }
                len *= 2
            }
        }
    }
}
