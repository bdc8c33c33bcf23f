// In-process job workers as one Service: claim, process under a renewed lease, store the outcome.

public import Foundation
public import Logging
import SenseVoiceEngine
public import ServiceLifecycle
import Synchronization

/// Settings of the job workers and the lease reaper.
public struct JobWorkerConfiguration: Sendable {
    /// Concurrent jobs (usually the inference pool's thread count).
    public var workers: Int
    /// Seconds a claim holds a job without renewal; a worker renews it every third of this.
    public var lease: TimeInterval
    /// Claims per job before a vanishing worker fails it (`worker_lost`).
    public var maxAttempts: Int
    /// Longest idle wait between queue checks (new jobs wake workers at once).
    public var idlePoll: Duration
    /// How long running jobs may keep going after shutdown starts before they are stopped and
    /// put back in the queue.
    public var shutdownGrace: Duration
    /// How often progress is written while a job runs.
    public var progressInterval: Duration

    /// Default ``maxAttempts`` (`--max-attempts` of `serve` and `worker`).
    public static let defaultMaxAttempts = 3

    public init(workers: Int, lease: TimeInterval = 30, maxAttempts: Int = JobWorkerConfiguration.defaultMaxAttempts, idlePoll: Duration = .seconds(1),
                shutdownGrace: Duration = .seconds(10), progressInterval: Duration = .milliseconds(250)) {
        self.workers = max(1, workers)
        self.lease = max(1, lease)
        self.maxAttempts = max(1, maxAttempts)
        self.idlePoll = idlePoll
        self.shutdownGrace = shutdownGrace
        self.progressInterval = progressInterval
    }
}

/// Runs ``JobWorkerConfiguration/workers`` job loops until graceful shutdown.
///
/// Each loop claims the oldest queued job, loads its audio, and runs the ``JobProcessing`` stage
/// while a heartbeat renews the lease and writes progress. Outcomes:
/// - a result → `succeeded`; a `SenseVoiceError` (bad audio, too long) → `failed` with its code;
/// - the lease lost (job deleted, or taken over after a stall) → the work stops, nothing is written;
/// - graceful shutdown → running jobs get ``JobWorkerConfiguration/shutdownGrace`` to finish, then
///   stop and go back to the queue without counting the attempt.
/// A process that dies mid-job leaves its lease to expire; ``LeaseReaper`` re-queues the job.
public struct JobWorkerService: Service {
    public let store: any JobStore
    public let blobs: any AudioBlobStore
    public let processor: any JobProcessing
    public let configuration: JobWorkerConfiguration
    public let wake: WakeSignal
    public let metrics: TranscriptionMetrics?
    public let logger: Logger
    /// Lease owner prefix, unique per process (`host:pid:random`).
    public let ownerPrefix: String

    public init(store: any JobStore, blobs: any AudioBlobStore, processor: any JobProcessing,
                configuration: JobWorkerConfiguration, wake: WakeSignal, metrics: TranscriptionMetrics? = nil,
                logger: Logger = Logger(label: "sensevoice.jobs"), ownerPrefix: String = JobWorkerService.makeOwnerPrefix()) {
        self.store = store
        self.blobs = blobs
        self.processor = processor
        self.configuration = configuration
        self.wake = wake
        self.metrics = metrics
        self.logger = logger
        self.ownerPrefix = ownerPrefix
    }

