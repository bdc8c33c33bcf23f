// Follows funasr/auto/auto_model.py: inference_with_vad (whole-file path until VAD is attached); spec §7.

/// Turns decoded audio into a `TranscriptionResult`.
public struct Transcriber: Sendable {
    public let bundle: SenseVoice

    public init(bundle: SenseVoice) {
        self.bundle = bundle
    }

    /// Transcribes 16 kHz mono audio as one segment.
    /// - Parameters:
    ///   - audio: decoded audio at the model's sample rate.
    ///   - file: name reported in the result.
    ///   - session: the caller's inference session (scratch memory).
    ///   - decodeSeconds: time already spent decoding the file, for the timings.
    public func transcribe(_ audio: AudioBuffer, file: String?, options: TranscriptionOptions,
                           session: RecognitionSession, decodeSeconds: Double = 0) throws -> TranscriptionResult {
        guard audio.sampleRate == bundle.config.frontend.sampleRate else {
            throw SenseVoiceError(.invalidOption, "audio is at \(audio.sampleRate) Hz; the model needs \(bundle.config.frontend.sampleRate) Hz (decode with AudioDecoder to resample)")
        }
        guard !audio.samples.isEmpty else {
            throw SenseVoiceError(.audioEmpty, "\(file ?? "audio") has no samples")
        }
        let clock = Stopwatch()
        let r = session.recognize(audio.samples, options: options)
        var segment = SegmentResult(startMs: 0, endMs: audio.durationMs, recognition: r)
        if options.timestamps { segment.words = [] }
        var timings = Timings()
        timings.decodeMs = decodeSeconds * 1000
        timings.featuresMs = r.featuresSeconds * 1000
        timings.encoderMs = r.encoderSeconds * 1000
        timings.totalMs = (clock.seconds + decodeSeconds) * 1000
        timings.rtf = audio.duration > 0 ? timings.totalMs / 1000 / audio.duration : 0
        return TranscriptionResult(file: file, durationMs: audio.durationMs, segments: [segment], timings: timings)
    }
}
