// The smallest eigenpairs of a symmetric matrix (scipy.linalg.eigh's role in FunASR's SpectralCluster), via LAPACK dsyevr.

import CBLAS
import SenseVoiceTensor

/// The smallest eigenvalues and their eigenvectors of a real symmetric matrix, from LAPACK's
/// `dsyevr` (which libopenblas exports), computing only the pairs asked for.
struct SymmetricEigen {
    /// Eigenvalues in ascending order.
    let values: [Double]
    /// `vectors[j]` is the unit eigenvector of `values[j]` (length n).
    let vectors: [[Double]]

    /// The `count` smallest eigenpairs of the `n × n` symmetric matrix `matrix` (row-major; only
    /// symmetry is assumed).
    /// - Throws: `SenseVoiceError(.internalError)` when LAPACK reports a failure.
    init(symmetric matrix: [Double], n: Int, count: Int) throws {
        precondition(matrix.count == n * n && count >= 1 && count <= n)
        var a = matrix
        var jobz = Int8(UInt8(ascii: "V")), range = Int8(UInt8(ascii: "I")), uplo = Int8(UInt8(ascii: "L"))
        var nn = Int32(n), lda = Int32(n), ldz = Int32(n)
        var vl = 0.0, vu = 0.0, abstol = 0.0
        var il: Int32 = 1, iu = Int32(count)
        var found: Int32 = 0, info: Int32 = 0
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n * count)
        var isuppz = [Int32](repeating: 0, count: 2 * max(count, 1))
        // Workspace query, then the decomposition.
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workSize = 0.0
        var iworkSize: Int32 = 0
        dsyevr_(&jobz, &range, &uplo, &nn, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz,
                &isuppz, &workSize, &lwork, &iworkSize, &liwork, &info)
        guard info == 0 else {
            throw SenseVoiceError(.internalError, "LAPACK dsyevr workspace query failed (info \(info))")
        }
        lwork = Int32(workSize.rounded(.up))
        liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevr_(&jobz, &range, &uplo, &nn, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz,
                &isuppz, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0, Int(found) == count else {
            throw SenseVoiceError(.internalError, "LAPACK dsyevr failed on a \(n)×\(n) speaker affinity (info \(info))")
        }
        values = Array(w.prefix(count))
        vectors = (0..<count).map { j in Array(z[(j * n)..<((j + 1) * n)]) }
    }
}
