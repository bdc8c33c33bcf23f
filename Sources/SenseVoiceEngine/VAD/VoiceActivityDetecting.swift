// Follows the options of funasr/models/fsmn_vad_streaming/model.py (offline inference) and spec §6.6.

/// Which FunASR generation's end-of-speech thresholds the VAD reproduces (spec §6.6).
public enum VADMode: String, Sendable, CaseIterable {
    /// FunASR ≥ 1.3.9 default: 60 s chunk schedule, θ 0.5, end silence from the S(acc) table
    /// (1850 ms for files up to 60 s, shorter when speech runs across chunk boundaries).
    case dynamic
    /// FunASR ≤ 1.3.3: θ = `speech_noise_thres` (0.6), end silence
    /// `max_end_silence_time − speech_to_sil_time_thres` (650 ms).
    case classic
}

/// Per-call VAD options.
public struct VADOptions: Sendable, Equatable {
    /// End-of-speech threshold generation; `.dynamic` by default.
    public var mode: VADMode = .dynamic
    /// Longest segment in ms before a forced split (`max_single_segment_time`). 60000 is the
    /// model's own default; the SenseVoice long-audio pipeline passes 30000.
    public var maxSingleSegmentMs: Int = 60000
    /// Threads the network's products may use: the caller's budget (its session's threads).
    public var threads: Int = 1

    public init(mode: VADMode = .dynamic, maxSingleSegmentMs: Int = 60000, threads: Int = 1) {
        self.mode = mode
        self.maxSingleSegmentMs = maxSingleSegmentMs
        self.threads = threads
    }
}

/// A voice activity detector: finds the speech segments of a recording.
public protocol VoiceActivityDetecting: Sendable {
    /// The speech segments of `samples` as `[[startMs, endMs]]`, in time order.
    ///
    /// - Parameters:
    ///   - samples: 16 kHz mono float samples in [-1, 1].
    ///   - options: threshold mode and maximum segment length.
    /// - Throws: `SenseVoiceError(.invalidOption)` for unusable options.
    func segments(_ samples: [Float], options: VADOptions) throws -> [[Int]]
}
