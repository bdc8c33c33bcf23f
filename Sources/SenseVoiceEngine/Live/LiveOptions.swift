// Options of one live stream (CLI `stream` flags and the server's stream parameters map onto these).

/// How a live stream is segmented and recognised.
public struct LiveOptions: Sendable, Equatable {
    /// Language, ITN, emotion ban, word times, VAD threshold mode and maximum segment length
    /// (``TranscriptionOptions/maxSegmentMs``: longer speech is cut where the VAD cuts it). The
    /// merge settings do not apply: live segments are never merged.
    public var transcription: TranscriptionOptions
    /// Re-recognise the open segment every this many ms of audio (`partial` events); 0 = no partials.
    public var partialIntervalMs: Int
    /// The streaming VAD's stride in ms (FunASR's online `chunk_size`): speech starts and ends are
    /// decided once per stride.
    public var vadChunkMs: Int
    /// Recognise only the last this many ms of the open segment for a `partial` (0: all of it).
    /// Partials then cost at most a window's recognition however long the speech runs; their
    /// `start_ms` is where the window starts.
    public var partialWindowMs: Int
    /// Announce `segmentEndLikely` when trailing silence makes the segment's end predictable, so
    /// that a scheduler can recognise it before the VAD decides (``LiveSegmenterOutput``).
    public var announceLikelyEnds: Bool

    /// Default ``partialIntervalMs``: one partial per second of speech.
    public static let defaultPartialIntervalMs = 1000
    /// The longest accepted ``partialIntervalMs`` (10 minutes).
    public static let maxPartialIntervalMs = 600_000
    /// A likely end is announced once the silence has run this long (ms)…
    public static let likelyEndMinSilenceMs = 300
    /// …or, if later, this long (ms) before the end threshold: shorter pauses inside speech waste
    /// no recognition, and the remaining wait still covers one recognition.
    public static let likelyEndLeadMs = 800

    public init(transcription: TranscriptionOptions = TranscriptionOptions(),
                partialIntervalMs: Int = LiveOptions.defaultPartialIntervalMs,
                vadChunkMs: Int = StreamingVAD.defaultChunkMs, partialWindowMs: Int = 0, announceLikelyEnds: Bool = false) {
        self.transcription = transcription
        self.partialIntervalMs = partialIntervalMs
        self.vadChunkMs = vadChunkMs
        self.partialWindowMs = partialWindowMs
        self.announceLikelyEnds = announceLikelyEnds
    }

    /// The streaming VAD's options for these live options and a thread budget.
    public func vadOptions(threads: Int) -> VADOptions {
        VADOptions(mode: transcription.vadMode, maxSingleSegmentMs: transcription.maxSegmentMs, threads: threads)
    }

    /// Checks the numeric options.
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the option.
    public func validate() throws {
        try transcription.validate()
        guard (0...Self.maxPartialIntervalMs).contains(partialIntervalMs) else {
            throw SenseVoiceError(.invalidOption, "partial interval \(partialIntervalMs) ms is outside 0…\(Self.maxPartialIntervalMs) ms (0 turns partials off)")
        }
        guard (0...Self.maxPartialIntervalMs).contains(partialWindowMs) else {
            throw SenseVoiceError(.invalidOption, "partial window \(partialWindowMs) ms is outside 0…\(Self.maxPartialIntervalMs) ms (0 recognises the whole open segment)")
        }
    }
}
