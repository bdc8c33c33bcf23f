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
/// Weights are held once. An fp32 layer keeps the float32 tensors (zero-copy views of the
/// checkpoint) and, on the default backend, a ``DNNLLinear`` that computes on them in place. A
/// bf16 / int8 layer keeps only its converted copy in a ``DNNLLinear``: the float32 tensors it was
/// made from are not retained, so the caller can release them (see `FloatStorage.releaseMappedPages()`).
public struct LinearWeights: Sendable {
    public let inFeatures: Int
    public let outFeatures: Int
    public let precision: Precision
    /// fp32 layers only: the float32 weight `[out, in]` and bias `[out]`.
    let float32: (weight: Tensor, bias: Tensor?)?
    /// The oneDNN layer: converted weights (bf16 / int8), or the float32 ones borrowed (fp32).
    let dnnl: DNNLLinear?

    /// The float32 layer: oneDNN's float32 matmul on the weights in place (no copy), or OpenBLAS
    /// `sgemm` (`BLAS.linear`) when ``fp32Backend`` says so or oneDNN cannot take the layer.
    public init(weight: Tensor, bias: Tensor?, fp32Backend: FP32Backend = LinearWeights.fp32Backend) {
        precondition(weight.shape.count == 2, "linear weight must be 2-D, got \(weight.shape)")
        let borrowed = fp32Backend == .onednn ? try? DNNLLinear(precision: Int32(SV_PREC_F32), weight: weight, bias: bias) : nil
        self.init(inFeatures: weight.cols, outFeatures: weight.rows, precision: .fp32, float32: (weight, bias), dnnl: borrowed)
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

    /// The layer converted to `precision` (the float32 layer for `.fp32`). A converted layer keeps
    /// no reference to `weight` or `bias`.
    /// - Throws: `SenseVoiceError` `.invalidOption` when oneDNN cannot take the layer.
    public init(weight: Tensor, bias: Tensor?, precision: Precision) throws {
        if precision == .fp32 {
            self.init(weight: weight, bias: bias)
            return
        }
        precondition(weight.shape.count == 2, "linear weight must be 2-D, got \(weight.shape)")
        let converted = try DNNLLinear(precision: Int32(precision == .bf16 ? SV_PREC_BF16 : SV_PREC_INT8),
                                       weight: weight, bias: bias)
        self.init(inFeatures: weight.cols, outFeatures: weight.rows, precision: precision, float32: nil, dnnl: converted)
    }

    private init(inFeatures: Int, outFeatures: Int, precision: Precision, float32: (weight: Tensor, bias: Tensor?)?,
                 dnnl: DNNLLinear?) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.precision = precision
        self.float32 = float32
        self.dnnl = dnnl
    }

    /// The same layer in another precision.
    /// - Throws: `SenseVoiceError` `.invalidOption` when this layer is already converted (it holds
    ///   no float32 weights to convert from; load the model again) or oneDNN cannot take it.
    public func converted(to precision: Precision) throws -> LinearWeights {
        if precision == self.precision { return self }
        guard let float32 else {
            throw SenseVoiceError(.invalidOption, "a \(self.precision) layer keeps no float32 weights to convert to \(precision); load the model again with that precision")
        }
        return try LinearWeights(weight: float32.weight, bias: float32.bias, precision: precision)
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b` (contiguous rows), then `epilogue` on `y` (fused: each
    /// thread finishes the block it computed).
    ///
    /// oneDNN layers split the rows over up to `threads` threads, each running a single-threaded
    /// matmul on its rows (inputs are converted per row, so the split does not change results);
    /// OpenBLAS layers split the columns.
    /// - Throws: `SenseVoiceError` `.internalError` when oneDNN fails at run time (out of memory) in
    ///   a bf16 / int8 layer. An fp32 layer computes a failed block with OpenBLAS instead.
    public func apply(rows: Int, input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>,
                      epilogue: LinearEpilogue = .none, threads: Int) throws {
        guard let dnnl else {
            let f = float32!
            BLAS.linear(rows: rows, input: x, inFeatures: inFeatures, weight: f.weight, bias: f.bias, output: y,
                        epilogue: epilogue, threads: threads)
            return
        }
        let failure = Atomic<Int32>(0)
        let (k, n, float32) = (inFeatures, outFeatures, float32)
        Parallel.rows(rows, cols: k * n, minWork: BLAS.parallelMinMACs, threads: threads) { lo, hi in
            let status = dnnl.forward(rows: hi - lo, input: x + lo * k, output: y + lo * n)
            if status == 0 {
                if case .none = epilogue { return }
                FastKernels.finishLinear(rows: hi - lo, columns: 0..<n, y: y + lo * n, ldy: n, bias: nil,
                                         epilogue: epilogue.offset(rows: lo, ldy: n))
            } else if let float32 {
                // Nothing was written to this block's memory beyond y: OpenBLAS computes it instead.
                BLAS.gemm(m: hi - lo, n: n, k: k, a: x + lo * k, lda: k, b: float32.weight.pointer, ldb: k, bTransposed: true,
                          c: y + lo * n, ldc: n)
                FastKernels.finishLinear(rows: hi - lo, columns: 0..<n, y: y + lo * n, ldy: n,
                                         bias: float32.bias?.pointer, epilogue: epilogue.offset(rows: lo, ldy: n))
            } else {
                _ = failure.compareExchange(expected: 0, desired: status, ordering: .relaxed)
            }
        }
        let status = failure.load(ordering: .relaxed)
        if status != 0 {
            throw SenseVoiceError(.internalError, "oneDNN failed in a \(n)×\(k) \(precision) linear layer over \(rows) rows (\(DNNLLinear.describe(status))); free some memory and retry, or run with --precision fp32")
        }
    }
}
