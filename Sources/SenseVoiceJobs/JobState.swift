// The life of a transcription job: queued → running → succeeded | failed (running → queued on lease loss).

/// Where a job is in its life.
public enum JobState: String, Sendable, CaseIterable, Codable {
    /// Waiting for a worker.
    case queued
    /// Held by a worker under a lease.
    case running
    /// Finished with a result.
    case succeeded
    /// Finished with an error (bad audio, or a worker lost too many times).
    case failed

    /// Whether the job will not change any more.
    public var isFinished: Bool { self == .succeeded || self == .failed }
}
