// Recognition of one live segment (or the open part of one) as a segment of the JSON result.

extension RecognitionSession {
    /// Recognises a live segment exactly as offline recognition of the same samples
    /// (``recognize(_:options:)``), as a ``SegmentResult`` placed at its time in the stream.
    ///
    /// - Parameters:
    ///   - audio: the segment's 16 kHz samples and times (``LiveSegmenterOutput``).
    ///   - options: language, ITN, emotion ban, and word times (``TranscriptionOptions/timestamps``).
    ///   - threads: the encoder's thread budget for this call (nil: the session's); the result
    ///     is the same with any budget.
    ///   - isCancelled: asked between encoder layers; true stops the recognition (a partial
    ///     giving way to a final).
    /// - Returns: nil for audio too short to hold one feature frame (fewer than 2 samples).
    /// - Throws: `SenseVoiceError(.internalError)` when the encoder fails at run time,
    ///   `.cancelled` when `isCancelled` said so.
    public func recognizeSegment(_ audio: LiveAudio, options: TranscriptionOptions, threads: Int? = nil,
                                 isCancelled: (() -> Bool)? = nil) throws -> SegmentResult? {
        guard audio.samples.count >= 2 else { return nil }
        let r = try recognize(audio.samples, options: options, threads: threads ?? self.threads, isCancelled: isCancelled)
        let words = r.words?.map { $0.shifted(by: audio.startMs) }
        return SegmentResult(startMs: audio.startMs, endMs: audio.endMs, recognition: r, words: words)
    }
}
