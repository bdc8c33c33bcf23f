// BLAS: thin wrappers over OpenBLAS `cblas_sgemm` with the shapes the encoder uses.

import CBLAS

/// Matrix products through OpenBLAS.
public enum BLAS {
    /// Sets the number of threads OpenBLAS (and oneDNN, for bf16/int8) uses for every following call (process-wide).
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
        DNNLRuntime.setThreads(n)
    }

    /// Sets OpenBLAS's thread count alone (oneDNN's is left as it is), for a region that shares
    /// work out over its own threads.
    public static func setOpenBLASThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// `C[m, n] = alpha · A[m, k] · B[n, k]ᵀ + beta · C` — the PyTorch `Linear` product
    /// (`B` is a weight stored `[out, in]`). Leading dimensions are given in elements.
    public static func gemmNT(m: Int, n: Int, k: Int,
                              a: UnsafePointer<Float>, lda: Int,
                              b: UnsafePointer<Float>, ldb: Int,
                              c: UnsafeMutablePointer<Float>, ldc: Int,
                              alpha: Float = 1, beta: Float = 0) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C[m, n] = alpha · A[m, k] · B[k, n] + beta · C` (both operands row-major, untransposed).
    public static func gemmNN(m: Int, n: Int, k: Int,
                              a: UnsafePointer<Float>, lda: Int,
                              b: UnsafePointer<Float>, ldb: Int,
                              c: UnsafeMutablePointer<Float>, ldc: Int,
                              alpha: Float = 1, beta: Float = 0) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y[rows, out] = x[rows, in] · W[out, in]ᵀ + bias[out]` (bias optional).
    public static func linear(rows: Int, input x: UnsafePointer<Float>, inFeatures: Int,
                              weight: Tensor, bias: Tensor?, output y: UnsafeMutablePointer<Float>) {
        let outFeatures = weight.rows
        precondition(weight.cols == inFeatures, "linear: weight \(weight.shape) does not take \(inFeatures) inputs")
        if let bias {
            precondition(bias.count == outFeatures, "linear: bias \(bias.shape) does not match \(outFeatures) outputs")
            let bp = bias.pointer
            for r in 0..<rows {
                (y + r * outFeatures).update(from: bp, count: outFeatures)
            }
            gemmNT(m: rows, n: outFeatures, k: inFeatures, a: x, lda: inFeatures,
                   b: weight.pointer, ldb: inFeatures, c: y, ldc: outFeatures, beta: 1)
        } else {
            gemmNT(m: rows, n: outFeatures, k: inFeatures, a: x, lda: inFeatures,
                   b: weight.pointer, ldb: inFeatures, c: y, ldc: outFeatures, beta: 0)
        }
    }
}
