// SIMD kernels for the encoder's passes around the GEMMs: softmax, log-softmax, LayerNorm, ReLU,
// residual adds and the FSMN memory block, each split over rows across the caller's `threads`.
//
// They compute the same formulas as `Kernels` (VectorKernels.swift) in the same per-element order;
// only reductions (sums, maxima) are accumulated in 16 lanes, and exp is `FastMath.exp`.

import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) @usableFromInline
func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always) @usableFromInline
func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// SIMD, multi-threaded counterparts of `Kernels`: each pass splits its rows over up to `threads`
/// threads (``Parallel``), the caller's budget.
public enum FastKernels {
    // MARK: softmax

    /// Softmax of each row in place (max-subtracted), rows split across up to `threads` threads.
    public static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, threads: Int) {
        Parallel.rows(rows, cols: cols, threads: threads) { lo, hi in
            for r in lo..<hi { softmaxRow(x + r * cols, count: cols) }
        }
    }

    /// Whether the AVX-512 kernels of `CKernels` run on this machine.
    public static let usesAVX512 = svk_has_avx512() != 0

    /// Softmax of one row in place; `avx512: false` forces the portable Swift SIMD path (tests).
    public static func softmaxRow(_ row: UnsafeMutablePointer<Float>, count n: Int, avx512: Bool = usesAVX512) {
        if avx512 {
            let m = svk_max(row, n)
            svk_scale(row, n, 1 / svk_exp_shift_sum(row, n, m))
            return
        }
        let m = maximum(row, count: n)
        let mv = SIMD16<Float>(repeating: m)
        var acc = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= n {
            let e = FastMath.exp(load16(row + i) - mv)
            store16(e, row + i)
            acc += e
            i += 16
        }
        if i < n {
            var v = SIMD16<Float>(repeating: -.infinity)
            for j in 0..<(n - i) { v[j] = row[i + j] }
            let e = FastMath.exp(v - mv)           // padding lanes give exp(−inf) = 0
            for j in 0..<(n - i) { row[i + j] = e[j] }
            acc += e
        }
        scaleRow(row, count: n, by: 1 / acc.sum())
    }

    /// `row *= s`.
    @inlinable
    static func scaleRow(_ row: UnsafeMutablePointer<Float>, count n: Int, by s: Float) {
        let sv = SIMD16<Float>(repeating: s)
        var i = 0
        while i + 16 <= n {
            store16(load16(row + i) * sv, row + i)
            i += 16
        }
        while i < n {
            row[i] *= s
            i += 1
        }
    }

    /// Σ exp(row − shift) (AVX-512 when available).
    static func sumExp(_ row: UnsafePointer<Float>, count n: Int, shift m: Float) -> Float {
        if usesAVX512 { return svk_sum_exp_shift(row, n, m) }
        let mv = SIMD16<Float>(repeating: m)
        var acc = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= n {
            acc += FastMath.exp(load16(row + i) - mv)
            i += 16
        }
        if i < n {
            var v = SIMD16<Float>(repeating: -.infinity)
            for j in 0..<(n - i) { v[j] = row[i + j] }
            acc += FastMath.exp(v - mv)
        }
        return acc.sum()
    }

    /// Log-softmax of each row in place: `x − max − log Σ exp(x − max)`, rows split across up to
    /// `threads` threads.
    public static func logSoftmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, threads: Int) {
        Parallel.rows(rows, cols: cols, threads: threads) { lo, hi in
            for r in lo..<hi {
                let row = x + r * cols
                let m = maximum(row, count: cols)
                let lse = m + logf(sumExp(row, count: cols, shift: m))
                let lv = SIMD16<Float>(repeating: lse)
                var i = 0
                while i + 16 <= cols {
                    store16(load16(row + i) - lv, row + i)
                    i += 16
                }
                while i < cols {
                    row[i] -= lse
                    i += 1
                }
            }
        }
    }

    /// Largest element of a row (−inf for an empty row).
    @inlinable
    public static func maximum(_ row: UnsafePointer<Float>, count n: Int) -> Float {
        var mv = SIMD16<Float>(repeating: -.infinity)
        var i = 0
        while i + 16 <= n {
            mv = FastMath.max(mv, load16(row + i))
            i += 16
        }
        var m = mv.max()
        while i < n {
            if row[i] > m { m = row[i] }
            i += 1
        }
        return m
    }

    // MARK: LayerNorm

    /// LayerNorm over the last dimension (biased variance, as PyTorch); `x` and `y` may alias.
    public static func layerNorm(rows: Int, cols: Int, x: UnsafePointer<Float>,
                                 gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                 eps: Float, y: UnsafeMutablePointer<Float>, threads: Int) {
        Parallel.rows(rows, cols: cols, threads: threads) { lo, hi in
            for r in lo..<hi { layerNormRow(x + r * cols, cols: cols, gamma: gamma, beta: beta, eps: eps, y: y + r * cols) }
        }
    }

    @inlinable
    static func layerNormRow(_ xr: UnsafePointer<Float>, cols: Int, gamma: UnsafePointer<Float>,
                             beta: UnsafePointer<Float>, eps: Float, y yr: UnsafeMutablePointer<Float>) {
        let n = Float(cols)
        var acc = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= cols { acc += load16(xr + i); i += 16 }
        var sum = acc.sum()
        while i < cols { sum += xr[i]; i += 1 }
        let mean = sum / n
        let mv = SIMD16<Float>(repeating: mean)
        acc = SIMD16(repeating: 0)
        i = 0
        while i + 16 <= cols {
            let d = load16(xr + i) - mv
            acc += d * d
            i += 16
        }
        var sq = acc.sum()
        while i < cols {
            let d = xr[i] - mean
            sq += d * d
            i += 1
        }
        let inv = 1 / (sq / n + eps).squareRoot()
        let iv = SIMD16<Float>(repeating: inv)
        i = 0
        while i + 16 <= cols {
            store16((load16(xr + i) - mv) * iv * load16(gamma + i) + load16(beta + i), yr + i)
            i += 16
        }
        while i < cols {
            yr[i] = (xr[i] - mean) * inv * gamma[i] + beta[i]
            i += 1
        }
    }

    // MARK: element-wise

    /// `x = max(x, 0)` in place, split across up to `threads` threads.
    public static func relu(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, threads: Int) {
        Parallel.rows(rows, cols: cols, threads: threads) { lo, hi in
            let p = x + lo * cols
            let n = (hi - lo) * cols
            let zero = SIMD16<Float>(repeating: 0)
            var i = 0
            while i + 16 <= n {
                store16(FastMath.max(load16(p + i), zero), p + i)
                i += 16
            }
            while i < n {
                if p[i] < 0 { p[i] = 0 }
                i += 1
            }
        }
    }

    /// `y += x` element-wise over `rows · cols` elements, split across up to `threads` threads.
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                           threads: Int) {
        Parallel.rows(rows, cols: cols, threads: threads) { lo, hi in
            let xs = x + lo * cols
            let ys = y + lo * cols
            let n = (hi - lo) * cols
            var i = 0
            while i + 16 <= n {
                store16(load16(ys + i) + load16(xs + i), ys + i)
                i += 16
            }
            while i < n {
                ys[i] += xs[i]
                i += 1
            }
        }
    }

    // MARK: FSMN memory

    /// The SAN-M FSMN memory block fused with the attention residual, per row `r`:
    /// `m = proj[r] + v[r] + Σ_tap taps[tap] ⊙ v[r + tap − left]` (taps outside `0..<rows` skipped,
    /// summed in tap order), then `x[r] += m` when `residual`, else `x[r] = m`.
    ///
    /// - Parameters:
    ///   - v: value rows, row `r` at `v + r · ldv`, `cols` wide.
    ///   - taps: `[kernel, cols]` tap-major depthwise kernel.
    ///   - proj: attention output `[rows, cols]`.
    ///   - x: the residual stream `[rows, cols]`.
    ///   - threads: the caller's thread budget.
    public static func fsmnMemory(rows: Int, cols: Int, v: UnsafePointer<Float>, ldv: Int,
                                  taps: UnsafePointer<Float>, kernel: Int, left: Int,
                                  proj: UnsafePointer<Float>, x: UnsafeMutablePointer<Float>, residual: Bool,
                                  threads: Int) {
        Parallel.rows(rows, cols: cols * kernel, threads: threads) { lo, hi in
            if usesAVX512 {
                svk_fsmn(lo, hi, rows, cols, v, ldv, taps, kernel, left, proj, x, residual ? 1 : 0)
                return
            }
            for r in lo..<hi {
                let tapLo = max(0, left - r)
                let tapHi = min(kernel, rows + left - r)
                let out = x + r * cols
                let pr = proj + r * cols
                let vs = v + r * ldv
                var c = 0
                while c + 16 <= cols {
                    var m = load16(pr + c) + load16(vs + c)
                    var tap = tapLo
                    while tap < tapHi {
                        m += load16(taps + tap * cols + c) * load16(v + (r + tap - left) * ldv + c)
                        tap += 1
                    }
                    store16(residual ? load16(out + c) + m : m, out + c)
                    c += 16
                }
                while c < cols {
                    var m = pr[c] + vs[c]
                    for tap in tapLo..<tapHi { m += taps[tap * cols + c] * v[(r + tap - left) * ldv + c] }
                    out[c] = residual ? out[c] + m : m
                    c += 1
                }
            }
        }
    }
}

