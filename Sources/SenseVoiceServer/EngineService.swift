// Loads the engine once at start (off the cooperative pool) and owns the inference pool's life.

import Logging
import SenseVoiceEngine
import SenseVoiceJobs
import ServiceLifecycle

/// Loads the ``Transcriber`` an ``EngineConfiguration`` names into a ``ModelHost`` and keeps its
/// inference pool (``EngineConfiguration/workers`` threads) until shutdown.
///
/// While it loads, `/ready` answers 503 and sync routes 503; jobs can already be submitted.
/// A model that fails to load ends the service with the error, which stops the server.
/// First in the service group, it stops last: after the HTTP server and the job workers.
struct EngineService: Service {
    /// Where the loaded pool (or the loading error) is published.
    let host: ModelHost
    /// Models, precision, threads and long-audio limits.
    let configuration: EngineConfiguration
    /// Loading and shutdown messages.
    let logger: Logger

    func run() async throws {
        let configuration = configuration
        logger.info("loading model", metadata: ["model": "\(configuration.modelDirectory ?? "(default)")", "workers": "\(configuration.workers)",
                                                "blas_threads": "\(configuration.threads)", "precision": "\(configuration.precision)"])
        let transcriber: Transcriber
        do {
            transcriber = try await InferencePool.runDetached(name: "sensevoice-model-load") { try Transcriber(configuration: configuration) }
        } catch let error as SenseVoiceError {
            host.setFailed(error)
            logger.critical("the model failed to load [\(error.code)]: \(error.message)")
            throw error
        }
        let pool = InferencePool(transcriber: transcriber, threads: configuration.workers)
        host.setReady(pool)
        logger.info("model ready", metadata: ["load_s": "\(transcriber.loadSeconds)"])
        try? await gracefulShutdown()
        await pool.shutdown()
        logger.info("inference pool stopped")
    }
}
