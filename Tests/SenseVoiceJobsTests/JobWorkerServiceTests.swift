// Job workers with a fake processor: outcomes, deletion mid-run, graceful shutdown, crash recovery.

import Foundation
import Logging
import SenseVoiceEngine
import SenseVoiceJobs
import ServiceLifecycle
import Synchronization
import Testing

/// A processor whose behaviour depends on the job's file name.
struct FakeProcessor: JobProcessing {
    /// `ok` (quick result), `bad` (audio error), `slow` (runs until cancelled, 20 s at most), `short` (300 ms),
    /// `held` (reports progress 0.5, then waits until `seen.release` is set or it is cancelled, 20 s at most).
    let seen = Seen()

    final class Seen: Sendable {
        let cancelled = Atomic<Int>(0)
        let started = Atomic<Int>(0)
        /// Lets a `held` job finish.
        let release = Atomic<Bool>(false)
    }

    func waitUntilReady() async throws {}

    func process(_ job: JobRecord, audio: [UInt8], cancellation: InferenceCancellation,
                 progress: @escaping @Sendable (Double) -> Void) async throws -> TranscriptionResult {
        seen.started.add(1, ordering: .relaxed)
        switch job.fileName {
        case "bad":
            throw SenseVoiceError(.audioUnsupported, "not audio")
        case "held":
            progress(0.5)
            let deadline = ContinuousClock.now + .seconds(20)
            while !seen.release.load(ordering: .relaxed) && ContinuousClock.now < deadline {
                if cancellation.isCancelled {
                    seen.cancelled.add(1, ordering: .relaxed)
                    throw InferenceCancellation.error
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
            progress(1)
            return TranscriptionResult(file: job.fileName, durationMs: audio.count, segments: [], timings: Timings())
        case "slow", "short":
            let steps = job.fileName == "slow" ? 1000 : 15
            for step in 0..<steps {
                if cancellation.isCancelled {
                    seen.cancelled.add(1, ordering: .relaxed)
                    throw InferenceCancellation.error
                }
                progress(Double(step) / Double(steps))
                try? await Task.sleep(for: .milliseconds(20))
            }
            fallthrough
        default:
            progress(1)
            return TranscriptionResult(file: job.fileName, durationMs: audio.count, segments: [], timings: Timings())
        }
    }
}

/// A store, blobs and a worker service in a temporary folder.
struct WorkerFixture {
    let store: SQLiteJobStore
    let blobs: FileBlobStore
    let wake = WakeSignal()
    let processor = FakeProcessor()

    init() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-workers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLiteJobStore(path: dir.appendingPathComponent("jobs.sqlite").path)
        blobs = try FileBlobStore(directory: dir.appendingPathComponent("audio"))
    }

    func service(workers: Int = 2, lease: TimeInterval = 1, grace: Duration = .milliseconds(200)) -> JobWorkerService {
        JobWorkerService(store: store, blobs: blobs, processor: processor,
                         configuration: JobWorkerConfiguration(workers: workers, lease: lease, idlePoll: .milliseconds(100),
                                                               shutdownGrace: grace, progressInterval: .milliseconds(20)),
                         wake: wake)
    }

    @discardableResult
    func submit(_ names: [String]) async throws -> [JobRecord] {
        let jobs = names.enumerated().map { i, name in
            JobRecord(batchID: "b", fileName: name, audioBytes: 3, options: TranscriptionOptions(), createdAt: Date().addingTimeInterval(Double(i) * 0.001))
        }
        for job in jobs { try await blobs.put(id: job.id, bytes: [1, 2, 3]) }
        try await store.insert(jobs, maxQueued: nil)
        wake.signal()
        return jobs
    }

    func waitFor(_ id: String, timeout: Duration = .seconds(20), _ condition: (JobRecord?) -> Bool) async throws -> JobRecord? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let job = try await store.job(id: id)
            if condition(job) { return job }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting on job \(id)")
        return try await store.job(id: id)
    }
}

