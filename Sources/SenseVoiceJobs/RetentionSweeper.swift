// Deletes finished jobs and their audio after the retention period, and uploads without a job.

public import Foundation
public import Logging
public import ServiceLifecycle

/// Every `interval`, deletes jobs finished more than `retention` ago with their audio, and audio
/// files older than an hour that belong to no job (a crash between storing an upload and
/// recording its job).
public struct RetentionSweeper: Service {
    public let store: any JobStore
    public let blobs: any AudioBlobStore
    public let retention: TimeInterval
    public let interval: Duration
    public let logger: Logger

    public init(store: any JobStore, blobs: any AudioBlobStore, retention: TimeInterval, interval: Duration = .seconds(60),
                logger: Logger = Logger(label: "sensevoice.jobs")) {
        self.store = store
        self.blobs = blobs
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await sweepOnce() }
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
