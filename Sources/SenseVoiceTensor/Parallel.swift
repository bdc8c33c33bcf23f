// Parallel: the encoder's own threading. Splits a pass's rows over the caller and long-lived helper
// threads (`KernelHelpers`), as many as the caller's thread budget allows.

/// Splits row ranges across threads: the encoder's GEMMs and the passes around them.
///
/// The extra threads are a few long-lived helper threads of this module (``KernelHelpers``, not
/// libdispatch's worker pool, whose threads would otherwise show up in callers' thread-local
/// state): a caller claims them all, hands each a row range, does the first range itself and waits.
/// A second caller that finds them claimed (several inference threads at once) runs its pass alone.
///
/// How many threads a pass may use is the caller's budget (`threads`), which an `EncoderSession`
/// carries for its whole life; nothing here is process-wide except the helper threads themselves.
///
/// An encoder pass is hundreds of short parallel regions (≈ 10 per layer), so hand-offs spin
/// briefly instead of sleeping at once (see ``KernelLane``).
public enum Parallel {
    /// The most threads a pass can use on this machine: the caller plus every helper thread.
    public static var maxThreads: Int { KernelHelpers.shared.lanes.count + 1 }

    /// Calls `body(lo, hi)` on disjoint row ranges covering `0..<rows`, on up to `threads` threads
    /// when the pass has at least `minWork` elements (`rows · cols`), else once on the caller's thread.
    ///
    /// `body` is called concurrently, so it must only touch the rows it is given (every kernel here
    /// writes rows `lo..<hi` of its output and reads shared inputs); every call has finished when
    /// this function returns, so nothing outlives it.
    /// - Parameters:
    ///   - threads: the caller's thread budget (1 runs everything on the calling thread).
    public static func rows(_ rows: Int, cols: Int, minWork: Int = 32_768, threads: Int,
                            _ body: (Int, Int) -> Void) {
        if threads <= 1 || rows <= 1 || rows * cols < minWork {
            body(0, rows)
            return
        }
        let helpers = KernelHelpers.shared
        let w = min(threads, rows, helpers.lanes.count + 1)
        if w <= 1 || !helpers.claim() {
            body(0, rows)
            return
        }
        defer { helpers.release() }
        // The kernels' closures capture raw pointers, which are not Sendable; the disjoint row
        // ranges and the wait below are what make the concurrent calls safe. This is the one place
        // the package steps outside the compiler's checking for it.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            for i in 1..<w {
                let lo = rows * i / w, hi = rows * (i + 1) / w
                helpers.lanes[i - 1].post { body(lo, hi) }
            }
            body(0, rows / w)
            for i in 1..<w {
                helpers.lanes[i - 1].waitUntilFinished()
            }
        }
    }
}
