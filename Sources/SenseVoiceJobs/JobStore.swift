// The job store protocol: queue, leases, results, retention — independent of the database.

public import Foundation
public import SenseVoiceEngine

/// Durable job records with a lease-based queue.
///
/// A worker `claim`s the oldest queued job under a lease it renews with `heartbeat`; a worker that
/// dies stops renewing, and ``reapExpiredLeases(now:maxAttempts:)`` puts its job back in the queue
/// (or fails it after too many attempts), so a job is never lost. Every call that changes a
/// running job names the lease owner and does nothing (returns `false`) when the job is no longer
/// held by it — deleted, or taken over after the lease expired.
///
/// Times are passed in by the caller, so tests drive the clock. Implementations: ``SQLiteJobStore``
/// (embedded, the default); a PostgreSQL store shares this protocol.
public protocol JobStore: Sendable {
    /// Adds queued jobs atomically, all or none.
    /// - Parameter maxQueued: refuse when the queued jobs would then exceed this many.
    /// - Throws: `JobError(.queueFull)` when refused; `.storage` on database failures.
    func insert(_ jobs: [JobRecord], maxQueued: Int?) async throws

    /// Takes the oldest queued job for `owner` until `now + lease`, counting an attempt.
    func claim(owner: String, lease: TimeInterval, now: Date) async throws -> JobRecord?

    /// Renews a lease and records progress; `false` when `owner` no longer holds the job.
    func heartbeat(id: String, owner: String, leaseUntil: Date, progress: Double?, now: Date) async throws -> Bool

    /// Stores the result and marks the job succeeded; `false` when `owner` no longer holds it.
    func complete(id: String, owner: String, result: TranscriptionResult, now: Date) async throws -> Bool

    /// Marks the job failed with an error; `false` when `owner` no longer holds it.
    func fail(id: String, owner: String, code: String, message: String, now: Date) async throws -> Bool

    /// Puts a running job back in the queue without counting the attempt (graceful shutdown).
    func release(id: String, owner: String, now: Date) async throws -> Bool

    /// One job, or `nil`.
    func job(id: String) async throws -> JobRecord?

    /// The result of a succeeded job, or `nil`.
    func result(id: String) async throws -> TranscriptionResult?

    /// Jobs newest first.
    func list(_ query: JobQuery) async throws -> [JobRecord]

    /// Deletes a job in any state and returns it (`nil` when there was none). A worker running it
    /// notices at its next heartbeat and stops.
    func delete(id: String) async throws -> JobRecord?

    /// Requeues running jobs whose lease ended before `now`, or fails those already taken
    /// `maxAttempts` times.
    /// - Returns: the ids requeued and failed.
    func reapExpiredLeases(now: Date, maxAttempts: Int) async throws -> (requeued: [String], failed: [String])

    /// Deletes finished jobs that finished before `cutoff`.
    /// - Returns: the ids deleted (their audio must go too).
    func purge(finishedBefore cutoff: Date) async throws -> [String]

    /// Whether a job with this id exists.
    func exists(id: String) async throws -> Bool

    /// The number of jobs in each state (states with none are 0).
    func counts() async throws -> [JobState: Int]
}
