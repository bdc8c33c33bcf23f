// The pipeline, assembled once: feature, acoustic-encoder, CTC and VAD stages plus a configuration.

/// Audio in, ``TranscriptionResult`` out: the stages and settings every transcription of a
/// process shares, built once and handed to each thread as a ``RecognitionSession``.
///
/// Build it from a loaded model (``init(bundle:vad:configuration:)``), from a configuration
/// that names the model directories (``init(configuration:)``, which loads them), or stage by
/// stage (a new encoder backend, fakes in tests). Per-thread state (scratch memory) lives only in
/// the sessions ``makeSession()`` hands out, so a session always runs this transcriber's model.
public struct Transcriber: Sendable {
    /// The feature stage: samples → `[T6, 560]`.
    public let frontend: any FeatureExtracting
    /// The acoustic encoder stage's shared half; each session gets its own encoder from it.
    public let acousticModel: any AcousticModel
    /// The CTC decoding stage.
    public let decoder: any CTCDecoding
    /// Token ids → text.
    public let tokenizer: SentencePieceModel
    /// The segmenter; nil runs the whole file through the encoder at once.
    public let vad: (any VoiceActivityDetecting)?
    /// Threads, long-audio limits and batching.
    public let configuration: EngineConfiguration
    /// Where the model came from (`/ready`, logs).
    public let modelDirectory: String
    /// Seconds spent loading the model (0 when it was handed in loaded).
    public let loadSeconds: Double
    /// The speaker-diarization stage, when a CAM++ model is loaded
    /// (``EngineConfiguration/speakerModelDirectory``); used by requests with ``TranscriptionOptions/diarization``.
    public var diarizer: Diarizer? = nil

    /// A transcriber from its stages.
    /// - Parameters:
    ///   - modelDirectory: where the model came from, for reports.
    ///   - loadSeconds: time spent loading it, for reports.
    public init(frontend: any FeatureExtracting, acousticModel: any AcousticModel,
                decoder: any CTCDecoding = CTCGreedyDecoder(), tokenizer: SentencePieceModel,
                vad: (any VoiceActivityDetecting)? = nil, configuration: EngineConfiguration = EngineConfiguration(),
                modelDirectory: String = "<memory>", loadSeconds: Double = 0) {
        self.frontend = frontend
        self.acousticModel = acousticModel
        self.decoder = decoder
        self.tokenizer = tokenizer
        self.vad = vad
        self.configuration = configuration
        self.modelDirectory = modelDirectory
        self.loadSeconds = loadSeconds
    }

    /// A transcriber over a loaded SenseVoiceSmall directory: its frontend, CPU encoder and
    /// tokenizer, greedy CTC.
    public init(bundle: SenseVoice, vad: (any VoiceActivityDetecting)? = nil,
                configuration: EngineConfiguration = EngineConfiguration()) {
        self.init(frontend: bundle.frontend, acousticModel: bundle.model, tokenizer: bundle.tokenizer, vad: vad,
                  configuration: configuration, modelDirectory: bundle.directory, loadSeconds: bundle.loadSeconds)
    }

    /// Loads the models `configuration` names: SenseVoiceSmall (``EngineConfiguration/modelDirectory``,
    /// else the first one ``ModelLocator`` finds) at its precision, and FSMN-VAD when
    /// ``EngineConfiguration/vadModelDirectory`` is set.
    /// - Throws: `SenseVoiceError` from ``SenseVoice/init(modelDirectory:precision:)`` or
    ///   ``FSMNVAD/init(modelDirectory:)``.
    public init(configuration: EngineConfiguration) throws {
        let bundle = try SenseVoice(modelDirectory: try configuration.resolvedModelDirectory(),
                                    precision: configuration.precision)
        let vad = try configuration.vadModelDirectory.map { try FSMNVAD(modelDirectory: $0) }
        self.init(bundle: bundle, vad: vad, configuration: configuration)
        diarizer = try configuration.speakerModelDirectory.map { try Diarizer(modelDirectory: $0) }
    }

    /// A new session for the calling thread (its own encoder and scratch memory). Sessions are not
    /// thread-safe: make one per thread that transcribes.
    public func makeSession() -> RecognitionSession {
        RecognitionSession(transcriber: self, encoder: acousticModel.makeEncoder(threads: configuration.threads))
    }
}
