// Puts jobs of vanished workers back in the queue: the reason a job survives a crash or SIGKILL.

public import Foundation
public import Logging

/// Re-queues running jobs whose lease has expired (their worker died or hung), or fails them after
/// ``JobWorkerConfiguration/maxAttempts`` claims. As a service (``service(every:)``) it runs once
/// at start, so jobs of a killed process are picked up as soon as their leases end.
public struct LeaseReaper: Sendable {
    public let store: any JobStore
    public let maxAttempts: Int
    public let wake: WakeSignal
    public let logger: Logger

    public init(store: any JobStore, maxAttempts: Int, wake: WakeSignal, logger: Logger = Logger(label: "sensevoice.jobs")) {
        self.store = store
        self.maxAttempts = maxAttempts
        self.wake = wake
        self.logger = logger
    }

    /// The service that reaps at once and then every `interval`.
    public func service(every interval: Duration) -> PeriodicService {
        PeriodicService(every: interval) { await reapOnce() }
    }

    /// One pass: re-queue or fail jobs with expired leases.
    public func reapOnce(now: Date = Date()) async {
        do {
            let (requeued, failed) = try await store.reapExpiredLeases(now: now, maxAttempts: maxAttempts)
            if !requeued.isEmpty {
                logger.notice("re-queued \(requeued.count) job(s) whose worker stopped renewing its lease", metadata: ["jobs": "\(requeued)"])
                wake.signal()
            }
            if !failed.isEmpty {
                logger.warning("failed \(failed.count) job(s) after \(maxAttempts) lost workers", metadata: ["jobs": "\(failed)"])
            }
        } catch {
            if !Task.isCancelled { logger.error("lease reaper pass failed: \(error)") }
        }
    }
}
