// `sensevoice serve`: the HTTP API, the web UI and the job workers in one process (or the API alone).

import ArgumentParser
import Foundation
import Logging
import SenseVoiceEngine
import SenseVoiceJobs
import SenseVoiceServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API and the web UI (jobs in SQLite under --data-dir, or in PostgreSQL with --database).",
        discussion: """
        Routes: GET /health, /ready, /metrics, /openapi.json; POST /api/v1/transcriptions; POST \
        /v1/audio/transcriptions (OpenAI-compatible, stream=true for Server-Sent Events); /api/v1/jobs \
        (submit, list, get, result, events, audio, delete); WebSocket live transcription at \
        /api/v1/stream and /v1/realtime?intent=transcription (needs --vad-model); the web UI at /. The server listens at once and loads the model in the \
        background (/ready answers 503 until it is loaded). SIGTERM or SIGINT stop it gracefully: \
        running jobs get --shutdown-grace-s to finish, then go back to the queue; jobs of a killed \
        server restart when their lease (--lease-s) expires. With --database postgres://… the queue is \
        shared: run 'serve --workers 0' for the API alone and 'sensevoice worker --database …' processes \
        (on any machine) to run the jobs; uploads are then kept in the database (at most \
        --db-audio-limit-mb each) unless --blob-dir names a folder every process shares.
        """)

    @OptionGroup(title: "Models")
    var engine: EngineOptions

    @OptionGroup(title: "Jobs")
    var jobs: JobQueueOptions

    @Option(help: "Address to listen on (use 0.0.0.0 to accept other machines).")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free port and logs it).")
    var port: Int = 6006

    @Option(name: .customLong("data-dir"), help: "Folder for the job database and uploaded audio (default: $XDG_DATA_HOME/sensevoice or ~/.local/share/sensevoice).")
    var dataDirectory: String?

    @Option(help: "Job store: sqlite:///path/jobs.sqlite, or postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require] to share the queue with 'sensevoice worker' processes (default: jobs.sqlite in --data-dir).")
    var database: String?

    @Option(help: "Concurrent transcriptions (inference threads and job workers; default: half the cores). 0: no job workers, the API only (needs --database postgres://… and 'sensevoice worker' processes).")
    var workers: Int?

    @Option(name: .customLong("api-key"), help: "Require 'Authorization: Bearer KEY' on every route but /health, /ready and the UI shell (default: $SENSEVOICE_API_KEY; none: open).")
    var apiKey: String?

    @Option(name: .customLong("max-upload-mb"), help: "Largest file in MB, each file of a job submission counted alone (413 beyond, naming the file).")
    var maxUploadMB: Int = 100

    @Option(name: .customLong("max-upload-inflight-mb"), help: "Uploads being received at once, in MB (written to --data-dir as they arrive; 503 beyond).")
    var maxUploadInflightMB: Int = 4096

    @Option(name: .customLong("header-timeout-s"), help: "Seconds a client has to send a request's headers (also how long an idle kept-alive connection stays open).")
    var headerTimeoutSeconds: Double = 30

    @Option(name: .customLong("body-timeout-s"), help: "Seconds a client has to start a request body; each --body-min-rate bytes received add one second.")
    var bodyTimeoutSeconds: Double = 30

    @Option(name: .customLong("body-min-rate"), help: "Slowest accepted upload rate in bytes per second (slower clients are disconnected).")
    var bodyMinRate: Int = 1024

    @Option(name: .customLong("cors-origin"), help: "Allow browser pages from this origin (e.g. https://app.example.com, or *) to call the API; off by default.")
    var corsOrigin: String?

    @Option(name: .customLong("max-pending"), help: "Synchronous transcriptions waiting or running before 429.")
    var maxPending: Int = 64

    @Option(name: .customLong("max-queued-jobs"), help: "Queued jobs before submissions get 429.")
    var maxQueuedJobs: Int = 1000

    @Option(name: .customLong("retention-hours"), help: "Delete finished jobs and their audio this many hours after they finish.")
    var retentionHours: Double = 24

    @OptionGroup(title: "Live streams")
    var live: LiveStreamOptions

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func validate() throws {
        if let workers, workers < 0 { throw ValidationError("--workers must be 0 (API only) or more") }
        let database: JobDatabase?
        do {
            database = try self.database.map { try JobDatabase(url: $0) }
        } catch let e as JobError {
            throw ValidationError("--database: \(e.message)")
        }
        if workers == 0 && database?.isShared != true {
            throw ValidationError("--workers 0 runs no job workers, so it needs a shared queue: add --database postgres://… and start 'sensevoice worker' processes")
        }
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
        if maxUploadMB < 1 { throw ValidationError("--max-upload-mb must be at least 1") }
        if maxPending < 1 || maxQueuedJobs < 1 { throw ValidationError("--max-pending and --max-queued-jobs must be at least 1") }
        if !(retentionHours > 0) { throw ValidationError("--retention-hours must be positive") }
        if maxUploadInflightMB < 1 { throw ValidationError("--max-upload-inflight-mb must be at least 1") }
        if !(headerTimeoutSeconds > 0) || !(bodyTimeoutSeconds > 0) { throw ValidationError("--header-timeout-s and --body-timeout-s must be positive") }
        if bodyMinRate < 0 { throw ValidationError("--body-min-rate must not be negative (0: no rate, only --body-timeout-s)") }
        if let corsOrigin, corsOrigin != "*", !(corsOrigin.hasPrefix("http://") || corsOrigin.hasPrefix("https://")) {
            throw ValidationError("--cors-origin must be an origin such as https://app.example.com, or *")
        }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "sensevoice")
        let environment = ProcessInfo.processInfo.environment
        // `--workers 0` (API only) still loads the model, on one thread, for the synchronous routes.
        let workers = self.workers.map { max(1, $0) } ?? EngineConfiguration.defaultWorkers()
        let engine = try self.engine.configuration(maxNoVADSeconds: EngineConfiguration.serviceMaxNoVADSeconds,
                                                   threads: jobs.blasThreads, workers: workers)
        var configuration = ServerConfiguration(
            host: host, port: port, engine: engine,
            dataDirectory: URL(fileURLWithPath: dataDirectory ?? Self.defaultDataDirectory(environment)),
            apiKey: apiKey,
            maxUploadBytes: maxUploadMB * 1024 * 1024, maxDurationSeconds: jobs.maxDurationSeconds,
            maxPendingRequests: maxPending, maxQueuedJobs: maxQueuedJobs, retention: retentionHours * 3600,
            lease: jobs.leaseSeconds, shutdownGrace: jobs.shutdownGrace)
        configuration.database = try database.map { try JobDatabase(url: $0) }
        jobs.apply(to: &configuration)
        configuration.maxUploadBytesInFlight = maxUploadInflightMB * 1024 * 1024
        configuration.headerTimeout = .milliseconds(Int64(headerTimeoutSeconds * 1000))
        configuration.bodyTimeout = .milliseconds(Int64(bodyTimeoutSeconds * 1000))
        configuration.bodyMinBytesPerSecond = bodyMinRate
        configuration.corsOrigin = corsOrigin
        configuration.runsJobWorkers = self.workers != 0
        configuration.live = live.settings
        let host = self.host
        if let note = PrecisionOption.note(engine.precision) { logger.notice("\(note)") }
        do {
            try await ServerEnvironment.with(configuration: configuration, logger: logger) { env in
                let audio = configuration.blobDirectory?.path
                    ?? (configuration.jobDatabase.isShared ? "the database" : configuration.audioDirectory.path)
                logger.info("jobs in \(configuration.jobDatabase.redacted), audio in \(audio)\(configuration.runsJobWorkers ? "" : "; no job workers in this process (API only)")\(configuration.apiKey == nil ? "; no API key: the API is open to whoever reaches \(host)" : "; API key required")")
                try await ServerApp.run(env)
            }
        } catch let e as SenseVoiceError {
            throw CLIError(e)
        } catch let e as JobError {
            throw CLIError(e)
        }
    }

    static func defaultDataDirectory(_ environment: [String: String]) -> String {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/sensevoice" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/sensevoice"
    }
}
