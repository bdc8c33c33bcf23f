// Follows funasr/models/sense_voice/model.py: SenseVoiceEncoderSmall.forward, EncoderLayerSANM.forward,
// MultiHeadedAttentionSANM.forward / forward_fsmn, SinusoidalPositionEncoder; spec §3.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CPU SAN-M encoder: one inference context over a shared `SenseVoiceModel`, owning the scratch
/// memory of a forward pass (the pipeline's default ``AcousticEncoding``).
///
/// Not thread-safe; create one session per concurrent inference (whisper.cpp's context/state split),
/// normally through ``SenseVoiceModel/makeEncoder(threads:)``. Buffers grow to the longest input
/// seen and are reused. The session's thread budget is how many threads each of its GEMMs and
/// kernel passes may use (``Parallel``); keep `concurrent sessions × threads ≤ cores`.
public final class EncoderSession: AcousticEncoding {
    public let model: SenseVoiceModel
    /// Threads every GEMM and kernel pass of this session may use (at least 1).
    public let threads: Int
    private var scratch: [ScratchBuffer] = []
    private var peCache: (rows: Int, table: Tensor)?

    /// A session over `model` whose passes use up to `threads` threads.
    public init(model: SenseVoiceModel, threads: Int) {
        self.model = model
        self.threads = max(1, threads)
    }

    private enum Slot: Int, CaseIterable { case x, a, qkv, scores, context, proj, hidden, qkvBF16, probsBF16, logits }

    private func buffer(_ slot: Slot, _ count: Int) -> UnsafeMutablePointer<Float> {
        if scratch.isEmpty { scratch = Slot.allCases.map { _ in ScratchBuffer() } }
        return scratch[slot.rawValue].reserve(count)
    }

    /// Runs the encoder over several utterances at once: their frames are stacked so every linear
    /// layer is one GEMM over all of them, while attention and the FSMN memory stay per utterance.
    /// Each result equals `encode(features:)` of that utterance alone.
    /// - Parameter isCancelled: asked before each of the 70 layers; true stops the pass.
    /// - Returns: one `[T6ᵢ + 4, d]` output per input, in order.
    /// - Throws: `SenseVoiceError` `.internalError` when oneDNN fails at run time (out of memory),
    ///   `.cancelled` when `isCancelled` said so.
    public func encode(batch: [Tensor], language: Language, useITN: Bool, isCancelled: (() -> Bool)?) throws -> [Tensor] {
        let (out, spans) = try encodeStacked(batch: batch, language: language, useITN: useITN, isCancelled: isCancelled)
        if spans.count == 1 { return [out] }
        let d = out.cols
        return spans.map { span in
            Tensor(shape: [span.rows, d]) { buf in
                buf.baseAddress!.update(from: out.pointer + span.offset * d, count: span.rows * d)
            }
        }
    }

    /// The encoder over stacked utterances: `[Σ (T6ᵢ + 4), d]` and each utterance's row span.
    func encodeStacked(batch: [Tensor], language: Language, useITN: Bool,
                       isCancelled: (() -> Bool)? = nil) throws -> (Tensor, [RowSpan]) {
        let cfg = model.config.encoder
        let inSize = cfg.inputSize
        let d = cfg.outputSize
        var spans: [RowSpan] = []
        var total = 0
        for features in batch {
            precondition(features.shape.count == 2 && features.cols == inSize,
                         "features \(features.shape) do not have \(inSize) columns")
            spans.append(RowSpan(offset: total, rows: features.rows + 4))
            total += features.rows + 4
        }
        let x = buffer(.x, total * max(inSize, d))

        // Scale by sqrt(d) (output size, not input size) and add the sinusoidal positions.
        let s = Float(Double(d).squareRoot())
        let pe = positionTable(rows: spans.map(\.rows).max() ?? 0, depth: inSize)
        let rows = [language.promptRow, PromptRow.emotion, PromptRow.event, useITN ? PromptRow.withITN : PromptRow.withoutITN]
        for (features, span) in zip(batch, spans) {
            // Prompt rows [lang, emotion, event, textnorm] then the features.
            let xs = x + span.offset * inSize
            for (i, r) in rows.enumerated() {
                (xs + i * inSize).update(from: model.embed.pointer + r * inSize, count: inSize)
            }
            (xs + 4 * inSize).update(from: features.pointer, count: features.count)
            for i in 0..<(span.rows * inSize) { xs[i] = xs[i] * s + pe.pointer[i] }
        }

        func layer(_ weights: SANMLayerWeights) throws {
            if isCancelled?() == true { throw SenseVoiceError(.cancelled, "the encoder pass was cancelled") }
            try forward(weights, x: x, spans: spans, totalRows: total)
        }
        for weights in model.encoders { try layer(weights) }
        FastKernels.layerNorm(rows: total, cols: d, x: x, gamma: model.afterNormWeight.pointer,
                              beta: model.afterNormBias.pointer, eps: 1e-5, y: x, threads: threads)
        for weights in model.tpEncoders { try layer(weights) }
        let out = Tensor(shape: [total, d]) { out in
            FastKernels.layerNorm(rows: total, cols: d, x: x, gamma: model.tpNormWeight.pointer,
                                  beta: model.tpNormBias.pointer, eps: 1e-5, y: out.baseAddress!, threads: threads)
        }
        return (out, spans)
    }

