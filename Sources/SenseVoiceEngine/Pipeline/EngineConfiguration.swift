// The settings of one engine (models, arithmetic, threads, long-audio limits), each default defined here once.

import Foundation

/// What an engine is built from: which models, in which arithmetic, on how many threads, and how
/// long audio is cut. Every command and the server fill one of these and nothing else travels
/// to ``Transcriber``.
///
/// Per-request choices (language, ITN, VAD thresholds and segment lengths) are
/// ``TranscriptionOptions``, not configuration.
public struct EngineConfiguration: Sendable, Equatable {
    /// SenseVoiceSmall model directory; `nil` looks it up with ``ModelLocator/senseVoice(explicit:environment:)``
    /// (`$SENSEVOICE_MODEL`, then the usual caches).
    public var modelDirectory: String?
    /// FSMN-VAD model directory for long audio; `nil` transcribes each file in one pass.
    public var vadModelDirectory: String?
    /// Arithmetic of the encoder's linear layers (weights converted at load).
    public var precision: Precision
    /// Compute threads of one session (its GEMMs and kernels); keep `workers × threads ≤ cores`
    /// (``InferencePool/blasThreads(cores:workers:)``).
    public var threads: Int
    /// Concurrent sessions (inference threads of a server or worker; 1 for the CLI).
    public var workers: Int
    /// Longest audio transcribed without VAD, in seconds (attention grows with the square of the length).
    public var maxNoVADSeconds: Double
    /// Most audio, in seconds, recognised in one encoder batch (a longer segment runs alone).
    public var batchSeconds: Double
    /// CAM++ speaker model directory (``Diarizer``); nil: no diarization (requests asking for
    /// speakers fail with `.modelNotFound`).
    public var speakerModelDirectory: String? = nil
    /// The denoiser run before recognition when a request does not choose one
    /// (``TranscriptionOptions/denoise``): `--denoise` of the CLI, the default of `serve`. Off by
    /// default: SenseVoice was trained on noisy speech, and denoising can help or hurt.
    public var denoise: DenoiseMethod = .off

    /// `transcribe`'s `--max-no-vad-s` default: a file on the user's own machine; two minutes keep
    /// one pass's attention memory modest.
    public static let defaultMaxNoVADSeconds: Double = 120
    /// `serve`'s and `worker`'s `--max-no-vad-s` default: the same as their default
    /// `--max-duration-s`, so every upload the server accepts can be transcribed without a VAD model.
    public static let serviceMaxNoVADSeconds: Double = 300
    /// Default ``precision``: the reference arithmetic.
    public static let defaultPrecision: Precision = .fp32
    /// Default ``batchSeconds``: one minute of audio (≈ 1000 encoder frames per GEMM).
    public static let defaultBatchSeconds: Double = 60

    /// A configuration; each argument left out takes its documented default.
    /// - Parameters:
    ///   - threads: compute threads per session; default: the cores shared out over `workers`
    ///     (every core for one worker).
    ///   - workers: concurrent sessions; default 1.
    public init(modelDirectory: String? = nil, vadModelDirectory: String? = nil, precision: Precision = EngineConfiguration.defaultPrecision,
                threads: Int? = nil, workers: Int = 1, maxNoVADSeconds: Double = EngineConfiguration.defaultMaxNoVADSeconds,
                batchSeconds: Double = EngineConfiguration.defaultBatchSeconds) {
        self.modelDirectory = modelDirectory
        self.vadModelDirectory = vadModelDirectory
        self.precision = precision
        self.workers = max(1, workers)
        self.threads = max(1, threads ?? InferencePool.blasThreads(cores: Self.cores, workers: self.workers))
        self.maxNoVADSeconds = maxNoVADSeconds
        self.batchSeconds = batchSeconds
    }

    /// The cores of this machine (the default thread budget).
    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Default concurrent sessions of a server or worker: half the cores, at least one.
    public static func defaultWorkers(cores: Int = EngineConfiguration.cores) -> Int {
        max(1, cores / 2)
    }

    /// The model directory to load: ``modelDirectory``, else the first one ``ModelLocator`` finds.
    /// - Throws: `SenseVoiceError(.modelNotFound)` listing where it looked.
    public func resolvedModelDirectory(environment: [String: String]? = nil) throws -> String {
        try ModelLocator.senseVoice(explicit: modelDirectory, environment: environment)
    }
}
