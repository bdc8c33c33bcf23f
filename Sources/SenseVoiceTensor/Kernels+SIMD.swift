// SIMD kernels for the encoder's passes around the GEMMs: softmax, log-softmax, LayerNorm, ReLU,
// residual adds and the FSMN memory block, each split over rows across `Parallel.width` threads.
//
// They compute the same formulas as `Kernels` (VectorKernels.swift) in the same per-element order;
// only reductions (sums, maxima) are accumulated in 16 lanes, and exp is `FastMath.exp`.

import CKernels
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits row ranges across threads: the encoder's GEMMs and the passes around them.
///
/// The extra threads are a few long-lived helper threads of this module (not libdispatch's worker
/// pool, whose threads would otherwise show up in callers' thread-local state): a caller claims
/// them all, hands each a row range, does the first range itself and waits. A second caller that
/// finds them claimed (several inference threads, each with 1 BLAS thread, never get here) simply
/// runs its pass alone.
///
/// An encoder pass is hundreds of short parallel regions (≈ 10 per layer), so hand-offs spin
/// briefly instead of sleeping at once: a helper spins ≈ 50–100 µs for its next range before it
/// blocks on its semaphore, and the caller spins for the helpers to finish (yielding after a while).
public enum Parallel {
    /// Threads used by the SIMD kernels: the BLAS thread count, so one setting governs both.
    public static var width: Int { BLAS.threads }

    /// Calls `body(lo, hi)` on disjoint row ranges covering `0..<rows`, on up to `width` threads when
    /// the pass has at least `minWork` elements (`rows · cols`), else once on the caller's thread.
    ///
    /// `body` is called concurrently, so it must only touch the rows it is given (every kernel here
    /// writes rows `lo..<hi` of its output and reads shared inputs); every call has finished when
    /// this function returns, so nothing outlives it.
    ///   - threads: how many threads to use at most (default ``width``).
    public static func rows(_ rows: Int, cols: Int, minWork: Int = 32_768, threads: Int? = nil,
                            _ body: (Int, Int) -> Void) {
        let helpers = KernelHelpers.shared
        let w = min(threads ?? width, rows, helpers.lanes.count + 1)
        if w <= 1 || rows * cols < minWork || !helpers.claim() {
            body(0, rows)
            return
        }
        defer { helpers.release() }
        // The kernels' closures capture raw pointers, which are not Sendable; the disjoint row
        // ranges and the wait below are what make the concurrent calls safe.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            for i in 1..<w {
                let lane = helpers.lanes[i - 1]
                let lo = rows * i / w, hi = rows * (i + 1) / w
                lane.post { body(lo, hi) }
            }
            body(0, rows / w)
            for i in 1..<w {
                helpers.lanes[i - 1].waitUntilFinished()
            }
        }
    }
}

/// One helper thread: runs `work` each time one is posted, then marks it finished.
///
/// `posted` / `finished` count work items. The helper spins on `posted` for a while, then sets
/// `sleeping` and blocks on `start`; a poster that takes `sleeping` back (exchange to false)
/// signals `start`. Both sides use sequentially consistent operations on `posted` and `sleeping`,
/// so either the helper sees the new item before blocking or the poster sees it asleep.
final class KernelLane: Sendable {
    let start = DispatchSemaphore(value: 0)
    let posted = Atomic<UInt64>(0)
    let finished = Atomic<UInt64>(0)
    let sleeping = Atomic<Bool>(false)
    /// Written by the claiming caller before `posted` is incremented, read by the helper after it
    /// sees the increment, cleared by the caller after `finished` catches up: `posted` and
    /// `finished` (release/acquire) order every access.
    nonisolated(unsafe) var work: (() -> Void)?

    /// Pause iterations a helper spins for new work before it sleeps (≈ 50–100 µs).
    static let idleSpins = 20_000

    /// Hands `work` to the helper (the caller holds the lanes; one item at a time).
    func post(_ work: @escaping () -> Void) {
        self.work = work
        posted.add(1, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { start.signal() }
    }

    /// Spins (then yields) until the helper has finished everything posted, and clears `work`.
    func waitUntilFinished() {
        let target = posted.load(ordering: .relaxed)
        var spins = 0
        while finished.load(ordering: .acquiring) != target {
            spins += 1
            if spins < 100_000 { svk_spin_pause() } else { sched_yield() }
        }
        work = nil
    }

    /// The helper thread's loop.
    func serve() -> Never {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            while posted.load(ordering: .acquiring) == seen {
                if spins < KernelLane.idleSpins {
                    spins += 1
                    svk_spin_pause()
                    continue
                }
                sleeping.store(true, ordering: .sequentiallyConsistent)
                if posted.load(ordering: .sequentiallyConsistent) != seen,
                   sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    break                   // the item came in time: not asleep, no signal owed
                }
                start.wait()                // the poster took `sleeping` and signals
                break
            }
            seen += 1
            work?()
            finished.store(seen, ordering: .releasing)
        }
    }
}

/// The helper threads of `Parallel`, started on first use (one fewer than the online CPUs, at most 15).
final class KernelHelpers: Sendable {
    static let shared = KernelHelpers()

    let lanes: [KernelLane]
    private let claimed = Mutex(false)

    private init() {
        let cpus = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        lanes = (0..<min(15, cpus - 1)).map { _ in KernelLane() }
        for lane in lanes {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(lane).toOpaque()
            if pthread_create(&thread, nil, { arg in
                Unmanaged<KernelLane>.fromOpaque(arg!).takeUnretainedValue().serve()
            }, context) == 0 {
                pthread_detach(thread)
            }
        }
    }

    /// Takes every helper for one pass; false when another caller has them.
    func claim() -> Bool {
        claimed.withLock { busy in
            if busy { return false }
            busy = true
            return true
        }
    }

    func release() {
        claimed.withLock { $0 = false }
    }
}

@inline(__always) @usableFromInline
func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always) @usableFromInline
func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// SIMD, multi-threaded counterparts of `Kernels`.
public enum FastKernels {
    // MARK: softmax

    /// Softmax of each row in place (max-subtracted), rows split across threads.
    public static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Parallel.rows(rows, cols: cols) { lo, hi in
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

    /// Log-softmax of each row in place: `x − max − log Σ exp(x − max)`, rows split across threads.
    public static func logSoftmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Parallel.rows(rows, cols: cols) { lo, hi in
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
                                 eps: Float, y: UnsafeMutablePointer<Float>) {
        Parallel.rows(rows, cols: cols) { lo, hi in
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

    /// `x = max(x, 0)` in place, split across threads.
    public static func relu(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Parallel.rows(rows, cols: cols) { lo, hi in
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

    /// `y += x` element-wise over `rows · cols` elements, split across threads.
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Parallel.rows(rows, cols: cols) { lo, hi in
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
    public static func fsmnMemory(rows: Int, cols: Int, v: UnsafePointer<Float>, ldv: Int,
                                  taps: UnsafePointer<Float>, kernel: Int, left: Int,
                                  proj: UnsafePointer<Float>, x: UnsafeMutablePointer<Float>, residual: Bool) {
        Parallel.rows(rows, cols: cols * kernel) { lo, hi in
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
