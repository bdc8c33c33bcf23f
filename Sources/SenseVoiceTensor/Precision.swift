// Precision: the arithmetic the encoder's weight-linear layers run in (`--precision`, issue #6).

internal import CDNNL

/// Arithmetic of the linear layers (Q/K/V, output, FFN, CTC head). Weights are converted at load;
/// everything else (LayerNorm, attention, FSMN, softmax) stays float32.
public enum Precision: String, Sendable, CaseIterable, CustomStringConvertible {
    /// float32 OpenBLAS sgemm: the reference path (default).
    case fp32
    /// bfloat16 weights and activations, float32 accumulation (oneDNN; needs AVX512_BF16).
    case bf16
    /// Dynamic int8 for the FFN and CTC head: weights s8 symmetric per output channel, activations
    /// s8 symmetric per row (u8 when non-negative, e.g. after ReLU), s32 accumulation, dequantised to
    /// float32 with the bias in one pass (oneDNN; VNNI when present). The attention projections run
    /// in bf16 where the CPU has it, else fp32 (see `SenseVoiceModel.converted(to:)`).
    case int8

    public var description: String { rawValue }

    /// Parses `fp32`, `bf16` or `int8` (also `f32`, `float32`, `bfloat16`).
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "fp32", "f32", "float32": self = .fp32
        case "bf16", "bfloat16": self = .bf16
        case "int8", "i8", "q8": self = .int8
        default:
            throw SenseVoiceError(.invalidOption, "unknown precision '\(text)': use fp32, bf16 or int8")
        }
    }

    /// Checks that this CPU can run the precision.
    ///
    /// bf16 needs AVX512_BF16: without it oneDNN would emulate bf16 more slowly than fp32, so this
    /// is an error naming the alternative. int8 runs everywhere (oneDNN falls back from VNNI to
    /// AVX-512/AVX2 kernels); ``CPUFeatures/note(for:)`` says when it will be slow.
    public func checkSupported(_ cpu: CPUFeatures = .current) throws {
        if self == .bf16 && !cpu.avx512BF16 {
            throw SenseVoiceError(.invalidOption, "--precision bf16 needs a CPU with AVX512_BF16, which this one lacks (oneDNN ISA: \(cpu.dnnlISA)); use --precision int8 or fp32")
        }
    }
}

/// Instruction-set features that decide which reduced-precision kernels run (read at run time).
public struct CPUFeatures: Sendable, CustomStringConvertible {
    public let avx512BF16: Bool
    public let avx512VNNI: Bool
    public let avx512BW: Bool
    /// The best instruction set oneDNN dispatches to, e.g. `avx512_core_bf16`.
    public let dnnlISA: String

    public static let current = CPUFeatures(avx512BF16: sv_cpu_has_avx512_bf16() != 0,
                                            avx512VNNI: sv_cpu_has_avx512_vnni() != 0,
                                            avx512BW: sv_cpu_has_avx512_bw() != 0,
                                            dnnlISA: String(cString: sv_dnnl_isa()))

    public init(avx512BF16: Bool, avx512VNNI: Bool, avx512BW: Bool, dnnlISA: String) {
        self.avx512BF16 = avx512BF16
        self.avx512VNNI = avx512VNNI
        self.avx512BW = avx512BW
        self.dnnlISA = dnnlISA
    }

    public var description: String {
        "avx512_bf16=\(avx512BF16) avx512_vnni=\(avx512VNNI) avx512bw=\(avx512BW) onednn=\(dnnlISA)"
    }

    /// A line worth printing for `precision` on this CPU (slow fallbacks), or nil.
    public func note(for precision: Precision) -> String? {
        if precision == .int8 && !avx512VNNI {
            return "note: this CPU has no AVX512_VNNI; int8 runs on oneDNN's generic kernels and may not beat fp32"
        }
        return nil
    }
}