extension FastKernels {
    /// The end of a linear layer over `columns` of rows `0..<rows` of `y` (row stride `ldy`):
    /// `y += bias` (when given), then `epilogue`. One pass, on the calling thread.
    public static func finishLinear(rows: Int, columns: Range<Int>, y: UnsafeMutablePointer<Float>, ldy: Int,
                                    bias: UnsafePointer<Float>?, epilogue: LinearEpilogue) {
        let c0 = columns.lowerBound, n = columns.count
        let zero = SIMD16<Float>(repeating: 0)
        var relu = false
        var residual: UnsafeMutablePointer<Float>?
        switch epilogue {
        case .none: break
        case .relu: relu = true
        case .addInto(let p): residual = p
        }
        for r in 0..<rows {
            let yr = y + r * ldy + c0
            let rr = residual.map { $0 + r * ldy + c0 }
            let br = bias.map { $0 + c0 }
            var i = 0
            while i + 16 <= n {
                var v = load16(yr + i)
                if let br { v += load16(br + i) }
                if relu { v = FastMath.max(v, zero) }
                if let rr {
                    store16(load16(rr + i) + v, rr + i)
                    if br != nil { store16(v, yr + i) }
                } else {
                    store16(v, yr + i)
                }
                i += 16
            }
            while i < n {
                var v = yr[i]
                if let br { v += br[i] }
                if relu, v < 0 { v = 0 }
                yr[i] = v
                if let rr { rr[i] += v }
                i += 1
            }
        }
    }
}

