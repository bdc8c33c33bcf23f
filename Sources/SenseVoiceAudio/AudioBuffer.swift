// AudioBuffer: decoded audio as the engine consumes it.

/// Mono float32 samples in [-1, 1] at a known sample rate (16 kHz after decoding for the engine).
public struct AudioBuffer: Sendable, Equatable {
    /// The model's sample rate.
    public static let modelSampleRate = 16_000

    public var samples: [Float]
    public var sampleRate: Int

    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Duration in seconds.
    public var duration: Double { sampleRate > 0 ? Double(samples.count) / Double(sampleRate) : 0 }
    /// Duration in whole milliseconds (truncated).
    public var durationMs: Int { sampleRate > 0 ? samples.count * 1000 / sampleRate : 0 }
}
