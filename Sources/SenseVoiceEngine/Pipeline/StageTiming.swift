// One pipeline stage's run, as a transcription reports it to an observer (the bench's per-stage timings).

/// How long one stage of a transcription took and how much it produced, reported to
/// ``RecognitionSession/transcribe(_:file:options:decodeSeconds:progress:isCancelled:observe:)``'s
/// `observe` as the stage finishes.
public struct StageTiming: Sendable, Equatable {
    /// The stages that report.
    public enum Stage: String, Sendable {
        /// VAD and merging, once per file; `count` is the segments to recognise.
        case vad
        /// The feature stage over one batch; `count` is the segments in the batch.
        case features
        /// Encoder and CTC decoding over one batch; `count` is the encoder frames.
        case encoder
    }

    /// Which stage ran.
    public var stage: Stage
    /// Wall-clock seconds it took.
    public var seconds: Double
    /// What it produced (see ``Stage``).
    public var count: Int
}