extension FastKernels {
    /// The index of the largest `row[i] − lse` (first on ties; `banned` indices never chosen; 0 when
    /// every index is banned), where `lse` is the row's log-sum-exp computed as in
    /// ``logSoftmaxRows(_:rows:cols:)``: the argmax of the log-softmax row, bit for bit, without
    /// writing it. `row` is left unchanged.
    public static func logSoftmaxArgmax(_ row: UnsafePointer<Float>, count n: Int, banned: Set<Int>) -> Int {
        guard n > 0 else { return 0 }
        let m = maximum(row, count: n)
        let lse = m + logf(sumExp(row, count: n, shift: m))
        // x ↦ fl(x − lse) is monotonic, so the largest log-probability is fl(m − lse), and the
        // argmax is the first index where it is reached.
        let target = m - lse
        if banned.isEmpty, target == target {
            let lv = SIMD16<Float>(repeating: lse)
            let tv = SIMD16<Float>(repeating: target)
            var i = 0
            while i + 16 <= n {
                let hit = (load16(row + i) - lv) .== tv
                if any(hit) {
                    for j in 0..<16 where hit[j] { return i + j }
                }
                i += 16
            }
            while i < n {
                if row[i] - lse == target { return i }
                i += 1
            }
        }
        // Banned ids, or NaNs: the scalar rule of `CTCGreedyDecoder` on the log-probabilities.
        var best = -1
        var bv = -Float.infinity
        for c in 0..<n where !banned.contains(c) {
            let p = row[c] - lse
            if best < 0 || p > bv {
                best = c
                bv = p
            }
        }
        return max(best, 0)
    }
}
