// What bf16 and int8 are held to on the tiny fixture model (Tests/Fixtures/golden/README.md,
// docs/decisions.md "Reduced precision on the tiny test model"): shared by the engine's closeness
// tests, which measure it, and the CLI tests, which rely on it to compare transcripts with goldens.

import SenseVoiceTensor

/// Bounds of the reduced precisions on the tiny fixture model, keyed by precision name.
public enum ReducedPrecisionBounds {
    /// Whether this CPU runs bf16 (AVX512_BF16); the bf16 cases are recorded as skipped elsewhere.
    public static var bf16Supported: Bool { CPUFeatures.current.avx512BF16 }

    /// The speech clips the bounds are measured on.
    public static let speechClips = ["en", "zh", "yue", "ja", "ko"]

    /// Encoder-output relative RMS error against fp32, per clip.
    public static let tinyEncoderRelativeRMS: [String: Double] = ["bf16": 1e-2, "int8": 1e-2]

    /// The largest `|log p − log p₃₂|` over every frame and token of a clip (language auto, ITN).
    public static let tinyLogProbabilityChange: [String: Float] = ["bf16": 1, "int8": 1]

    /// The golden `min_top2_margin` above which a transcript in this precision must equal the golden
    /// exactly: no greedy id can change where the gap exceeds twice the largest log-probability
    /// change, counting the golden's own top-5 log-probability tolerance (2e-3) as part of it.
    public static func exactMargin(_ precision: String) -> Double? {
        tinyLogProbabilityChange[precision].map { 2 * (Double($0) + 2e-3) }
    }
}
