// The error of the jobs domain: job store, queue and audio blobs.

public import SenseVoiceEngine

/// The domain of ``JobError``.
public enum JobErrorDomain: ErrorDomain {}

/// A job-store or queue failure (the shape is `DomainError`: code, message, underlying error).
///
/// HTTP statuses are decided only in the server (`APIError`: `queueFull` → 429, `notFound` → 404,
/// `audioTooLarge` → 413, the rest 500).
///
/// | code | when |
/// |---|---|
/// | `queue_full` | the queue holds as many jobs as it may; retry later |
/// | `not_found` | no job with that id (never existed, deleted, or past retention) |
/// | `audio_missing` | the stored upload of a job is missing or unreadable |
/// | `audio_too_large` | an upload is larger than the database may hold as audio (PostgreSQL without `--blob-dir`) |
/// | `storage_error` | the database or the disk failed |
/// | `worker_lost` | a worker took the job too many times without finishing it |
/// | `invalid_database` | the `--database` URL cannot be used (unknown scheme, bad option) |
public typealias JobError = DomainError<JobErrorDomain>

extension JobError.Code {
    public static let queueFull: Self = "queue_full", notFound: Self = "not_found"
    public static let audioMissing: Self = "audio_missing", audioTooLarge: Self = "audio_too_large"
    public static let storage: Self = "storage_error", workerLost: Self = "worker_lost", invalidDatabase: Self = "invalid_database"
}
