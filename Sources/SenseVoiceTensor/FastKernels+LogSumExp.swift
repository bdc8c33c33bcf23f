// The log-sum-exp of a row, as the log-softmax kernels compute it (for decoders that read a few
// log-probabilities of a row without writing the row).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FastKernels {
    /// `log Σ exp(row[i])`, computed exactly as ``logSoftmaxRows(_:rows:cols:threads:)`` does, so
    /// `row[i] − logSumExp` is bit for bit that kernel's log-probability.
    public static func logSumExp(_ row: UnsafePointer<Float>, count n: Int) -> Float {
        let m = maximum(row, count: n)
        return m + logf(sumExp(row, count: n, shift: m))
    }
}
