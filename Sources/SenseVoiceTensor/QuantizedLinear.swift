// LinearWeights: one PyTorch `Linear` layer in fp32 (OpenBLAS) or converted to bf16 / int8 (oneDNN).

internal import CDNNL

/// The weights of a linear layer `y = x · Wᵀ + b` in the form `precision` computes with.
///
/// The float32 tensors are always kept (they are zero-copy views of the checkpoint, and the
/// reference for tests); bf16 / int8 add a converted copy owned by a ``DNNLLinear``.
public struct LinearWeights: Sendable {
    /// `[out, in]` float32.
    public let weight: Tensor
    /// `[out]` float32, or nil.
    public let bias: Tensor?
    public let precision: Precision
    let converted: DNNLLinear?

    public var inFeatures: Int { weight.cols }
    public var outFeatures: Int { weight.rows }

    /// The float32 layer (OpenBLAS sgemm, bit-identical to `BLAS.linear`).
    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
        self.precision = .fp32
        self.converted = nil
    }

    /// The layer converted to `precision` (a no-op for `.fp32`).
    /// - Throws: `SenseVoiceError` `.invalidOption` when oneDNN cannot take the layer.
    public init(weight: Tensor, bias: Tensor?, precision: Precision) throws {
        self.weight = weight
        self.bias = bias
        self.precision = precision
        switch precision {
        case .fp32: converted = nil
        case .bf16: converted = try DNNLLinear(precision: Int32(SV_PREC_BF16), weight: weight, bias: bias)
        case .int8: converted = try DNNLLinear(precision: Int32(SV_PREC_INT8), weight: weight, bias: bias)
        }
    }

    /// The same layer in another precision.
    public func converted(to precision: Precision) throws -> LinearWeights {
        precision == self.precision ? self : try LinearWeights(weight: weight, bias: bias, precision: precision)
    }

    /// Bytes of the weights this layer computes with (float32 tensors for fp32, else the converted copy).
    public var computeBytes: Int {
        converted?.weightBytes ?? (weight.count + (bias?.count ?? 0)) * 4
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b` (contiguous rows).
    public func apply(rows: Int, input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>) {
        if let converted, converted.forward(rows: rows, input: x, output: y) {
            return
        }
        // fp32, or a oneDNN failure at run time (out of memory): the reference path gives the same answer.
        BLAS.linear(rows: rows, input: x, inFeatures: weight.cols, weight: weight, bias: bias, output: y)
    }
}

/// Process-wide settings and statistics of the oneDNN backend.
public enum DNNLRuntime {
    /// Threads oneDNN uses per matmul, for every calling thread.
    public static func setThreads(_ n: Int) { sv_dnnl_set_threads(Int32(max(1, n))) }
    public static var threads: Int { Int(sv_dnnl_threads()) }

    /// Matmul primitives created so far and the seconds spent creating them.
    public static var primitiveStats: (created: Int, seconds: Double) {
        var n: Int32 = 0
        var s: Double = 0
        sv_dnnl_primitive_stats(&n, &s)
        return (Int(n), s)
    }

    /// `x` rounded to bfloat16 and back (round to nearest even), for error analysis.
    public static func roundedToBF16(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                if let s = src.baseAddress, let d = dst.baseAddress { sv_round_bf16(s, d, x.count) }
            }
        }
        return y
    }
}
