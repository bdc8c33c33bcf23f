// `sensevoice worker`: job workers alone, on the queue of a PostgreSQL job store shared with `serve`.

import ArgumentParser
import Foundation
import Logging
import SenseVoiceEngine
import SenseVoiceJobs
import SenseVoiceServer

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run job workers on a shared PostgreSQL queue (no HTTP server).",
        discussion: """
        Start the API with 'sensevoice serve --database postgres://… --workers 0' (or with workers of \
        its own) and any number of worker processes, on this machine or others, with the same --database \
        and --blob-dir. Each worker claims the oldest queued job (FOR UPDATE SKIP LOCKED), renews its \
        lease while it runs, and wakes on PostgreSQL NOTIFY when work is queued. SIGTERM or SIGINT stop \
        it gracefully: running jobs get --shutdown-grace-s to finish, then go back to the queue; jobs of \
        a killed worker are re-queued by any server or worker once their lease (--lease-s) expires.
        """)

    @Option(help: "Job store: postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require], the same as the server's.")
    var database: String

    @OptionGroup(title: "Models")
    var engine: EngineOptions

    @OptionGroup(title: "Jobs")
    var jobs: JobQueueOptions

    @Option(help: "Concurrent jobs in this process (default: half the cores).")
    var workers: Int?

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
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "sensevoice.worker")
        let engine = try self.engine.configuration(maxNoVADSeconds: EngineConfiguration.serviceMaxNoVADSeconds, threads: jobs.blasThreads,
                                                   workers: workers ?? EngineConfiguration.defaultWorkers())
        if let note = PrecisionOption.note(engine.precision) { logger.notice("\(note)") }
        // A worker is a server without HTTP: the same job services, minus the retention sweeper.
        var configuration = ServerConfiguration(engine: engine, dataDirectory: FileManager.default.temporaryDirectory,
                                                maxDurationSeconds: jobs.maxDurationSeconds, lease: jobs.leaseSeconds,
                                                shutdownGrace: jobs.shutdownGrace)
        configuration.database = try JobDatabase(url: database)
        jobs.apply(to: &configuration)
        do {
            try await ServerEnvironment.with(configuration: configuration, logger: logger) { env in
                logger.info("worker on \(configuration.jobDatabase.redacted), audio in \(configuration.blobDirectory?.path ?? "the database")")
                try await ServerApp.runServices(ServerApp.makeBackgroundServices(env, sweepsRetention: false), env)
            }
        } catch let e as SenseVoiceError {
            throw CLIError(e)
        } catch let e as JobError {
            throw CLIError(e)
        }
    }
}
