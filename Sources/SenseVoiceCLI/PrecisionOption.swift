// `--precision fp32|bf16|int8`, shared by transcribe, serve and bench.

import ArgumentParser
import SenseVoiceEngine

enum PrecisionOption {
    static let help: ArgumentHelp = "Linear-layer arithmetic: fp32 (reference), bf16 (needs AVX512_BF16) or int8 (dynamic quantisation; fastest with AVX512_VNNI). Weights are converted at load."

    /// The parsed precision, or a validation error naming the choices.
    static func parse(_ text: String) throws -> Precision {
        do { return try Precision(parsing: text) } catch let e as SenseVoiceError { throw ValidationError(e.message) }
    }

    /// A line to print before running `precision` on this CPU (slow fallbacks), or nil.
    static func note(_ precision: Precision) -> String? {
        CPUFeatures.current.note(for: precision)
    }
}