    /// The CTC head's logits of an encoder output, in a reused scratch buffer, handed to `body`.
    /// - Throws: as ``encode(batch:language:useITN:)``, and what `body` throws.
    public func withCTCLogits<R>(of encoded: Tensor, _ body: (CTCLogits) throws -> R) throws -> R {
        let t = encoded.rows
        let v = model.config.vocabSize
        let logits = buffer(.logits, t * v)
        if t > 0 { try model.ctc.apply(rows: t, input: encoded.pointer, output: logits, threads: threads) }
        return try body(CTCLogits(pointer: logits, frames: t, vocabulary: v, threads: threads))
    }

    /// One SAN-M layer in place on `x` (`[rows, layer.inputSize]` in, `[rows, d]` out), over stacked
    /// utterances: linear layers see all rows, attention and FSMN each utterance's span.
    private func forward(_ layer: SANMLayerWeights, x: UnsafeMutablePointer<Float>, spans: [RowSpan], totalRows t: Int) throws {
        let cfg = model.config.encoder
        let inSize = layer.inputSize
        let d = cfg.outputSize
        let h = cfg.attentionHeads
        let dk = cfg.headSize
        let a = buffer(.a, t * max(inSize, d))
        let qkv = buffer(.qkv, t * 3 * d)
        let longest = spans.map(\.rows).max() ?? 0
        let squares = spans.reduce(0) { $0 + $1.rows * $1.rows }
        let scores = buffer(.scores, h * max(longest * longest, squares))
        let ctx = buffer(.context, t * d)
        let proj = buffer(.proj, t * d)
        let hidden = buffer(.hidden, t * cfg.linearUnits)

        // norm1 → fused Q/K/V projection.
        FastKernels.layerNorm(rows: t, cols: inSize, x: x, gamma: layer.norm1Weight.pointer,
                              beta: layer.norm1Bias.pointer, eps: 1e-5, y: a, threads: threads)
        try layer.qkv.apply(rows: t, input: a, output: qkv, threads: threads)

        // Scaled dot-product attention per head: softmax((Q/√dk)·Kᵀ)·V.
        let qScale = 1 / Float(Double(dk).squareRoot())
        var fp32Spans: [RowSpan] = []
        for span in spans {
            let n = span.rows
            let bf16Done = model.attentionInBF16 && DNNLAttention.run(
                rows: n, heads: h, headSize: dk, qkv: qkv + span.offset * 3 * d, scale: qScale, scores: scores,
                qkvBF16: buffer(.qkvBF16, (n * 3 * d + 1) / 2), probsBF16: buffer(.probsBF16, (h * n * n + 1) / 2),
                context: ctx + span.offset * d, threads: threads,
                softmax: { FastKernels.softmaxRows($0, rows: $1, cols: $2, threads: threads) })
            let done = bf16Done || (!model.attentionInBF16 && LinearWeights.fp32Backend == .onednn && DNNLAttention.runFloat32(
                rows: n, heads: h, headSize: dk, qkv: qkv + span.offset * 3 * d, scale: qScale, scores: scores,
                context: ctx + span.offset * d, threads: threads,
                softmax: { FastKernels.softmaxRows($0, rows: $1, cols: $2, threads: threads) }))
            if !done { fp32Spans.append(span) }
        }
        attentionHeads(spans: fp32Spans, heads: h, headSize: dk, qkv: qkv, scale: qScale, scores: scores, context: ctx)
        try layer.out.apply(rows: t, input: ctx, output: proj, threads: threads)

        // FSMN memory on V (depthwise "same" convolution plus V itself) added to the attention
        // output, then the residual (none for the input layer whose width differs), in one pass.
        for span in spans {
            let o = span.offset
            FastKernels.fsmnMemory(rows: span.rows, cols: d, v: qkv + o * 3 * d + 2 * d, ldv: 3 * d,
                                   taps: layer.fsmnTaps.pointer, kernel: cfg.kernelSize, left: cfg.fsmnLeftPadding,
                                   proj: proj + o * d, x: x + o * d, residual: inSize == d, threads: threads)
        }

        // norm2 → FFN with ReLU → residual.
        FastKernels.layerNorm(rows: t, cols: d, x: x, gamma: layer.norm2Weight.pointer,
                              beta: layer.norm2Bias.pointer, eps: 1e-5, y: a, threads: threads)
        try layer.ffn1.apply(rows: t, input: a, output: hidden, epilogue: .relu, threads: threads)
        try layer.ffn2.apply(rows: t, input: hidden, output: proj, epilogue: .addInto(x), threads: threads)
    }

