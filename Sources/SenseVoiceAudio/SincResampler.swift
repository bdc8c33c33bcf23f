// Follows torchaudio/functional/functional.py: _get_sinc_resample_kernel, _apply_sinc_resample_kernel
// (the defaults of torchaudio.transforms.Resample, as FunASR uses it); see sensevoice-spec.md §1.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming band-limited resampler that reproduces `torchaudio.transforms.Resample(orig, new)`.
///
/// The method is torchaudio's `sinc_interp_hann` with `lowpass_filter_width = 6` and
/// `rolloff = 0.99`: a windowed-sinc (Hann-windowed, ±6 zero crossings) polyphase filter.
/// With `orig` and `new` the two rates divided by their gcd, `base = min(orig, new) · 0.99` and
/// `width = ceil(6 · orig / base)`, output phase `j ∈ [0, new)` uses the taps
/// `i ∈ [−width, width + orig)` with
///
///     t = (−j / new + i / orig) · base, clamped to [−6, 6]
///     k(j, i) = sinc(π t) · cos²(π t / 12) · base / orig        (sinc(0) = 1)
///
/// computed in float64 and stored as float32, exactly as torchaudio builds its conv1d kernel
/// (including its float32 `−j / new`). Output `y[k · new + j] = Σᵢ k(j, i) · x[k · orig + i]`,
/// with zeros outside the signal, truncated to `ceil(new · n / orig)` samples for `n` inputs.
/// The pass band ends at 0.99 × the lower Nyquist frequency (7.92 kHz for 16 kHz output), and
/// frequencies above the new Nyquist are attenuated by well over 40 dB, so nothing aliases.
///
/// Differences from torchaudio: taps that are exactly zero in float32 are skipped, and products
/// are summed in another order, so outputs agree to about 1e-7 (float32 rounding), not bit for
/// bit. Unlike torchaudio the filter is applied incrementally: feed any number of chunks with
/// `process(_:into:)`, then call `finish(into:)` once; the concatenated output equals the
/// one-shot result. State carried between chunks is at most `2 · width + orig` input samples.
///
/// Memory: the per-phase tap table holds about `new · (2 · width + 1)` floats. For very unusual
/// rate pairs whose reduced `new` is large (e.g. 44 056 Hz → 16 kHz) it would exceed
/// `defaultMaxTableSize`; then taps are computed per output sample instead of tabulated (slower,
/// same values), so no input rate can make the resampler allocate without bound.
public struct SincResampler: Sendable {
    /// The largest tap table (floats) built up front; beyond it taps are computed on the fly.
    public static let defaultMaxTableSize = 1 << 21

    public let inputRate: Int
    public let outputRate: Int
    /// `inputRate / gcd`.
    public let orig: Int
    /// `outputRate / gcd`.
    public let new: Int
    /// Zero padding on the left of the signal (torchaudio's `width`).
    public let width: Int
    private let base: Double

    /// Per phase: first padded-input offset of its taps relative to the block start `k · orig`.
    private var phaseStart: [Int] = []
    /// Per phase: offset of its taps in `taps`.
    private var phaseOffset: [Int] = []
    /// Per phase: number of taps.
    private var phaseLength: [Int] = []
    private var taps: [Float] = []
    /// Whether the taps are tabulated (false: computed per output for huge rate ratios).
    public let tabulated: Bool
    /// The largest `phaseStart + phaseLength` over all phases (taps a block may read).
    private let blockSpan: Int
    /// The smallest `phaseStart` (the oldest input a block reads).
    private let blockLead: Int

    /// Zero-padded input from padded index `historyStart` on (padded index = input index + width).
    private var history: [Float]
    private var historyHead = 0
    private var historyStart = 0
    private var nextBlock = 0
    private var inputCount = 0
    private var outputCount = 0
    private var scratch: [Float] = []

