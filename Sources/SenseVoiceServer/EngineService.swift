// Loads the model once at start (off the cooperative pool) and owns the inference pool's life.

public import Logging
public import SenseVoiceEngine
public import SenseVoiceJobs
public import ServiceLifecycle

/// Loads SenseVoiceSmall into a ``ModelHost`` and keeps the inference pool until shutdown.
///
/// While it loads, `/ready` answers 503 and sync routes 503; jobs can already be submitted.
/// A model that fails to load ends the service with the error, which stops the server.
/// First in the service group, it stops last: after the HTTP server and the job workers.
public struct EngineService: Service {
    public let host: ModelHost
    public let modelDirectory: String
    public let threads: Int
    public let blasThreads: Int
    public let logger: Logger
    /// FSMN-VAD model directory; `nil` runs files in one pass.
    public let vadModelDirectory: String?
    /// Longest audio without VAD, in seconds.
    public let maxWholeFileSeconds: Double
    /// Arithmetic of the encoder's linear layers.
    public let precision: Precision

    public init(host: ModelHost, modelDirectory: String, threads: Int, blasThreads: Int, logger: Logger,
                vadModelDirectory: String? = nil, maxWholeFileSeconds: Double = 300, precision: Precision = .fp32) {
        self.precision = precision
        self.vadModelDirectory = vadModelDirectory
        self.maxWholeFileSeconds = maxWholeFileSeconds
        self.host = host
        self.modelDirectory = modelDirectory
        self.threads = threads
        self.blasThreads = blasThreads
        self.logger = logger
    }

    public func run() async throws {
        logger.info("loading model", metadata: ["model": "\(modelDirectory)", "workers": "\(threads)", "blas_threads": "\(blasThreads)", "precision": "\(precision)"])
        let bundle: SenseVoice
        var vad: FSMNVAD?
        do {
            let (directory, precision) = (modelDirectory, precision)
            bundle = try await InferencePool.runDetached(name: "sensevoice-model-load") { try SenseVoice(modelDirectory: directory, precision: precision) }
            if let vadDirectory = vadModelDirectory {
                vad = try await InferencePool.runDetached(name: "sensevoice-vad-load") { try FSMNVAD(modelDirectory: vadDirectory) }
            }
        } catch let error as SenseVoiceError {
            host.setFailed(error)
            logger.critical("the model failed to load [\(error.code)]: \(error.message)")
            throw error
        }
        let pool = InferencePool(bundle: bundle, threads: threads, vad: vad, maxWholeFileSeconds: maxWholeFileSeconds,
                                 sessionThreads: blasThreads)
        host.setReady(pool)
        logger.info("model ready", metadata: ["load_s": "\(bundle.loadSeconds)"])
        try? await gracefulShutdown()
        await pool.shutdown()
        logger.info("inference pool stopped")
    }
}