    /// `hostname:pid:random`, so leases name the process that holds them.
    public static func makeOwnerPrefix() -> String {
        let info = ProcessInfo.processInfo
        return "\(info.hostName):\(info.processIdentifier):\(UUID().uuidString.prefix(8).lowercased())"
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.processor.waitUntilReady() }
        } catch is CancellationError {
            return
        }
        if Task.isCancelled || Task.isShuttingDownGracefully { return }
        let control = WorkerControl()
        logger.info("job workers started", metadata: ["workers": "\(configuration.workers)", "owner": "\(ownerPrefix)"])
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<configuration.workers {
                group.addTask {
                    await self.loop(index: index, control: control)
                    return true
                }
            }
            group.addTask {
                await self.watchShutdown(control: control)
                return false
            }
            var loopsLeft = configuration.workers
            while let isLoop = await group.next() {
                if isLoop {
                    loopsLeft -= 1
                    if loopsLeft == 0 { group.cancelAll() }
                }
            }
        }
        logger.info("job workers stopped")
    }

    // MARK: - Loops

    private func watchShutdown(control: WorkerControl) async {
        do { try await gracefulShutdown() } catch { return }
        control.stop()
        wake.signal()
        do { try await Task.sleep(for: configuration.shutdownGrace) } catch { return }
        let running = control.cancelAll()
        if running > 0 {
            logger.notice("shutdown grace over: stopping \(running) running job(s); they go back to the queue")
        }
    }

    private func loop(index: Int, control: WorkerControl) async {
        let owner = "\(ownerPrefix)/\(index)"
        while !control.isStopping && !Task.isCancelled {
            let job: JobRecord?
            do {
                job = try await store.claim(owner: owner, lease: configuration.lease, now: Date())
            } catch {
                if Task.isCancelled { break }
                logger.error("cannot claim a job: \(error)")
                await wake.wait(timeout: .seconds(1))
                continue
            }
            guard let job else {
                await wake.wait(timeout: configuration.idlePoll)
                continue
            }
            await run(job, owner: owner, slot: index, control: control)
        }
    }

    private func run(_ job: JobRecord, owner: String, slot: Int, control: WorkerControl) async {
        let log = logger.with(job: job.id)
        log.info("job started", metadata: ["file": "\(job.fileName)", "attempt": "\(job.attempts)"])
        let token = InferenceCancellation()
        control.register(token, slot: slot)
        defer { control.unregister(slot: slot) }
        if control.isStopping && control.isAborting { token.cancel() }

        // A folder store's file is decoded where it lies; other stores hand over the bytes.
        let audio: JobAudio
        do {
            if let file = try blobs.localFile(id: job.id) {
                audio = .file(file)
            } else {
                audio = .bytes(try await blobs.get(id: job.id))
            }
        } catch {
            let e = (error as? JobError) ?? JobError(.audioMissing, "the uploaded audio of job \(job.id) is unreadable: \(error)")
            await finish(job, owner: owner, log: log) { try await store.fail(id: job.id, owner: owner, code: e.code.rawValue, message: e.message, now: Date()) }
            metrics?.recordFailure(code: e.code.rawValue, source: "job")
            return
        }

        let progress = ProgressBox()
        let outcome: Result<TranscriptionResult, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.heartbeat(job.id, owner: owner, progress: progress, token: token, log: log) }
            let outcome: Result<TranscriptionResult, any Error>
            do {
                switch audio {
                case .file(let url):
                    outcome = .success(try await processor.process(job, audioFile: url, cancellation: token, progress: progress.set))
                case .bytes(let bytes):
                    outcome = .success(try await processor.process(job, audio: bytes, cancellation: token, progress: progress.set))
                }
            } catch {
                outcome = .failure(error)
            }
            group.cancelAll()
            return outcome
        }

        switch outcome {
        case .success(let result):
            let stored = await finish(job, owner: owner, log: log) {
                try await store.complete(id: job.id, owner: owner, result: result, now: Date())
            }
            if stored {
                metrics?.recordSuccess(result, source: "job")
                log.info("job succeeded", metadata: ["audio_s": "\(Double(result.durationMs) / 1000)", "rtf": "\(result.timings.rtf)"])
            }
        case .failure(let error):
            if progress.leaseLost {
                log.notice("job stopped: it was deleted or another worker took it over")
            } else if Self.isCancellation(error) {
                let released = await finish(job, owner: owner, log: log) {
                    try await store.release(id: job.id, owner: owner, now: Date())
                }
                if released { log.notice("job stopped by shutdown; back in the queue") }
            } else {
                let (code, message) = Self.describe(error)
                let stored = await finish(job, owner: owner, log: log) {
                    try await store.fail(id: job.id, owner: owner, code: code, message: message, now: Date())
                }
                if stored {
                    metrics?.recordFailure(code: code, source: "job")
                    log.info("job failed", metadata: ["code": "\(code)", "message": "\(message)"])
                }
            }
        }
    }

    /// Writes an outcome; `false` when the job is no longer ours or the write failed (the lease
    /// then expires and the reaper re-queues the job).
    @discardableResult
    private func finish(_ job: JobRecord, owner: String, log: Logger, _ write: () async throws -> Bool) async -> Bool {
        do {
            let done = try await write()
            if !done { log.notice("job outcome dropped: the job was deleted or taken over") }
            return done
        } catch {
            log.error("cannot record the job outcome (the lease will expire and the job run again): \(error)")
            return false
        }
    }

    /// Renews the lease every third of its length and writes progress when it changes.
    private func heartbeat(_ id: String, owner: String, progress: ProgressBox, token: InferenceCancellation, log: Logger) async {
        let clock = ContinuousClock()
        var lastRenewal = clock.now
        let renewEvery = Duration.milliseconds(Int64(configuration.lease * 1000 / 3))
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.progressInterval) } catch { return }
            let value = progress.takeChange()
            guard value != nil || clock.now - lastRenewal >= renewEvery else { continue }
            do {
                let now = Date()
                let held = try await store.heartbeat(id: id, owner: owner, leaseUntil: now.addingTimeInterval(configuration.lease),
                                                     progress: value, now: now)
                lastRenewal = clock.now
                if !held {
                    progress.markLeaseLost()
                    token.cancel()
                    return
                }
            } catch {
                if Task.isCancelled { return }
                log.warning("cannot renew the job lease: \(error)")
            }
        }
    }

    static func isCancellation(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if let e = error as? SenseVoiceError, e.code == .cancelled { return true }
        return false
    }

    /// The code and message stored with a failed job.
    static func describe(_ error: any Error) -> (String, String) {
        switch error {
        case let e as SenseVoiceError: (e.code.rawValue, e.message)
        case let e as JobError: (e.code.rawValue, e.message)
        default: (SenseVoiceError.Code.internalError.rawValue, "the transcription failed unexpectedly: \(error)")
        }
    }
}