    /// Creates a resampler from `inputRate` to `outputRate` (both in Hz, positive).
    /// - Parameter maxTableSize: the largest tap table (floats) to build; beyond it taps are
    ///   computed per output sample.
    public init(inputRate: Int, outputRate: Int, maxTableSize: Int = SincResampler.defaultMaxTableSize) {
        precondition(inputRate > 0 && outputRate > 0, "sample rates must be positive")
        self.inputRate = inputRate
        self.outputRate = outputRate
        var a = inputRate, b = outputRate
        while b != 0 { (a, b) = (b, a % b) }
        orig = inputRate / a
        new = outputRate / a
        base = Double(min(orig, new)) * 0.99
        width = Int((Double(6 * orig) / base).rounded(.up))
        let estimated = new * (2 * width + 2)
        tabulated = estimated <= maxTableSize
        history = [Float](repeating: 0, count: width)

        var lead = Int.max, span = 0
        if tabulated {
            phaseStart.reserveCapacity(new)
            phaseOffset.reserveCapacity(new)
            phaseLength.reserveCapacity(new)
            taps.reserveCapacity(estimated)
            var buffer: [Float] = []
            for j in 0..<new {
                let start = Self.computeTaps(phase: j, orig: orig, new: new, width: width, base: base, into: &buffer)
                phaseStart.append(start)
                phaseOffset.append(taps.count)
                phaseLength.append(buffer.count)
                taps.append(contentsOf: buffer)
                lead = min(lead, start)
                span = max(span, start + buffer.count)
            }
        } else {
            // Bounds of the non-zero taps without tabulating them: |t| < 6 ⇔ |i/orig − j/new| < 6/base.
            for j in [0, new - 1] {
                let (lo, hi) = Self.tapRange(phase: j, orig: orig, new: new, width: width, base: base)
                lead = min(lead, lo + width)
                span = max(span, hi + width + 1)
            }
        }
        blockLead = lead == Int.max ? 0 : lead
        blockSpan = span
    }

    /// The candidate tap range `[lo, hi]` (in `i`) of a phase: a superset of its non-zero taps.
    private static func tapRange(phase j: Int, orig: Int, new: Int, width: Int, base: Double) -> (Int, Int) {
        let center = Double(orig) * Double(j) / Double(new)
        let half = 6 * Double(orig) / base
        let lo = max(-width, Int((center - half).rounded(.down)) - 1)
        let hi = min(width + orig - 1, Int((center + half).rounded(.up)) + 1)
        return (lo, hi)
    }

    /// The non-zero taps of phase `j` (float32, torchaudio's values) into `buffer`; returns the
    /// padded-input offset of the first one relative to the block start.
    @discardableResult
    private static func computeTaps(phase j: Int, orig: Int, new: Int, width: Int, base: Double,
                                    into buffer: inout [Float]) -> Int {
        buffer.removeAll(keepingCapacity: true)
        let (lo, hi) = tapRange(phase: j, orig: orig, new: new, width: width, base: base)
        // torchaudio: arange(0, -new, -1) / new is an int64 tensor divided in float32.
        let phaseTime = Double(Float(-j) / Float(new))
        let scale = base / Double(orig)
        var first: Int?
        var lastNonZero = lo
        for i in lo...hi {
            var t = (phaseTime + Double(i) / Double(orig)) * base
            t = min(max(t, -6), 6)
            let c = cos(t * Double.pi / 6 / 2)
            let window = c * c
            t *= Double.pi
            let sinc = t == 0 ? 1.0 : sin(t) / t
            let value = Float(sinc * (window * scale))
            if value != 0 {
                if first == nil { first = i }
                lastNonZero = i
            }
            if first != nil { buffer.append(value) }
        }
        guard let first else { return width }  // cannot happen (the centre tap is 1·scale), but stay safe
        buffer.removeLast(hi - lastNonZero)
        return first + width
    }

    /// Number of outputs `n` inputs produce in total: `ceil(new · n / orig)`.
    public static func outputLength(inputLength n: Int, inputRate: Int, outputRate: Int) -> Int {
        var a = inputRate, b = outputRate
        while b != 0 { (a, b) = (b, a % b) }
        let orig = inputRate / a, new = outputRate / a
        return (new * n + orig - 1) / orig
    }

    /// Feeds input samples and appends every output sample that no longer depends on future input.
    public mutating func process(_ input: UnsafeBufferPointer<Float>, into output: inout [Float]) {
        guard !input.isEmpty else { return }
        compact()
        history.append(contentsOf: input)
        inputCount += input.count
        let available = historyStart + (history.count - historyHead)
        // Block k is complete when its last tap, k·orig + blockSpan − 1, has arrived.
        var lastReady = (available - blockSpan) / orig
        if available < blockSpan { lastReady = -1 }
        if lastReady >= nextBlock {
            produce(blocks: nextBlock...lastReady, limit: Int.max, into: &output)
            compact()
        }
    }

