// LinearWeights: one PyTorch `Linear` layer in fp32 (oneDNN or OpenBLAS) or converted to bf16 / int8 (oneDNN).

internal import CDNNL
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The weights of a linear layer `y = x · Wᵀ + b` in the form `precision` computes with.
///
/// The float32 tensors are always kept (they are zero-copy views of the checkpoint, and the
/// reference for tests); bf16 / int8 add a converted copy owned by a ``DNNLLinear``, and fp32 a
/// ``DNNLLinear`` that computes on the float32 tensors in place.
public struct LinearWeights: Sendable {
    /// `[out, in]` float32.
    public let weight: Tensor
    /// `[out]` float32, or nil.
    public let bias: Tensor?
    public let precision: Precision
    let converted: DNNLLinear?

    public var inFeatures: Int { weight.cols }
    public var outFeatures: Int { weight.rows }

    /// The float32 layer: oneDNN's float32 matmul on the weights in place (no copy), or OpenBLAS
    /// `sgemm` (`BLAS.linear`) when ``fp32Backend`` says so or oneDNN cannot take the layer.
    public init(weight: Tensor, bias: Tensor?, fp32Backend: FP32Backend = LinearWeights.fp32Backend) {
        self.weight = weight
        self.bias = bias
        self.precision = .fp32
        self.converted = fp32Backend == .onednn
            ? try? DNNLLinear(precision: Int32(SV_PREC_F32), weight: weight, bias: bias) : nil
    }

    /// Which library computes float32 linear layers.
    public enum FP32Backend: String, Sendable {
        /// oneDNN's brgemm matmul (single-threaded calls on row blocks): ≈ 110 GFLOP/s per core here
        /// against OpenBLAS's ≈ 95 for the encoder's shapes (docs/performance.md).
        case onednn
        /// OpenBLAS `sgemm` on column blocks.
        case openblas
    }

    /// `SENSEVOICE_FP32_GEMM=openblas|onednn` (default onednn), read once.
    public static let fp32Backend: FP32Backend = {
        guard let raw = getenv("SENSEVOICE_FP32_GEMM") else { return .onednn }
        return FP32Backend(rawValue: String(cString: raw).lowercased()) ?? .onednn
    }()

    /// The layer converted to `precision` (a no-op for `.fp32`).
    /// - Throws: `SenseVoiceError` `.invalidOption` when oneDNN cannot take the layer.
    public init(weight: Tensor, bias: Tensor?, precision: Precision) throws {
        if precision == .fp32 {
            // The same float32 layer as the plain initialiser (oneDNN by default), so that a model
            // converted back to fp32 computes bit for bit what the fp32 model does.
            self = LinearWeights(weight: weight, bias: bias)
            return
        }
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
        precision == .fp32 ? (weight.count + (bias?.count ?? 0)) * 4 : converted?.weightBytes ?? 0
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b` (contiguous rows).
    ///
    /// `epilogue` follows on `y` (fused: each thread finishes the block it computed).
    ///
    /// bf16 / int8: the rows are split over ``Parallel``'s threads, each running a single-threaded
    /// oneDNN matmul on its rows (inputs are converted per row, so the split does not change results).
    public func apply(rows: Int, input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>,
                      epilogue: LinearEpilogue = .none) {
        if let converted {
            let failed = Atomic<Bool>(false)
            let (k, n) = (inFeatures, outFeatures)
            Parallel.rows(rows, cols: k * n, minWork: BLAS.parallelMinMACs) { lo, hi in
                guard converted.forward(rows: hi - lo, input: x + lo * k, output: y + lo * n) else {
                    failed.store(true, ordering: .relaxed)
                    return
                }
                if case .none = epilogue { return }
                FastKernels.finishLinear(rows: hi - lo, columns: 0..<n, y: y + lo * n, ldy: n, bias: nil,
                                         epilogue: epilogue.offset(rows: lo, ldy: n))
            }
            if !failed.load(ordering: .relaxed) { return }
            // A oneDNN failure at run time (out of memory): the reference path gives the same answer.
            // No epilogue has run on a slice that failed, but one may have run on others, so an
            // accumulating epilogue cannot simply be repeated; such failures are reported instead.
            precondition(!epilogue.accumulates, "oneDNN failed in a layer whose epilogue accumulates")
        }
        BLAS.linear(rows: rows, input: x, inFeatures: weight.cols, weight: weight, bias: bias, output: y,
                    epilogue: epilogue)
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

/// What a linear layer does to its output `y` right after the product (and bias), fused into the
/// same pass over each block.
public enum LinearEpilogue: @unchecked Sendable {
    /// `y` as computed.
    case none
    /// `y = max(y, 0)`.
    case relu
    /// `residual[r, c] += y[r, c]` (`residual` with the same shape and row stride as `y`); `y` keeps the product.
    case addInto(UnsafeMutablePointer<Float>)

    /// Whether the epilogue changes memory other than `y` (so it must run exactly once).
    var accumulates: Bool {
        if case .addInto = self { return true }
        return false
    }

    /// The same epilogue for a block starting at row `rows` of `y` (row stride `ldy`).
    func offset(rows: Int, ldy: Int) -> LinearEpilogue {
        if case .addInto(let p) = self { return .addInto(p + rows * ldy) }
        return self
    }
}
