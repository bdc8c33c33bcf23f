// Follows funasr/models/sense_voice/model.py: SenseVoiceEncoderSmall.forward, EncoderLayerSANM.forward,
// MultiHeadedAttentionSANM.forward / forward_fsmn, SinusoidalPositionEncoder; spec §3.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One inference context over a shared `SenseVoiceModel`: owns the scratch memory of a forward pass.
///
/// Not thread-safe; create one session per concurrent inference (whisper.cpp's context/state split).
/// Buffers grow to the longest input seen and are reused.
public final class EncoderSession {
    public let model: SenseVoiceModel
    private var scratch: [ScratchBuffer] = []
    private var peCache: (rows: Int, table: Tensor)?

    public init(model: SenseVoiceModel) {
        self.model = model
    }

    private enum Slot: Int, CaseIterable { case x, a, qkv, scores, context, proj, hidden, qkvBF16, probsBF16 }

    private func buffer(_ slot: Slot, _ count: Int) -> UnsafeMutablePointer<Float> {
        if scratch.isEmpty { scratch = Slot.allCases.map { _ in ScratchBuffer() } }
        return scratch[slot.rawValue].reserve(count)
    }

    /// Runs the encoder over `features` with the given prompts.
    /// - Parameters:
    ///   - features: `[T6, input_size]` after LFR and CMVN.
    ///   - language: language prompt.
    ///   - useITN: text-norm prompt (`withitn` / `woitn`).
    /// - Returns: `[T6 + 4, d]` encoder output after `tp_norm` (4 prompt frames first).
    public func encode(features: Tensor, language: Language, useITN: Bool) -> Tensor {
        let cfg = model.config.encoder
        precondition(features.shape.count == 2 && features.cols == cfg.inputSize,
                     "features \(features.shape) do not have \(cfg.inputSize) columns")
        let t = features.rows + 4
        let inSize = cfg.inputSize
        let d = cfg.outputSize
        let x = buffer(.x, t * max(inSize, d))

        // Prompt rows [lang, emotion, event, textnorm] then the features.
        let rows = [language.promptRow, PromptRow.emotion, PromptRow.event, useITN ? PromptRow.withITN : PromptRow.withoutITN]
        for (i, r) in rows.enumerated() {
            (x + i * inSize).update(from: model.embed.pointer + r * inSize, count: inSize)
        }
        (x + 4 * inSize).update(from: features.pointer, count: features.count)

        // Scale by sqrt(d) (output size, not input size) and add the sinusoidal positions.
        let s = Float(Double(d).squareRoot())
        let pe = positionTable(rows: t, depth: inSize)
        for i in 0..<(t * inSize) { x[i] = x[i] * s + pe.pointer[i] }

        for layer in model.encoders { forward(layer, x: x, rows: t) }
        Kernels.layerNorm(rows: t, cols: d, x: x, gamma: model.afterNormWeight.pointer,
                          beta: model.afterNormBias.pointer, eps: 1e-5, y: x)
        for layer in model.tpEncoders { forward(layer, x: x, rows: t) }
        return Tensor(shape: [t, d]) { out in
            Kernels.layerNorm(rows: t, cols: d, x: x, gamma: model.tpNormWeight.pointer,
                              beta: model.tpNormBias.pointer, eps: 1e-5, y: out.baseAddress!)
        }
    }

    /// CTC log-probabilities `[T', vocab]` of an encoder output.
    public func logProbabilities(_ encoderOut: Tensor) -> Tensor {
        let t = encoderOut.rows
        let v = model.config.vocabSize
        return Tensor(shape: [t, v]) { out in
            model.ctc.apply(rows: t, input: encoderOut.pointer, output: out.baseAddress!)
            for r in 0..<t { Kernels.logSoftmaxInPlace(out.baseAddress! + r * v, count: v) }
        }
    }

    /// One SAN-M layer in place on `x` (`[rows, layer.inputSize]` in, `[rows, d]` out).
    private func forward(_ layer: SANMLayerWeights, x: UnsafeMutablePointer<Float>, rows t: Int) {
        let cfg = model.config.encoder
        let inSize = layer.inputSize
        let d = cfg.outputSize
        let h = cfg.attentionHeads
        let dk = cfg.headSize
        let a = buffer(.a, t * max(inSize, d))
        let qkv = buffer(.qkv, t * 3 * d)
        let scores = buffer(.scores, (model.attentionInBF16 ? h : 1) * t * t)
        let ctx = buffer(.context, t * d)
        let proj = buffer(.proj, t * d)
        let hidden = buffer(.hidden, t * cfg.linearUnits)

        // norm1 → fused Q/K/V projection.
        Kernels.layerNorm(rows: t, cols: inSize, x: x, gamma: layer.norm1Weight.pointer,
                          beta: layer.norm1Bias.pointer, eps: 1e-5, y: a)
        layer.qkv.apply(rows: t, input: a, output: qkv)

        // Scaled dot-product attention per head: softmax((Q/√dk)·Kᵀ)·V.
        let qScale = 1 / Float(Double(dk).squareRoot())
        let bf16Done = model.attentionInBF16 && DNNLAttention.run(
            rows: t, heads: h, headSize: dk, qkv: qkv, scale: qScale, scores: scores,
            qkvBF16: buffer(.qkvBF16, (t * 3 * d + 1) / 2), probsBF16: buffer(.probsBF16, (h * t * t + 1) / 2),
            context: ctx, softmax: { Kernels.softmaxRowsInPlace($0, rows: $1, cols: $2) })
        for j in 0..<(bf16Done ? 0 : h) {
            BLAS.gemmNT(m: t, n: t, k: dk, a: qkv + j * dk, lda: 3 * d, b: qkv + d + j * dk, ldb: 3 * d,
                        c: scores, ldc: t, alpha: qScale)
            Kernels.softmaxRowsInPlace(scores, rows: t, cols: t)
            BLAS.gemmNN(m: t, n: dk, k: t, a: scores, lda: t, b: qkv + 2 * d + j * dk, ldb: 3 * d,
                        c: ctx + j * dk, ldc: d)
        }
        layer.out.apply(rows: t, input: ctx, output: proj)

        // FSMN memory on V: depthwise "same" convolution plus V itself, added to the attention output.
        let k = cfg.kernelSize
        let left = cfg.fsmnLeftPadding
        let taps = layer.fsmnTaps.pointer
        for r in 0..<t {
            let out = proj + r * d
            let vSelf = qkv + r * 3 * d + 2 * d
            for c in 0..<d { out[c] += vSelf[c] }
            for tap in 0..<k {
                let src = r + tap - left
                if src < 0 || src >= t { continue }
                let v = qkv + src * 3 * d + 2 * d
                let w = taps + tap * d
                for c in 0..<d { out[c] += w[c] * v[c] }
            }
        }

        // Residual (none for the input layer whose width differs).
        if inSize == d {
            for i in 0..<(t * d) { x[i] += proj[i] }
        } else {
            x.update(from: proj, count: t * d)
        }

        // norm2 → FFN with ReLU → residual.
        Kernels.layerNorm(rows: t, cols: d, x: x, gamma: layer.norm2Weight.pointer,
                          beta: layer.norm2Bias.pointer, eps: 1e-5, y: a)
        layer.ffn1.apply(rows: t, input: a, output: hidden)
        Kernels.reluInPlace(hidden, count: t * cfg.linearUnits)
        layer.ffn2.apply(rows: t, input: hidden, output: proj)
        for i in 0..<(t * d) { x[i] += proj[i] }
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
