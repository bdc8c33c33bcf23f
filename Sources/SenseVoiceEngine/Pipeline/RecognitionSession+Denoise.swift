// The optional denoiser in front of offline recognition (`--denoise`, a request's `denoise`).

extension RecognitionSession {
    /// The denoiser a request runs: its own choice, else the engine's default.
    public func denoiseMethod(for options: TranscriptionOptions) -> DenoiseMethod {
        options.denoise ?? transcriber.configuration.denoise
    }

    /// `audio` denoised with the request's method (unchanged, not copied, when it is off), and the
    /// seconds it took. The whole recording goes through one filter, which gives the samples a
    /// live stream denoised chunk by chunk gets (``Denoiser`` is chunk-independent).
    /// - Throws: `SenseVoiceError(.invalidOption)` for an RNNoise model that is missing or does not
    ///   load, `.internalError` when FFmpeg cannot run the filter.
    func denoised(_ audio: AudioBuffer, options: TranscriptionOptions) throws -> (AudioBuffer, Double) {
        let method = denoiseMethod(for: options)
        guard method != .off else { return (audio, 0) }
        let clock = Stopwatch()
        var out = audio
        out.samples = try Denoiser.apply(method, to: audio.samples, sampleRate: audio.sampleRate)
        return (out, clock.seconds)
    }
}