/// Stop and abort flags shared by the loops and the shutdown watcher, and the running jobs' tokens.
final class WorkerControl: Sendable {
    private struct State {
        var stopping = false
        var aborting = false
        var running: [Int: InferenceCancellation] = [:]
    }

    private let state = Mutex(State())

    var isStopping: Bool { state.withLock { $0.stopping } }
    var isAborting: Bool { state.withLock { $0.aborting } }

    func stop() { state.withLock { $0.stopping = true } }

    func register(_ token: InferenceCancellation, slot: Int) { state.withLock { $0.running[slot] = token } }
    func unregister(slot: Int) { state.withLock { _ = $0.running.removeValue(forKey: slot) } }

    /// Cancels every running job; returns how many there were.
    func cancelAll() -> Int {
        let tokens = state.withLock { s -> [InferenceCancellation] in
            s.aborting = true
            return Array(s.running.values)
        }
        for t in tokens { t.cancel() }
        return tokens.count
    }
}

/// The latest progress of a running job, handed from the pool thread to the heartbeat.
final class ProgressBox: Sendable {
    private struct State {
        var value: Double = 0
        var changed = false
        var leaseLost = false
    }

    private let state = Mutex(State())

    @Sendable func set(_ value: Double) {
        state.withLock { s in
            let v = min(1, max(0, value))
            if v != s.value {
                s.value = v
                s.changed = true
            }
        }
    }

    /// The value if it changed since the last call.
    func takeChange() -> Double? {
        state.withLock { s in
            guard s.changed else { return nil }
            s.changed = false
            return s.value
        }
    }

    var leaseLost: Bool { state.withLock { $0.leaseLost } }
    func markLeaseLost() { state.withLock { $0.leaseLost = true } }
}

extension Logger {
    /// A copy with the job id in its metadata (`job_id`, as in the JSON logs' docs).
    func with(job id: String) -> Logger {
        var copy = self
        copy[metadataKey: "job_id"] = .string(id)
        return copy
    }
}
