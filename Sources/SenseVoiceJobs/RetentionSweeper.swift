// Deletes finished jobs and their audio after the retention period, and uploads without a job.

public import Foundation
public import Logging

/// Deletes jobs finished more than `retention` ago with their audio, and audio files older than an
/// hour that belong to no job (a crash between storing an upload and recording its job); as a
/// service (``service(every:)``), once a minute by default.
public struct RetentionSweeper: Sendable {
    public let store: any JobStore
    public let blobs: any AudioBlobStore
    public let retention: TimeInterval
    public let logger: Logger

    public init(store: any JobStore, blobs: any AudioBlobStore, retention: TimeInterval,
                logger: Logger = Logger(label: "sensevoice.jobs")) {
        self.store = store
        self.blobs = blobs
        self.retention = retention
        self.logger = logger
    }

    /// The service that sweeps at once and then every `interval`.
    public func service(every interval: Duration = .seconds(60)) -> PeriodicService {
        PeriodicService(every: interval) { await sweepOnce() }
    }

    /// One pass.
    /// - Returns: the number of jobs deleted.
    @discardableResult
    public func sweepOnce(now: Date = Date()) async -> Int {
        var deleted = 0
        do {
            let ids = try await store.purge(finishedBefore: now.addingTimeInterval(-retention))
            for id in ids { try? await blobs.delete(id: id) }
            deleted = ids.count
            if !ids.isEmpty { logger.info("deleted \(ids.count) job(s) past retention") }
            for id in try await blobs.ids(storedBefore: now.addingTimeInterval(-3600)) where try await !store.exists(id: id) {
                try? await blobs.delete(id: id)
                logger.info("deleted audio without a job", metadata: ["job": "\(id)"])
            }
        } catch {
            if !Task.isCancelled { logger.error("retention sweep failed: \(error)") }
        }
        return deleted
    }
}
