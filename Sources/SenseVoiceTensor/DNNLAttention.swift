// Multi-head attention products in bf16 through oneDNN (used with --precision bf16 / int8).

internal import CDNNL
import Synchronization

/// `softmax(scale · Q·Kᵀ) · V` for all heads at once: two batched bf16 matmuls (float32
/// accumulation and outputs) with the softmax in float32 between them.
public enum DNNLAttention {
    /// Runs attention over `qkv` `[t, 3d]` (Q, K, V side by side, `d = heads · dk`) into `ctx` `[t, d]`.
    /// The heads are shared out over up to `threads` threads (single-threaded oneDNN calls each).
    /// - Parameters:
    ///   - scores: float32 scratch of `heads · t · t`.
    ///   - qkvBF16: scratch of `t · 3d` bf16 values (2 bytes each).
    ///   - probsBF16: scratch of `heads · t · t` bf16 values.
    ///   - softmax: normalises `rows` rows of `cols` floats in place.
    /// - Returns: false when oneDNN failed (nothing useful was written; run the float32 path).
    public static func run(rows t: Int, heads: Int, headSize dk: Int, qkv: UnsafePointer<Float>, scale: Float,
                           scores: UnsafeMutablePointer<Float>, qkvBF16: UnsafeMutableRawPointer,
                           probsBF16: UnsafeMutableRawPointer, context ctx: UnsafeMutablePointer<Float>,
                           threads: Int, softmax: (UnsafeMutablePointer<Float>, _ rows: Int, _ cols: Int) -> Void) -> Bool {
        let d = heads * dk
        let q16 = qkvBF16.bindMemory(to: UInt16.self, capacity: t * 3 * d)
        let p16 = probsBF16.bindMemory(to: UInt16.self, capacity: heads * t * t)
        Parallel.rows(t, cols: 3 * d, threads: threads) { lo, hi in
            sv_to_bf16(qkv + lo * 3 * d, q16 + lo * 3 * d, (hi - lo) * 3 * d)
        }
        return eachHead(heads, rows: t, headSize: dk, threads: threads) { h in
            let s = scores + h * t * t, p = p16 + h * t * t
            guard sv_attention_scores_bf16(Int32(t), 1, Int32(dk), Int32(d), q16 + h * dk, scale, s) == 0 else { return false }
            softmax(s, t, t)
            sv_to_bf16(s, p, t * t)
            return sv_attention_context_bf16(Int32(t), 1, Int32(dk), Int32(d), p, q16 + h * dk, ctx + h * dk) == 0
        }
    }

    /// The same in float32 throughout (oneDNN's float32 matmul, operands read in place): scores
    /// into `scores` (`heads · t · t`), normalised there by `softmax`, then multiplied by V.
    /// - Returns: false when oneDNN failed (run the OpenBLAS path).
    public static func runFloat32(rows t: Int, heads: Int, headSize dk: Int, qkv: UnsafePointer<Float>, scale: Float,
                                  scores: UnsafeMutablePointer<Float>, context ctx: UnsafeMutablePointer<Float>,
                                  threads: Int, softmax: (UnsafeMutablePointer<Float>, _ rows: Int, _ cols: Int) -> Void) -> Bool {
        let d = heads * dk
        return eachHead(heads, rows: t, headSize: dk, threads: threads) { h in
            let s = scores + h * t * t
            guard sv_attention_scores_f32(Int32(t), 1, Int32(dk), Int32(d), qkv + h * dk, scale, s) == 0 else { return false }
            softmax(s, t, t)
            return sv_attention_context_f32(Int32(t), 1, Int32(dk), Int32(d), s, qkv + h * dk, ctx + h * dk) == 0
        }
    }

    /// Runs `head(h)` for every head, heads shared out over up to `threads` threads and taken one at a
    /// time per thread (a head's `t²` scores and probabilities stay in L2). False when any call failed
    /// (a thread stops at its first failure).
    private static func eachHead(_ heads: Int, rows t: Int, headSize dk: Int, threads: Int,
                                 _ head: (Int) -> Bool) -> Bool {
        let failed = Atomic<Bool>(false)
        Parallel.rows(heads, cols: t * t * dk, minWork: BLAS.parallelMinMACs, threads: threads) { h0, h1 in
            for h in h0..<h1 where !head(h) {
                failed.store(true, ordering: .relaxed)
                return
            }
        }
        return !failed.load(ordering: .relaxed)
    }
}
