// Transcribing an upload that waits on disk (the server spools request bodies to files).

extension InferencePool {
    /// Decodes a file and transcribes it on a pool thread; the file is read only once a thread
    /// takes the work, so uploads waiting for a thread hold no memory.
    ///
    /// - Parameters:
    ///   - path: the file (its name is not shown to anyone).
    ///   - displayName: the client's name for it; used in messages and the result.
    ///   - options: language, ITN and the other decoding options.
    ///   - decoder: the audio stage (its options carry the duration limit and strictness).
    ///   - cancellation: checked after decoding and between segments.
    ///   - progress: called on the pool thread with the fraction done (0...1).
    /// - Throws: `SenseVoiceError` from decoding or recognition, `.cancelled` when cancelled.
    public func transcribe(path: String, displayName: String, options: TranscriptionOptions,
                           decoder: any AudioDecoding, cancellation: InferenceCancellation? = nil,
                           progress: (@Sendable (Double) -> Void)? = nil) async throws -> TranscriptionResult
    {
        try await run(cancellation: cancellation) { session, token in
            let clock = Stopwatch()
            let audio = try decoder.decode(path: path, displayName: displayName)
            let decodeSeconds = clock.seconds
            try token.check()
            progress?(0.25)
            let result = try session.transcribe(
                audio, file: displayName, options: options, decodeSeconds: decodeSeconds,
                progress: { done, total in progress?(0.25 + 0.75 * Double(done) / Double(max(total, 1))) },
                isCancelled: { token.isCancelled })
            progress?(1)
            return result
        }
    }
}
