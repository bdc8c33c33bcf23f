// The job-queue options serve and worker share: blob folder, limits, lease, attempts, shutdown grace.

import ArgumentParser
import Foundation
import SenseVoiceJobs
import SenseVoiceServer

/// `--blob-dir`, `--db-audio-limit-mb`, `--blas-threads`, `--max-duration-s`, `--max-job-duration-s`, `--lease-s`,
/// `--max-attempts` and `--shutdown-grace-s` (`@OptionGroup(title: "Jobs") var jobs: JobQueueOptions`).
struct JobQueueOptions: ParsableArguments {
    @Option(name: .customLong("blob-dir"), help: "Folder for uploaded audio that every server and worker shares (default: audio/ in --data-dir with SQLite, the database itself with PostgreSQL).")
    var blobDirectory: String?

    @Option(name: .customLong("db-audio-limit-mb"), help: "Largest upload kept in PostgreSQL when there is no --blob-dir, in MB (413 beyond).")
    var databaseAudioLimitMB: Int = 50

    @Option(name: .customLong("blas-threads"), help: "BLAS threads per transcription (default: cores ÷ workers).")
    var blasThreads: Int?

    @Option(name: .customLong("max-duration-s"), help: "Longest audio in seconds for the synchronous routes (413 beyond; jobs have --max-job-duration-s).")
    var maxDurationSeconds: Double = 300

    @Option(name: .customLong("max-job-duration-s"), help: "Longest audio of a job in seconds, checked from each file's header before it is queued (413 beyond).")
    var maxJobDurationSeconds: Double = ServerConfiguration.defaultMaxJobDurationSeconds

    @Option(name: .customLong("lease-s"), help: "Job lease in seconds: jobs of a killed server or worker restart this long after it died.")
    var leaseSeconds: Double = 30

    @Option(name: .customLong("max-attempts"), help: "Claims of one job before a job whose workers keep dying fails (worker_lost).")
    var maxAttempts: Int = JobWorkerConfiguration.defaultMaxAttempts

    @Option(name: .customLong("shutdown-grace-s"), help: "Seconds running jobs may take to finish at shutdown before they are re-queued.")
    var shutdownGraceSeconds: Double = 10

    func validate() throws {
        if databaseAudioLimitMB < 1 { throw ValidationError("--db-audio-limit-mb must be at least 1") }
        if let blasThreads, blasThreads < 1 { throw ValidationError("--blas-threads must be at least 1") }
        if !(maxDurationSeconds > 0) { throw ValidationError("--max-duration-s must be positive") }
        if !(maxJobDurationSeconds > 0) { throw ValidationError("--max-job-duration-s must be positive") }
        if !(leaseSeconds >= 1) { throw ValidationError("--lease-s must be at least 1") }
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        if !(shutdownGraceSeconds >= 0) { throw ValidationError("--shutdown-grace-s must not be negative") }
    }

    /// `--shutdown-grace-s` as a duration.
    var shutdownGrace: Duration { .milliseconds(Int64(shutdownGraceSeconds * 1000)) }

    /// Sets the job store's audio options and `--max-attempts` on `configuration` (the limits,
    /// lease and grace go through ``ServerConfiguration``'s initializer).
    func apply(to configuration: inout ServerConfiguration) {
        configuration.blobDirectory = blobDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
        configuration.maxDatabaseAudioBytes = databaseAudioLimitMB * 1024 * 1024
        configuration.maxAttempts = maxAttempts
        configuration.maxJobDurationSeconds = maxJobDurationSeconds
    }
}
