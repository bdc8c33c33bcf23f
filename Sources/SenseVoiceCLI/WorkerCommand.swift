// `sensevoice worker`: job workers alone, on the queue of a PostgreSQL job store shared with `serve`.

import ArgumentParser
import Foundation
import Logging
import SenseVoiceEngine
import SenseVoiceJobs
import SenseVoiceServer
import ServiceLifecycle
import UnixSignals

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run job workers on a shared PostgreSQL queue (no HTTP server).",
        discussion: "Start the API with 'sensevoice serve --database postgres://… --workers 0' (or with workers of its own) "
            + "and any number of worker processes, on this machine or others, with the same --database and --blob-dir. "
            + "Each worker claims the oldest queued job (FOR UPDATE SKIP LOCKED), renews its lease while it runs, and "
            + "wakes on PostgreSQL NOTIFY when work is queued. SIGTERM or SIGINT stop it gracefully: running jobs get "
            + "--shutdown-grace-s to finish, then go back to the queue; jobs of a killed worker are re-queued by any "
            + "server or worker once their lease (--lease-s) expires.")

    @Option(help: "Job store: postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require], the same as the server's.")
    var database: String

    @Option(name: .customLong("blob-dir"), help: "Folder of uploaded audio shared with the server (its --blob-dir); default: the audio is in the database.")
    var blobDirectory: String?

    @Option(name: .customLong("db-audio-limit-mb"), help: "Largest upload kept in PostgreSQL, in MB (matters only to processes that store uploads).")
    var databaseAudioLimitMB: Int = 50

    @OptionGroup(title: "Models")
    var models: ServiceModelOptions

    @Option(help: "Concurrent jobs in this process (default: half the cores).")
    var workers: Int?

    @Option(name: .customLong("blas-threads"), help: "BLAS threads per job (default: cores ÷ workers).")
    var blasThreads: Int?

    @Option(help: PrecisionOption.help)
    var precision: String = "fp32"

    @Option(name: .customLong("max-duration-s"), help: "Longest audio in seconds (longer jobs fail with audio_too_long).")
    var maxDurationSeconds: Double = 300

    @Option(name: .customLong("lease-s"), help: "Job lease in seconds: jobs of a killed worker restart this long after it died.")
    var leaseSeconds: Double = 30

    @Option(name: .customLong("max-attempts"), help: "Claims of one job before a job whose workers keep dying fails (worker_lost).")
    var maxAttempts: Int = 3

    @Option(name: .customLong("shutdown-grace-s"), help: "Seconds running jobs may take to finish at shutdown before they are re-queued.")
    var shutdownGraceSeconds: Double = 10

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func validate() throws {
        do {
            guard try JobDatabase(url: database).isShared else {
                throw ValidationError("--database must be postgres://…: workers in other processes need a shared queue (SQLite is served by 'sensevoice serve' alone)")
            }
        } catch let e as JobError {
            throw ValidationError("--database: \(e.message)")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let blasThreads, blasThreads < 1 { throw ValidationError("--blas-threads must be at least 1") }
        if databaseAudioLimitMB < 1 { throw ValidationError("--db-audio-limit-mb must be at least 1") }
        if !(maxDurationSeconds > 0) { throw ValidationError("--max-duration-s must be positive") }
        if !(leaseSeconds >= 1) { throw ValidationError("--lease-s must be at least 1") }
        _ = try PrecisionOption.parse(precision)
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        if !(shutdownGraceSeconds >= 0) { throw ValidationError("--shutdown-grace-s must not be negative") }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "sensevoice.worker")
        let environment = ProcessInfo.processInfo.environment
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let workers = self.workers ?? max(1, cores / 2)
        let blasThreads = self.blasThreads ?? InferencePool.blasThreads(cores: cores, workers: workers)
        let modelDirectory = try models.modelDirectory()
        let vadModelDirectory = models.vadModelDirectory(environment)
        let precision = try PrecisionOption.parse(self.precision)
        if let note = PrecisionOption.note(precision) { logger.notice("\(note)") }
        let database = try JobDatabase(url: self.database)
        var decoding = AudioDecodingOptions()
        decoding.maxDurationSeconds = maxDurationSeconds
        let workerConfiguration = JobWorkerConfiguration(workers: workers, lease: leaseSeconds, maxAttempts: maxAttempts,
                                                         shutdownGrace: .milliseconds(Int64(shutdownGraceSeconds * 1000)))
        let blobDirectory = self.blobDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
        let wake = WakeSignal()
        let maxNoVADSeconds = models.maxNoVADSeconds
        let leaseSeconds = self.leaseSeconds
        do {
            try await JobBackend.with(database, blobDirectory: blobDirectory,
                                      defaultAudioDirectory: FileManager.default.temporaryDirectory,
                                      maxDatabaseAudioBytes: databaseAudioLimitMB * 1024 * 1024, wake: wake, logger: logger) { backend in
                logger.info("worker on \(database.redacted), audio in \(blobDirectory?.path ?? "the database")")
                let host = ModelHost()
                // Start order; graceful shutdown runs in reverse: workers first, the engine last.
                let services: [any Service] = [
                    EngineService(host: host, modelDirectory: modelDirectory, threads: workers, blasThreads: blasThreads,
                                  logger: logger, vadModelDirectory: vadModelDirectory, maxWholeFileSeconds: maxNoVADSeconds,
                                  precision: precision),
                ] + backend.services + [
                    LeaseReaper(store: backend.store, maxAttempts: workerConfiguration.maxAttempts,
                                interval: .milliseconds(Int64(max(500, leaseSeconds * 500))), wake: wake, logger: logger),
                    JobWorkerService(store: backend.store, blobs: backend.blobs,
                                     processor: TranscriptionJobProcessor(host: host, decoding: decoding),
                                     configuration: workerConfiguration, wake: wake, logger: logger),
                ]
                var configuration = ServiceGroupConfiguration(
                    services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    cancellationSignals: [],
                    logger: logger)
                configuration.maximumGracefulShutdownDuration = workerConfiguration.shutdownGrace + .seconds(20)
                configuration.maximumCancellationDuration = .seconds(5)
                try await ServiceGroup(configuration: configuration).run()
            }
        } catch let e as SenseVoiceError {
            throw CLIError(e)
        } catch let e as JobError {
            throw CLIError(e)
        }
    }
}
