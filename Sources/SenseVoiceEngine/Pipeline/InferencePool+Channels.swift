// `--channels split` on the pool: each channel of an upload decoded and recognised on its own.

extension InferencePool {
    /// Decodes and transcribes each channel with `decode` on `session` (a pool thread), reporting
    /// progress like ``decodeAndTranscribe(session:token:file:options:progress:decode:)`` (0.25 once
    /// the first channel is decoded, then by segments over all channels); freed memory goes back
    /// to the system afterwards (``MemoryRelease``).
    static func decodeAndTranscribeChannels(session: RecognitionSession, token: InferenceCancellation, file: String?,
                                            options: TranscriptionOptions, progress: (@Sendable (Double) -> Void)?,
                                            decode: (Int) throws -> ChannelAudio) throws -> TranscriptionResult {
        var seconds = 0.0
        defer { MemoryRelease.afterTranscribing(audioSeconds: seconds) }
        let result = try session.transcribeChannels(
            file: file, options: options,
            progress: { done, total in progress?(0.25 + 0.75 * Double(done) / Double(max(total, 1))) },
            isCancelled: { token.isCancelled }) { channel in
                let audio = try decode(channel)
                seconds = max(seconds, audio.audio.duration)
                try token.check()
                if channel == 0 { progress?(0.25) }
                return audio
            }
        progress?(1)
        return result
    }
}