    /// fp32 attention, `softmax(scale · Q·Kᵀ)·V` per utterance and head, into `context` `[rows, d]`.
    /// The per-head products are small (k = dk), so rather than splitting each product the
    /// (head, utterance) pairs are shared out over the session's threads, each pair run whole with
    /// single-threaded GEMMs in its own `[n, n]` slice of `scores` (`heads · Σ n²` floats). Threads
    /// get contiguous runs of pairs of about equal cost (∝ n²). Each pair's arithmetic is the same
    /// however the pairs are shared out.
    private func attentionHeads(spans: [RowSpan], heads h: Int, headSize dk: Int, qkv: UnsafeMutablePointer<Float>,
                                scale: Float, scores: UnsafeMutablePointer<Float>, context ctx: UnsafeMutablePointer<Float>) {
        let d = h * dk
        var pairs: [(span: RowSpan, head: Int, scores: Int)] = []
        var offset = 0
        for j in 0..<h {
            for span in spans {
                pairs.append((span, j, offset))
                offset += span.rows * span.rows
            }
        }
        guard !pairs.isEmpty else { return }
        func run(_ pair: (span: RowSpan, head: Int, scores: Int)) {
            let n = pair.span.rows, j = pair.head
            let q = qkv + pair.span.offset * 3 * d
            let s = scores + pair.scores
            BLAS.gemm(m: n, n: n, k: dk, a: q + j * dk, lda: 3 * d, b: q + d + j * dk, ldb: 3 * d, bTransposed: true,
                      c: s, ldc: n, alpha: scale)
            FastKernels.softmaxRows(s, rows: n, cols: n, threads: threads)
            BLAS.gemm(m: n, n: dk, k: n, a: s, lda: n, b: q + 2 * d + j * dk, ldb: 3 * d,
                      c: ctx + pair.span.offset * d + j * dk, ldc: d)
        }
        // Pair i covers cost [start_i, start_i + n_i²) of the total; thread t of w takes the pairs
        // whose cost starts in [t·total/w, (t+1)·total/w).
        let total = offset
        let w = min(threads, pairs.count)
        pairs.withUnsafeBufferPointer { list in
            Parallel.rows(w, cols: total * dk / max(w, 1), minWork: BLAS.parallelMinMACs, threads: w) { lo, hi in
                let from = total * lo / w, to = total * hi / w
                for pair in list where pair.scores >= from && pair.scores < to { run(pair) }
            }
        }
    }

    /// Sinusoidal position table `[rows, depth]` for positions 1…rows (float32, sines then cosines).
    private func positionTable(rows: Int, depth: Int) -> Tensor {
        if let cached = peCache, cached.rows >= rows, cached.table.cols == depth {
            return cached.table
        }
        let n = max(rows, peCache?.rows ?? 0)
        let table = SinusoidalPositions.table(rows: n, depth: depth)
        peCache = (n, table)
        return table
    }
}

/// FunASR's `SinusoidalPositionEncoder` table.
public enum SinusoidalPositions {
    /// `PE[t, i] = sin((t+1)·inv[i])`, `PE[t, half+i] = cos((t+1)·inv[i])`, `inv[i] = exp(−i·ln(10000)/(half−1))`,
    /// computed in float32 as the reference does.
    public static func table(rows: Int, depth: Int) -> Tensor {
        let half = depth / 2
        let inc = logf(10_000) / Float(half - 1)
        var inv = [Float](repeating: 0, count: half)
        for i in 0..<half { inv[i] = expf(Float(i) * -inc) }
        return Tensor(shape: [rows, depth]) { out in
            for r in 0..<rows {
                let p = Float(r + 1)
                for i in 0..<half {
                    let a = p * inv[i]
                    out[r * depth + i] = sinf(a)
                    out[r * depth + half + i] = cosf(a)
                }
            }
        }
    }
}

/// Rows `offset ..< offset + rows` of a stacked batch: one utterance.
struct RowSpan {
    var offset: Int
    var rows: Int
}

/// A growable, 64-byte aligned float scratch buffer owned by a session.
final class ScratchBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>?
    private(set) var capacity = 0

    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity || pointer == nil {
            if let pointer { UnsafeMutableRawPointer(pointer).deallocate() }
            let n = max(count, 1)
            pointer = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64).bindMemory(to: Float.self, capacity: n)
            capacity = n
        }
        return pointer!
    }

    deinit {
        if let pointer { UnsafeMutableRawPointer(pointer).deallocate() }
    }
}
