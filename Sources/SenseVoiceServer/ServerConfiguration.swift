// Everything `sensevoice serve` (and `sensevoice worker`, which runs its job side) can be told.

public import Foundation
public import SenseVoiceJobs
public import SenseVoiceEngine

/// Settings of a server process: the engine, the job queue and the HTTP service (a
/// `sensevoice worker` process uses the engine and job settings alone).
public struct ServerConfiguration: Sendable {
    /// Address to bind (loopback by default: expose it deliberately).
    public var host: String
    public var port: Int
    /// Models, precision, inference threads (``EngineConfiguration/workers`` concurrent
    /// inferences, also the number of job workers) and long-audio limits.
    public var engine: EngineConfiguration
    /// Folder for the job database and uploaded audio.
    public var dataDirectory: URL
    /// Bearer key required on every route but health, readiness and the UI shell; `nil`: open.
    public var apiKey: String?
    /// Largest accepted file (each file of a job submission; the one file of a synchronous request).
    public var maxUploadBytes: Int
    /// Longest audio the synchronous routes accept, in seconds (413 beyond).
    public var maxDurationSeconds: Double?
    /// Synchronous requests waiting or running at once before 429.
    public var maxPendingRequests: Int
    /// Queued jobs before job submissions get 429.
    public var maxQueuedJobs: Int
    /// Files in one job submission.
    public var maxFilesPerSubmission: Int
    /// Finished jobs and their audio are deleted this long after they finish.
    public var retention: TimeInterval
    /// Job lease length in seconds (a killed server's jobs restart this long after they stopped).
    public var lease: TimeInterval
    /// Time running jobs get to finish at shutdown before they are re-queued.
    public var shutdownGrace: Duration
    /// The job store (`--database`); `nil`: SQLite `jobs.sqlite` in ``dataDirectory``.
    public var database: JobDatabase? = nil
    /// Folder for uploads shared by every process (`--blob-dir`); `nil`: `audio/` in ``dataDirectory``
    /// for SQLite, the database itself for PostgreSQL.
    public var blobDirectory: URL? = nil
    /// Largest upload kept in PostgreSQL when there is no ``blobDirectory``.
    public var maxDatabaseAudioBytes: Int = 50 * 1024 * 1024
    /// Whether this process runs job workers (`serve --workers 0`: API only, `sensevoice worker`
    /// processes run the jobs).
    public var runsJobWorkers: Bool = true
    /// Claims of one job before a job whose workers keep dying fails (`worker_lost`).
    public var maxAttempts: Int = JobWorkerConfiguration.defaultMaxAttempts
    /// Longest audio of a job, in seconds (`--max-job-duration-s`): checked from each file's header
    /// before the job is queued (413), and again while it is decoded. ``maxDurationSeconds`` is the
    /// synchronous routes' limit, which can stay short.
    public var maxJobDurationSeconds: Double? = ServerConfiguration.defaultMaxJobDurationSeconds
    /// Four hours: long meetings and lectures fit.
    public static let defaultMaxJobDurationSeconds: Double = 4 * 3600
    /// Bytes of uploads being received at once (`--max-upload-inflight-mb`); more get 503.
    public var maxUploadBytesInFlight: Int = 4096 * 1024 * 1024
    /// Time a client has to send a request's headers, and the longest a kept-alive connection
    /// waits idle for its next request (`--header-timeout-s`).
    public var headerTimeout: Duration = .seconds(30)
    /// Time a client has to start sending a body, extended by one second for each
    /// ``bodyMinBytesPerSecond`` received (`--body-timeout-s`): a client that sends slower than
    /// that rate is cut off.
    public var bodyTimeout: Duration = .seconds(30)
    /// The slowest body rate accepted, in bytes per second (`--body-min-rate`).
    public var bodyMinBytesPerSecond: Int = 1024
    /// An origin allowed to call the API from a browser (`--cors-origin`, e.g.
    /// `https://app.example.com`, or `*`); `nil`: no CORS headers (same-origin only).
    public var corsOrigin: String? = nil
    /// Limits of the live-transcription WebSocket routes (`--max-streams` …).
    public var live = LiveStreamSettings()

    /// A configuration.
    /// - Parameter engine: the engine's settings; a server's ``EngineConfiguration/maxNoVADSeconds``
    ///   is normally ``EngineConfiguration/serviceMaxNoVADSeconds``.
    public init(host: String = "127.0.0.1", port: Int = 6006, engine: EngineConfiguration,
                dataDirectory: URL, apiKey: String? = nil,
                maxUploadBytes: Int = 100 * 1024 * 1024, maxDurationSeconds: Double? = 300,
                maxPendingRequests: Int = 64, maxQueuedJobs: Int = 1000, maxFilesPerSubmission: Int = 50,
                retention: TimeInterval = 24 * 3600, lease: TimeInterval = 30, shutdownGrace: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.engine = engine
        self.dataDirectory = dataDirectory
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.maxUploadBytes = max(1024, maxUploadBytes)
        self.maxDurationSeconds = maxDurationSeconds
        self.maxPendingRequests = max(1, maxPendingRequests)
        self.maxQueuedJobs = max(1, maxQueuedJobs)
        self.maxFilesPerSubmission = max(1, maxFilesPerSubmission)
        self.retention = max(60, retention)
        self.lease = max(1, lease)
        self.shutdownGrace = shutdownGrace
    }

    /// The default job database file.
    public var databasePath: String { dataDirectory.appendingPathComponent("jobs.sqlite").path }
    /// The job store in use.
    public var jobDatabase: JobDatabase { database ?? .sqlite(path: databasePath) }
    /// The uploaded-audio folder.
    public var audioDirectory: URL { dataDirectory.appendingPathComponent("audio", isDirectory: true) }
    /// Where request bodies are written while they arrive.
    public var uploadDirectory: URL { dataDirectory.appendingPathComponent("uploads", isDirectory: true) }
}
