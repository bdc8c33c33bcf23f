// AudioBuffer: decoded audio as the engine consumes it.

/// Mono float32 samples in [-1, 1] at a known sample rate (16 kHz after decoding for the engine).
public struct AudioBuffer: Sendable, Equatable {
    /// The model's sample rate.
    public static let modelSampleRate = 16_000

    public var samples: [Float]
    public var sampleRate: Int
    /// What the decoder noticed but decoded anyway (a cut-off file), one line each; results carry them.
    public var warnings: [String]

    public init(samples: [Float], sampleRate: Int, warnings: [String] = []) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.warnings = warnings
    }

    /// Duration in seconds.
    public var duration: Double { sampleRate > 0 ? Double(samples.count) / Double(sampleRate) : 0 }
    /// Duration in whole milliseconds (truncated).
    public var durationMs: Int { sampleRate > 0 ? samples.count * 1000 / sampleRate : 0 }
}
