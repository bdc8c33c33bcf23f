// A live transcription in line: LiveSegmenter's outputs recognised with one RecognitionSession.

/// Live transcription of one stream on the calling thread: PCM in, ``LiveEvent``s out.
///
/// Wraps a ``LiveSegmenter`` (resampling, streaming VAD, cutting) and a ``RecognitionSession``:
/// each `partialDue` becomes a `partial` (skipped when a newer partial or the segment's end
/// follows in the same batch of outputs), each `segmentClosed` a `final` whose text is exactly
/// that of offline recognition of the same samples. Recognition runs in ``feed(_:)``, so keep
/// one session per thread, like ``RecognitionSession``; a server that schedules recognition
/// itself uses ``LiveSegmenter`` and ``RecognitionSession/recognizeSegment(_:options:)`` instead.
public struct LiveSession {
    /// The session that recognises the segments.
    public let session: RecognitionSession
    /// The recognition-free half.
    public private(set) var segmenter: LiveSegmenter

    /// A live transcription with an explicit VAD model.
    /// - Throws: `SenseVoiceError(.invalidOption)` for a sample rate out of range or invalid options.
    public init(session: RecognitionSession, vad: FSMNVAD, inputSampleRate: Int, options: LiveOptions) throws {
        self.session = session
        var options = options
        options.transcription.denoise = session.denoiseMethod(for: options.transcription)  // nil: the engine's --denoise
        segmenter = try LiveSegmenter(vad: vad, inputSampleRate: inputSampleRate, options: options,
                                      threads: session.threads)
    }

    /// A live transcription with the VAD of the session's transcriber.
    /// - Throws: `SenseVoiceError(.invalidOption)` when the transcriber has no FSMN-VAD model,
    ///   for a sample rate out of range or invalid options.
    public init(session: RecognitionSession, inputSampleRate: Int, options: LiveOptions) throws {
        guard let vad = session.transcriber.vad as? FSMNVAD else {
            throw SenseVoiceError(.invalidOption, "live transcription needs the FSMN-VAD model; pass --vad-model DIR (a folder with config.yaml, model.pt, am.mvn)")
        }
        try self.init(session: session, vad: vad, inputSampleRate: inputSampleRate, options: options)
    }

    /// The live options.
    public var options: LiveOptions { segmenter.options }

    /// Feeds PCM samples at the input rate and returns the events they completed.
    /// - Throws: what ``LiveSegmenter/feed(_:)`` throws, or a recognition error.
    public mutating func feed(_ samples: [Float]) throws -> [LiveEvent] {
        try events(for: segmenter.feed(samples))
    }

    /// Ends the stream: the last segment's `final` if speech was open, then `done`.
    /// - Throws: a recognition error.
    public mutating func finish() throws -> [LiveEvent] {
        try events(for: segmenter.finish())
    }

    /// Recognises a batch of segmenter outputs; a `partialDue` followed in the batch by another
    /// `partialDue` or a `segmentClosed` is superseded and skipped.
    public func events(for outputs: [LiveSegmenterOutput]) throws -> [LiveEvent] {
        var events: [LiveEvent] = []
        let options = segmenter.options.transcription
        for (i, output) in outputs.enumerated() {
            switch output {
            case .speechStarted(let ms):
                events.append(.speechStarted(startMs: ms))
            case .partialDue(let audio):
                let superseded = outputs[(i + 1)...].contains {
                    if case .partialDue = $0 { return true }
                    if case .segmentClosed = $0 { return true }
                    return false
                }
                if !superseded, let segment = try session.recognizeSegment(audio, options: options) {
                    events.append(.partial(segment))
                }
            case .segmentEndLikely:
                // Recognition runs in line here: nothing to gain from starting early.
                break
            case .segmentClosed(let audio):
                if let segment = try session.recognizeSegment(audio, options: options) { events.append(.final(segment)) }
            case .done(let ms):
                events.append(.done(durationMs: ms))
            }
        }
        return events
    }
}
