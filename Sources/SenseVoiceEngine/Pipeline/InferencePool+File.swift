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
        try await transcribe(file: displayName, options: options, cancellation: cancellation, progress: progress,
                             whole: { try decoder.decode(path: path, displayName: displayName) },
                             channel: { try decoder.decode(path: path, displayName: displayName, channel: $0) })
    }

    /// One recording's work on a pool thread: each channel on its own when `options.channels`
    /// asks for it (`channel` decodes channel n), else the mix (`whole` decodes it).
    func transcribe(file: String?, options: TranscriptionOptions, cancellation: InferenceCancellation?,
                    progress: (@Sendable (Double) -> Void)?,
                    whole: @escaping @Sendable () throws -> AudioBuffer,
                    channel: @escaping @Sendable (Int) throws -> ChannelAudio) async throws -> TranscriptionResult
    {
        try await run(cancellation: cancellation) { session, token in
            if options.channels != nil {
                return try Self.decodeAndTranscribeChannels(session: session, token: token, file: file, options: options,
                                                            progress: progress, decode: channel)
            }
            return try Self.decodeAndTranscribe(session: session, token: token, file: file, options: options,
                                                progress: progress, decode: whole)
        }
    }

    /// Decodes with `decode` and transcribes on `session` (a pool thread), reporting progress
    /// (0.25 once decoded, then by segments); after a long recording the freed memory goes back
    /// to the system (``MemoryRelease``), also when the work failed or was cancelled.
    static func decodeAndTranscribe(session: RecognitionSession, token: InferenceCancellation, file: String?,
                                    options: TranscriptionOptions, progress: (@Sendable (Double) -> Void)?,
                                    decode: () throws -> AudioBuffer) throws -> TranscriptionResult {
        var seconds = 0.0
        defer { MemoryRelease.afterTranscribing(audioSeconds: seconds) }
        // The samples live in this function only, so they are freed before the trim above.
        func once() throws -> TranscriptionResult {
            let clock = Stopwatch()
            let audio = try decode()
            seconds = audio.duration
            let decodeSeconds = clock.seconds
            try token.check()
            progress?(0.25)
            let result = try session.transcribe(
                audio, file: file, options: options, decodeSeconds: decodeSeconds,
                progress: { done, total in progress?(0.25 + 0.75 * Double(done) / Double(max(total, 1))) },
                isCancelled: { token.isCancelled })
            progress?(1)
            return result
        }
        return try once()
    }
}