    /// Appends the remaining output (the signal is zero-padded at its end). Call once, at the end;
    /// the resampler must not be fed afterwards.
    public mutating func finish(into output: inout [Float]) {
        let total = (new * inputCount + orig - 1) / orig
        guard outputCount < total else { return }
        compact()
        // Enough zeros for the last block to read all its taps.
        let lastBlock = (total - 1) / new
        let needed = lastBlock * orig + blockSpan - (historyStart + history.count - historyHead)
        if needed > 0 { history.append(contentsOf: repeatElement(0, count: needed)) }
        produce(blocks: nextBlock...lastBlock, limit: total, into: &output)
    }

    /// Input samples held for the next outputs (bounded by about `2 · width + orig` plus one chunk).
    public var bufferedSampleCount: Int { history.count - historyHead }

    /// One-shot resampling of a whole signal (same result as feeding it in chunks).
    public static func resample(_ input: [Float], from inputRate: Int, to outputRate: Int) -> [Float] {
        guard inputRate != outputRate else { return input }
        var r = SincResampler(inputRate: inputRate, outputRate: outputRate)
        var out: [Float] = []
        out.reserveCapacity(outputLength(inputLength: input.count, inputRate: inputRate, outputRate: outputRate))
        input.withUnsafeBufferPointer { r.process($0, into: &out) }
        r.finish(into: &out)
        return out
    }

    /// Drops consumed input once it is at least half the buffer, so memory stays bounded.
    private mutating func compact() {
        let keepFrom = nextBlock * orig + blockLead  // oldest padded index still needed
        let drop = min(keepFrom - historyStart, history.count - historyHead)
        if drop > 0 {
            historyHead += drop
            historyStart += drop
        }
        if historyHead > 0 && historyHead >= history.count / 2 {
            history.removeFirst(historyHead)
            historyHead = 0
        }
    }

    private mutating func produce(blocks: ClosedRange<Int>, limit: Int, into output: inout [Float]) {
        let count = min(blocks.count * new, limit - outputCount)
        guard count > 0 else { return }
        let first = output.count
        output.append(contentsOf: repeatElement(0, count: count))
        // Padded index p lives at history[p + shift].
        let shift = historyHead - historyStart
        let (orig, new, firstBlock) = (self.orig, self.new, blocks.lowerBound)
        if tabulated {
            history.withUnsafeBufferPointer { hist in
                taps.withUnsafeBufferPointer { taps in
                    phaseStart.withUnsafeBufferPointer { start in
                        phaseOffset.withUnsafeBufferPointer { offset in
                            phaseLength.withUnsafeBufferPointer { length in
                                output.withUnsafeMutableBufferPointer { out in
                                    let x = hist.baseAddress! + shift
                                    let w = taps.baseAddress!
                                    let dst = out.baseAddress! + first
                                    for n in 0..<count {
                                        let k = firstBlock + n / new, j = n % new
                                        dst[n] = Self.dot(x + k * orig + start[j], w + offset[j], length[j])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } else {
            var buffer = scratch
            for n in 0..<count {
                let k = firstBlock + n / new, j = n % new
                let start = Self.computeTaps(phase: j, orig: orig, new: new, width: width, base: base, into: &buffer)
                output[first + n] = history.withUnsafeBufferPointer { hist in
                    buffer.withUnsafeBufferPointer { w in
                        Self.dot(hist.baseAddress! + shift + k * orig + start, w.baseAddress!, w.count)
                    }
                }
            }
            scratch = buffer
        }
        outputCount += count
        nextBlock = firstBlock + (count + new - 1) / new
    }

    /// `Σ x[i]·w[i]` with eight independent accumulators (vectorises; no per-call allocation).
    @inline(__always)
    private static func dot(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let wv = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self)
            acc += xv * wv
            i += 8
        }
        var sum = acc.sum()
        while i < n {
            sum += x[i] * w[i]
            i += 1
        }
        return sum
    }
}
