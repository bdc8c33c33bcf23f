// The shared parts of one server: configuration, model host, job store, audio store, metrics.

import Foundation
public import Logging
import SenseVoiceEngine
public import SenseVoiceJobs
public import ServiceLifecycle

/// Everything the routes and services of one server share.
public struct ServerEnvironment: Sendable {
    public var configuration: ServerConfiguration
    public var host: ModelHost
    public var store: any JobStore
    public var blobs: any AudioBlobStore
    public var wake = WakeSignal()
    public var metrics = ServerMetrics()
    public var shutdown = ShutdownFlag()
    public var logger = Logger(label: "sensevoice.server")
    /// Services the job store needs while the server runs (PostgreSQL: the NOTIFY listener).
    public var storeServices: [any Service] = []

    /// Opens the embedded stores in `--data-dir`: `jobs.sqlite` (WAL) and `audio/`.
    /// - Throws: `JobError(.storage)` when the folder is not writable.
    public static func embedded(configuration: ServerConfiguration, host: ModelHost = ModelHost(),
                                logger: Logger = Logger(label: "sensevoice.server")) throws -> ServerEnvironment {
        do {
            try PrivateFiles.makeDirectory(configuration.dataDirectory, own: false)
        } catch {
            throw JobError(.storage, "cannot create --data-dir \(configuration.dataDirectory.path): \(error)")
        }
        return ServerEnvironment(configuration: configuration, host: host,
                                 store: try SQLiteJobStore(path: configuration.databasePath),
                                 blobs: try FileBlobStore(directory: configuration.audioDirectory), logger: logger)
    }

    /// Opens the configured job store (``ServerConfiguration/jobDatabase``) and its audio store,
    /// and calls `body` with the environment; PostgreSQL connections close when `body` returns.
    /// - Throws: `JobError(.storage)` when the store cannot be opened; `body`'s errors.
    public static func with<T: Sendable>(configuration: ServerConfiguration, host: ModelHost = ModelHost(),
                                         logger: Logger = Logger(label: "sensevoice.server"),
                                         _ body: (ServerEnvironment) async throws -> T) async throws -> T {
        if case .sqlite = configuration.jobDatabase {
            do {
                try PrivateFiles.makeDirectory(configuration.dataDirectory, own: false)
            } catch {
                throw JobError(.storage, "cannot create --data-dir \(configuration.dataDirectory.path): \(error)")
            }
        }
        let wake = WakeSignal()
        return try await JobBackend.with(configuration.jobDatabase, blobDirectory: configuration.blobDirectory,
                                         defaultAudioDirectory: configuration.audioDirectory,
                                         maxDatabaseAudioBytes: configuration.maxDatabaseAudioBytes, wake: wake, logger: logger) { backend in
            try await body(ServerEnvironment(configuration: configuration, host: host, store: backend.store, blobs: backend.blobs,
                                             wake: wake, logger: logger, storeServices: backend.services))
        }
    }

    /// The job workers' settings from the server's.
    public var workerConfiguration: JobWorkerConfiguration {
        JobWorkerConfiguration(workers: configuration.engine.workers, lease: configuration.lease,
                               maxAttempts: configuration.maxAttempts, shutdownGrace: configuration.shutdownGrace)
    }
}
