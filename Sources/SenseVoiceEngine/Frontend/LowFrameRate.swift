// Follows funasr/frontends/wav_frontend.py: apply_lfr (spec §2.2).

/// Low-frame-rate stacking: each output row concatenates `m` consecutive fbank frames, every `n` frames.
///
/// `out[i] = concat_{j<m} fbank[clamp(i·n + j − (m−1)/2, 0, T−1)]` for `i < ceil(T/n)`: the first
/// frame is repeated `(m−1)/2` times on the left and the last frame as often as needed on the
/// right, oldest frame first. This equals FunASR's strided loop for every T.
/// SenseVoice: m = 7, n = 6 (`[T, 80]` → `[ceil(T/6), 560]`); FSMN-VAD: m = 5, n = 1.
public struct LowFrameRate: Sendable, Equatable {
    /// Frames stacked per output row (`lfr_m`).
    public let m: Int
    /// Hop between output rows in input frames (`lfr_n`).
    public let n: Int

    /// A stacker.
    /// - Precondition: `m ≥ 1`, `n ≥ 1`.
    public init(m: Int, n: Int) {
        precondition(m >= 1 && n >= 1, "LFR needs m ≥ 1 and n ≥ 1, got m \(m), n \(n)")
        self.m = m
        self.n = n
    }

    /// Left padding in frames: `(m − 1) / 2` (3 for SenseVoice, 2 for FSMN-VAD).
    public var leftPadding: Int { (m - 1) / 2 }

    /// Output rows for `frames` input rows: `ceil(frames / n)`.
    public func outputFrameCount(_ frames: Int) -> Int { (frames + n - 1) / n }

    /// Stacks the rows of `fbank`.
    /// - Parameter fbank: `[T, D]` (D = 80 mel bins); T may be 0.
    /// - Returns: `[ceil(T/n), m·D]`.
    public func apply(_ fbank: Tensor) -> Tensor {
        precondition(fbank.shape.count == 2, "LFR expects a 2-D [frames, bins] tensor, got \(fbank.shape)")
        let rows = fbank.rows, cols = fbank.cols
        return Tensor(shape: [outputFrameCount(rows), m * cols]) { out in
            if let dst = out.baseAddress { apply(fbank.pointer, rows: rows, cols: cols, into: dst) }
        }
    }

    /// Stacks `rows × cols` floats at `src` into `outputFrameCount(rows) × (m·cols)` floats at `dst`.
    func apply(_ src: UnsafePointer<Float>, rows: Int, cols: Int, into dst: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let pad = leftPadding
        var o = dst
        for i in 0..<outputFrameCount(rows) {
            for j in 0..<m {
                let r = min(max(i * n + j - pad, 0), rows - 1)
                o.update(from: src + r * cols, count: cols)
                o += cols
            }
        }
    }
}
