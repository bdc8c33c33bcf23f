// The SQLite job store: queue order, leases, outcomes, reaping, retention, persistence.

import Foundation
import SenseVoiceEngine
import SenseVoiceJobs
import Testing

@Suite("SQLiteJobStore")
struct SQLiteJobStoreTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sv-jobs-\(UUID().uuidString).sqlite").path
    }

    static func job(_ name: String, batch: String = "b", at t: Double) -> JobRecord {
        JobRecord(batchID: batch, fileName: name, audioBytes: 10, options: TranscriptionOptions(language: .zh, useITN: false),
                  createdAt: Date(timeIntervalSince1970: t))
    }

    static let result = TranscriptionResult(file: "a.wav", durationMs: 1234, segments: [], timings: Timings())

    @Test("jobs are claimed oldest first, once, with an attempt counted and a lease")
    func claimOrder() async throws {
        let store = try SQLiteJobStore(path: Self.temporaryPath())
        try await store.insert([Self.job("b", at: 20), Self.job("a", at: 10)], maxQueued: nil)
        let now = Date(timeIntervalSince1970: 100)
        let first = try #require(try await store.claim(owner: "w1", lease: 30, now: now))
        #expect(first.fileName == "a")
        #expect(first.state == .running)
        #expect(first.attempts == 1)
        #expect(first.leaseOwner == "w1")
        #expect(first.leaseExpiresAt == Date(timeIntervalSince1970: 130))
        #expect(first.options == TranscriptionOptions(language: .zh, useITN: false))
        let second = try #require(try await store.claim(owner: "w2", lease: 30, now: now))
        #expect(second.fileName == "b")
        #expect(try await store.claim(owner: "w3", lease: 30, now: now) == nil)
    }

    @Test("concurrent claims never hand one job to two workers")
    func concurrentClaims() async throws {
        let store = try SQLiteJobStore(path: Self.temporaryPath())
        try await store.insert((0..<40).map { Self.job("\($0)", at: Double($0)) }, maxQueued: nil)
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for w in 0..<8 {
                group.addTask {
                    var ids: [String] = []
                    while let job = try await store.claim(owner: "w\(w)", lease: 30, now: Date()) { ids.append(job.id) }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 40)
        #expect(Set(claimed).count == 40)
    }

    @Test("only the lease owner may heartbeat, complete, fail or release")
    func ownership() async throws {
        let store = try SQLiteJobStore(path: Self.temporaryPath())
        try await store.insert([Self.job("a", at: 1)], maxQueued: nil)
        let job = try #require(try await store.claim(owner: "w1", lease: 30, now: Date()))
        #expect(try await !store.heartbeat(id: job.id, owner: "w2", leaseUntil: Date(), progress: 0.5, now: Date()))
        #expect(try await store.heartbeat(id: job.id, owner: "w1", leaseUntil: Date().addingTimeInterval(60), progress: 0.5, now: Date()))
        #expect(try await store.job(id: job.id)?.progress == 0.5)
        #expect(try await !store.complete(id: job.id, owner: "w2", result: Self.result, now: Date()))
        #expect(try await !store.fail(id: job.id, owner: "w2", code: "x", message: "y", now: Date()))
        #expect(try await !store.release(id: job.id, owner: "w2", now: Date()))
        #expect(try await store.complete(id: job.id, owner: "w1", result: Self.result, now: Date()))
        let done = try #require(try await store.job(id: job.id))
        #expect(done.state == .succeeded)
        #expect(done.progress == 1)
        #expect(done.durationMs == 1234)
        #expect(done.leaseOwner == nil)
        #expect(try await store.result(id: job.id) == Self.result)
        #expect(try await !store.complete(id: job.id, owner: "w1", result: Self.result, now: Date()), "a finished job cannot finish twice")
    }

    @Test("fail stores the error; release re-queues without counting the attempt")
    func failAndRelease() async throws {
        let store = try SQLiteJobStore(path: Self.temporaryPath())
        try await store.insert([Self.job("a", at: 1), Self.job("b", at: 2)], maxQueued: nil)
        let a = try #require(try await store.claim(owner: "w", lease: 30, now: Date()))
        #expect(try await store.fail(id: a.id, owner: "w", code: "audio_unsupported", message: "not audio", now: Date()))
        let failed = try #require(try await store.job(id: a.id))
        #expect(failed.state == .failed && failed.errorCode == "audio_unsupported" && failed.errorMessage == "not audio")
        #expect(try await store.result(id: a.id) == nil)
        let b = try #require(try await store.claim(owner: "w", lease: 30, now: Date()))
        #expect(try await store.release(id: b.id, owner: "w", now: Date()))
        let released = try #require(try await store.job(id: b.id))
        #expect(released.state == .queued && released.attempts == 0 && released.leaseOwner == nil)
    }

    @Test("expired leases are re-queued, and failed after max attempts")
    func reaping() async throws {
        let store = try SQLiteJobStore(path: Self.temporaryPath())
        try await store.insert([Self.job("a", at: 1)], maxQueued: nil)
        var t = Date(timeIntervalSince1970: 1000)
        for attempt in 1...3 {
            let job = try #require(try await store.claim(owner: "dead\(attempt)", lease: 10, now: t))
            #expect(job.attempts == attempt)
            var (requeued, failed) = try await store.reapExpiredLeases(now: t.addingTimeInterval(5), maxAttempts: 3)
            #expect(requeued.isEmpty && failed.isEmpty, "a live lease is left alone")
            t = t.addingTimeInterval(11)
            (requeued, failed) = try await store.reapExpiredLeases(now: t, maxAttempts: 3)
            if attempt < 3 {
                #expect(requeued == [job.id] && failed.isEmpty)
                #expect(try await store.job(id: job.id)?.state == .queued)
                #expect(try await !store.complete(id: job.id, owner: "dead\(attempt)", result: Self.result, now: t), "the old owner lost the job")
            } else {
                #expect(failed == [job.id] && requeued.isEmpty)
                let lost = try #require(try await store.job(id: job.id))
                #expect(lost.state == .failed && lost.errorCode == "worker_lost")
            }
        }
    }

    @Test("maxQueued refuses a whole batch atomically")
    func queueLimit() async throws {
        let store = try SQLiteJobStore(path: Self.temporaryPath())
        try await store.insert([Self.job("a", at: 1)], maxQueued: 2)
        do {
            try await store.insert([Self.job("b", at: 2), Self.job("c", at: 3)], maxQueued: 2)
            Issue.record("a batch over the limit was accepted")
        } catch let e as JobError {
            #expect(e.code == .queueFull)
        }
        #expect(try await store.counts()[.queued] == 1)
        try await store.insert([Self.job("b", at: 2)], maxQueued: 2)
        #expect(try await store.counts() == [.queued: 2, .running: 0, .succeeded: 0, .failed: 0])
    }

    @Test("list filters by state and batch, newest first, with paging; delete returns the job")
    func listAndDelete() async throws {
        let store = try SQLiteJobStore(path: Self.temporaryPath())
        try await store.insert([Self.job("a", batch: "x", at: 1), Self.job("b", batch: "x", at: 2), Self.job("c", batch: "y", at: 3)], maxQueued: nil)
        #expect(try await store.list(JobQuery()).map(\.fileName) == ["c", "b", "a"])
        #expect(try await store.list(JobQuery(batchID: "x")).map(\.fileName) == ["b", "a"])
        #expect(try await store.list(JobQuery(limit: 1, offset: 1)).map(\.fileName) == ["b"])
        _ = try await store.claim(owner: "w", lease: 10, now: Date())
        #expect(try await store.list(JobQuery(state: .running)).map(\.fileName) == ["a"])
        let a = try #require(try await store.list(JobQuery(state: .running)).first)
        #expect(try await store.delete(id: a.id)?.fileName == "a")
        #expect(try await store.delete(id: a.id) == nil)
        #expect(try await !store.exists(id: a.id))
        #expect(try await !store.heartbeat(id: a.id, owner: "w", leaseUntil: Date(), progress: nil, now: Date()), "a deleted job's worker learns it lost the job")
    }

    @Test("purge deletes finished jobs past the cutoff only")
    func purge() async throws {
        let store = try SQLiteJobStore(path: Self.temporaryPath())
        try await store.insert([Self.job("old", at: 1), Self.job("new", at: 2), Self.job("queued", at: 3)], maxQueued: nil)
        let old = try #require(try await store.claim(owner: "w", lease: 10, now: Date(timeIntervalSince1970: 100)))
        _ = try await store.complete(id: old.id, owner: "w", result: Self.result, now: Date(timeIntervalSince1970: 100))
        let new = try #require(try await store.claim(owner: "w", lease: 10, now: Date(timeIntervalSince1970: 500)))
        _ = try await store.fail(id: new.id, owner: "w", code: "c", message: "m", now: Date(timeIntervalSince1970: 500))
        #expect(try await store.purge(finishedBefore: Date(timeIntervalSince1970: 300)) == [old.id])
        #expect(try await store.list(JobQuery()).map(\.fileName).sorted() == ["new", "queued"])
    }

    @Test("jobs survive closing and reopening the database")
    func persistence() async throws {
        let path = Self.temporaryPath()
        var id = ""
        do {
            let store = try SQLiteJobStore(path: path)
            try await store.insert([Self.job("a", at: 1)], maxQueued: nil)
            id = try #require(try await store.claim(owner: "gone", lease: 1, now: Date(timeIntervalSince1970: 10))).id
        }
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.job(id: id)?.state == .running)
        #expect(try await reopened.reapExpiredLeases(now: Date(timeIntervalSince1970: 20), maxAttempts: 3).requeued == [id])
    }

    @Test("an unwritable path is a storage error that names it")
    func unwritable() {
        #expect(throws: JobError.self) { try SQLiteJobStore(path: "/proc/nope/jobs.sqlite") }
    }
}
