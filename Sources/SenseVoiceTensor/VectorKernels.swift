// Vector kernels: the element-wise and row-wise passes around the GEMMs (float32, like PyTorch CPU).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Row-wise and element-wise float32 kernels on raw pointers.
public enum Kernels {
    /// LayerNorm over the last dimension: `y = (x − mean) / sqrt(var + eps) · gamma + beta`
    /// (biased variance, as PyTorch). `x` and `y` may alias.
    public static func layerNorm(rows: Int, cols: Int, x: UnsafePointer<Float>,
                                 gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                 eps: Float, y: UnsafeMutablePointer<Float>) {
        let n = Float(cols)
        for r in 0..<rows {
            let xr = x + r * cols
            let yr = y + r * cols
            var sum: Float = 0
            for c in 0..<cols { sum += xr[c] }
            let mean = sum / n
            var sq: Float = 0
            for c in 0..<cols {
                let d = xr[c] - mean
                sq += d * d
            }
            let inv = 1 / (sq / n + eps).squareRoot()
            for c in 0..<cols {
                yr[c] = (xr[c] - mean) * inv * gamma[c] + beta[c]
            }
        }
    }

    /// `x = max(x, 0)` in place.
    public static func reluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count where x[i] < 0 { x[i] = 0 }
    }

    /// `y += x` element-wise.
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += x[i] }
    }

    /// `x *= s` element-wise.
    public static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by s: Float) {
        for i in 0..<count { x[i] *= s }
    }

    /// Softmax of each row in place (max-subtracted).
    public static func softmaxRowsInPlace(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let row = x + r * cols
            var m = -Float.infinity
            for c in 0..<cols where row[c] > m { m = row[c] }
            var sum: Float = 0
            for c in 0..<cols {
                let e = expf(row[c] - m)
                row[c] = e
                sum += e
            }
            let inv = 1 / sum
            for c in 0..<cols { row[c] *= inv }
        }
    }

    /// Log-softmax of one row in place: `x − max − log Σ exp(x − max)`.
    public static func logSoftmaxInPlace(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var m = -Float.infinity
        for c in 0..<count where row[c] > m { m = row[c] }
        var sum: Float = 0
        for c in 0..<count { sum += expf(row[c] - m) }
        let lse = m + logf(sum)
        for c in 0..<count { row[c] -= lse }
    }

    /// Index of the largest element (first on ties), and its value.
    public static func argmax(_ x: UnsafePointer<Float>, count: Int) -> (index: Int, value: Float) {
        var best = 0
        var bv = x[0]
        for i in 1..<count where x[i] > bv {
            bv = x[i]
            best = i
        }
        return (best, bv)
    }
}
