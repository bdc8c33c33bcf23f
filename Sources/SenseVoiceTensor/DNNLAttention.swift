// Multi-head attention products in bf16 through oneDNN (used with --precision bf16 / int8).

internal import CDNNL

/// `softmax(scale · Q·Kᵀ) · V` for all heads at once: two batched bf16 matmuls (float32
/// accumulation and outputs) with the softmax in float32 between them.
public enum DNNLAttention {
    /// Runs attention over `qkv` `[t, 3d]` (Q, K, V side by side, `d = heads · dk`) into `ctx` `[t, d]`.
    /// - Parameters:
    ///   - scores: float32 scratch of `heads · t · t`.
    ///   - qkvBF16: scratch of `t · 3d` bf16 values (2 bytes each).
    ///   - probsBF16: scratch of `heads · t · t` bf16 values.
    ///   - softmax: normalises `rows` rows of `cols` floats in place.
    /// - Returns: false when oneDNN failed (nothing useful was written; run the float32 path).
    public static func run(rows t: Int, heads: Int, headSize dk: Int, qkv: UnsafePointer<Float>, scale: Float,
                           scores: UnsafeMutablePointer<Float>, qkvBF16: UnsafeMutableRawPointer,
                           probsBF16: UnsafeMutableRawPointer, context ctx: UnsafeMutablePointer<Float>,
                           softmax: (UnsafeMutablePointer<Float>, _ rows: Int, _ cols: Int) -> Void) -> Bool {
        let d = heads * dk
        let q16 = qkvBF16.bindMemory(to: UInt16.self, capacity: t * 3 * d)
        let p16 = probsBF16.bindMemory(to: UInt16.self, capacity: heads * t * t)
        sv_to_bf16(qkv, q16, t * 3 * d)
        guard sv_attention_scores_bf16(Int32(t), Int32(heads), Int32(dk), q16, scale, scores) == 0 else { return false }
        softmax(scores, heads * t, t)
        sv_to_bf16(scores, p16, heads * t * t)
        return sv_attention_context_bf16(Int32(t), Int32(heads), Int32(dk), p16, q16, ctx) == 0
    }
}