/// Runs services in a group until `body` returns, then shuts them down gracefully.
func withServices(_ services: [any Service], _ body: () async throws -> Void) async throws {
    let group = ServiceGroup(services: services, logger: Logger(label: "test"))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

@Suite("JobWorkerService")
struct JobWorkerServiceTests {
    @Test("jobs run to succeeded or failed with the processor's error code")
    func outcomes() async throws {
        let f = try WorkerFixture()
        try await withServices([f.service()]) {
            let jobs = try await f.submit(["ok", "bad", "short"])
            for job in jobs {
                let done = try await f.waitFor(job.id) { $0?.state.isFinished == true }
                #expect(done?.attempts == 1)
            }
            #expect(try await f.store.job(id: jobs[0].id)?.state == .succeeded)
            #expect(try await f.store.result(id: jobs[0].id)?.durationMs == 3)
            let bad = try await f.store.job(id: jobs[1].id)
            #expect(bad?.state == .failed && bad?.errorCode == "audio_unsupported")
            #expect(try await f.store.job(id: jobs[2].id)?.state == .succeeded)
        }
    }

    /// The job reports half its progress and then waits for the test, so the running state with
    /// progress written is there to observe however slowly the machine runs; then it is released.
    @Test("progress is written while a job runs")
    func progress() async throws {
        let f = try WorkerFixture()
        try await withServices([f.service(workers: 1)]) {
            let job = try await f.submit(["held"])[0]
            let running = try await f.waitFor(job.id) { ($0?.progress ?? 0) > 0.2 && $0?.state == .running }
            #expect(running?.state == .running)
            #expect(running?.progress == 0.5, "\(String(describing: running))")
            f.processor.seen.release.store(true, ordering: .relaxed)
            let done = try await f.waitFor(job.id) { $0?.state == .succeeded }
            #expect(done?.state == .succeeded)
        }
    }

    @Test("a job deleted while it runs stops at the next heartbeat and writes nothing")
    func deletedWhileRunning() async throws {
        let f = try WorkerFixture()
        try await withServices([f.service(workers: 1)]) {
            let job = try await f.submit(["slow"])[0]
            _ = try await f.waitFor(job.id) { $0?.state == .running }
            _ = try await f.store.delete(id: job.id)
            let deadline = ContinuousClock.now + .seconds(5)
            while f.processor.seen.cancelled.load(ordering: .relaxed) == 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let cancelled = f.processor.seen.cancelled.load(ordering: .relaxed)
            #expect(cancelled == 1)
            #expect(try await f.store.job(id: job.id) == nil)
        }
    }

    @Test("graceful shutdown stops a long job after the grace period and puts it back in the queue")
    func shutdownRequeues() async throws {
        let f = try WorkerFixture()
        var id = ""
        try await withServices([f.service(workers: 1, grace: .milliseconds(200))]) {
            id = try await f.submit(["slow"])[0].id
            _ = try await f.waitFor(id) { $0?.state == .running }
        }
        let job = try #require(try await f.store.job(id: id))
        #expect(job.state == .queued)
        #expect(job.attempts == 0, "a job stopped by shutdown does not count an attempt")
        let cancelled = f.processor.seen.cancelled.load(ordering: .relaxed)
        #expect(cancelled == 1)
    }

    @Test("graceful shutdown lets a job that finishes within the grace period finish")
    func shutdownFinishes() async throws {
        let f = try WorkerFixture()
        var id = ""
        try await withServices([f.service(workers: 1, grace: .seconds(10))]) {
            id = try await f.submit(["short"])[0].id
            _ = try await f.waitFor(id) { $0?.state == .running }
        }
        #expect(try await f.store.job(id: id)?.state == .succeeded)
    }

    @Test("a job held by a dead worker is re-queued by the reaper and finished by a live one")
    func crashRecovery() async throws {
        let f = try WorkerFixture()
        let job = try await f.submit(["ok"])[0]
        // A worker that "died" right after claiming: its lease ends one second from now.
        _ = try await f.store.claim(owner: "dead-process/0", lease: 1, now: Date())
        let reaper = LeaseReaper(store: f.store, maxAttempts: 3, wake: f.wake).service(every: .milliseconds(200))
        try await withServices([reaper, f.service()]) {
            let done = try await f.waitFor(job.id) { $0?.state == .succeeded }
            #expect(done?.attempts == 2)
        }
    }

    @Test("a job whose audio is missing fails with audio_missing")
    func missingAudio() async throws {
        let f = try WorkerFixture()
        let job = try await f.submit(["ok"])[0]
        try await f.blobs.delete(id: job.id)
        try await withServices([f.service()]) {
            let done = try await f.waitFor(job.id) { $0?.state.isFinished == true }
            #expect(done?.state == .failed && done?.errorCode == "audio_missing")
        }
    }
}

@Suite("RetentionSweeper and WakeSignal")
struct MaintenanceTests {
    @Test("the sweeper deletes finished jobs past retention with their audio, and orphaned audio")
    func sweep() async throws {
        let f = try WorkerFixture()
        let jobs = try await f.submit(["done", "waiting"])
        let claimed = try #require(try await f.store.claim(owner: "w", lease: 10, now: Date()))
        _ = try await f.store.complete(id: claimed.id, owner: "w", result: TranscriptionResult(file: nil, durationMs: 1, segments: [], timings: Timings()),
                                       now: Date().addingTimeInterval(-7200))
        let orphan = JobRecord.makeID()
        try await f.blobs.put(id: orphan, bytes: [9])
        let sweeper = RetentionSweeper(store: f.store, blobs: f.blobs, retention: 3600)
        #expect(await sweeper.sweepOnce(now: Date().addingTimeInterval(7200)) == 1)
        #expect(try await f.store.job(id: jobs[0].id) == nil)
        #expect(try await f.store.job(id: jobs[1].id) != nil)
        await #expect(throws: JobError.self) { try await f.blobs.get(id: jobs[0].id) }
        #expect(try await f.blobs.get(id: jobs[1].id) == [1, 2, 3], "a queued job keeps its audio")
        await #expect(throws: JobError.self) { try await f.blobs.get(id: orphan) }
    }

    @Test("a signal sent before waiting is not lost; waiting times out otherwise")
    func wake() async {
        let signal = WakeSignal()
        signal.signal()
        let clock = ContinuousClock()
        var start = clock.now
        await signal.wait(timeout: .seconds(10))
        #expect(clock.now - start < .seconds(5))
        start = clock.now
        await signal.wait(timeout: .milliseconds(100))
        #expect(clock.now - start >= .milliseconds(90))
    }
}
