// BLAS: thin wrappers over OpenBLAS `cblas_sgemm` with the shapes the encoder uses.

import CBLAS

/// Matrix products through OpenBLAS.
///
/// OpenBLAS itself always runs single-threaded: its idle pthreads spin in `sched_yield` between
/// calls (≈ 10 % of a 2-thread encoder run) and compete with the kernel threads of ``Parallel``.
/// Instead, ``linear(rows:input:inFeatures:weight:bias:output:epilogue:threads:)`` and
/// ``gemmNTColumns`` split the output columns over up to `threads` threads (the caller's budget),
/// each running a single-threaded `sgemm` on its own columns (every element is the same dot
/// product, accumulated in the same order).
public enum BLAS {
    /// Switches OpenBLAS to one thread per call, once, before its first product.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// Below this many multiply-adds a product runs on the calling thread alone.
    public static let parallelMinMACs = 1 << 20

    /// `C[m, n] = alpha · A[m, k] · B[k, n] + beta · C`, or with `bTransposed`
    /// `alpha · A[m, k] · B[n, k]ᵀ + beta · C` — the PyTorch `Linear` product (`B` a weight stored
    /// `[out, in]`). Row-major, leading dimensions in elements; one single-threaded `cblas_sgemm`.
    public static func gemm(m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int, bTransposed: Bool = false,
                            c: UnsafeMutablePointer<Float>, ldc: Int,
                            alpha: Float = 1, beta: Float = 0) {
        guard m > 0, n > 0 else { return }
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, CblasNoTrans, bTransposed ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// ``gemm(m:n:k:a:lda:b:ldb:bTransposed:c:ldc:alpha:beta:)`` of a transposed `B`, with the `n`
    /// output columns split in blocks of 16 over up to `threads` threads (each a single-threaded
    /// `sgemm` over its columns). `finish`, when given, runs on the same thread right after each
    /// block's product, on its columns `lo..<hi` while they are still in cache (bias, activation, residual).
    public static func gemmNTColumns(m: Int, n: Int, k: Int,
                                     a: UnsafePointer<Float>, lda: Int,
                                     b: UnsafePointer<Float>, ldb: Int,
                                     c: UnsafeMutablePointer<Float>, ldc: Int,
                                     alpha: Float = 1, beta: Float = 0, threads: Int,
                                     finish: ((_ lo: Int, _ hi: Int) -> Void)? = nil) {
        guard m > 0, n > 0 else { return }
        let blocks = (n + 15) / 16
        Parallel.rows(blocks, cols: m * k * 16, minWork: parallelMinMACs, threads: threads) { lo, hi in
            let c0 = lo * 16, c1 = min(hi * 16, n)
            guard c0 < c1 else { return }
            gemm(m: m, n: c1 - c0, k: k, a: a, lda: lda, b: b + c0 * ldb, ldb: ldb, bTransposed: true,
                 c: c + c0, ldc: ldc, alpha: alpha, beta: beta)
            finish?(c0, c1)
        }
    }

    /// `y[rows, out] = x[rows, in] · W[out, in]ᵀ + bias[out]` (bias optional), then `epilogue` on `y`.
    /// Each element is its dot product plus the bias, computed on the thread that owns its columns
    /// (up to `threads` threads).
    public static func linear(rows: Int, input x: UnsafePointer<Float>, inFeatures: Int,
                              weight: Tensor, bias: Tensor?, output y: UnsafeMutablePointer<Float>,
                              epilogue: LinearEpilogue = .none, threads: Int) {
        let outFeatures = weight.rows
        precondition(weight.cols == inFeatures, "linear: weight \(weight.shape) does not take \(inFeatures) inputs")
        if let bias {
            precondition(bias.count == outFeatures, "linear: bias \(bias.shape) does not match \(outFeatures) outputs")
        }
        let bp = bias?.pointer
        if bp == nil, case .none = epilogue {
            gemmNTColumns(m: rows, n: outFeatures, k: inFeatures, a: x, lda: inFeatures,
                          b: weight.pointer, ldb: inFeatures, c: y, ldc: outFeatures, beta: 0, threads: threads)
            return
        }
        gemmNTColumns(m: rows, n: outFeatures, k: inFeatures, a: x, lda: inFeatures,
                      b: weight.pointer, ldb: inFeatures, c: y, ldc: outFeatures, beta: 0, threads: threads) { lo, hi in
            FastKernels.finishLinear(rows: rows, columns: lo..<hi, y: y, ldy: outFeatures, bias: bp, epilogue: epilogue)
        }
    }
}
