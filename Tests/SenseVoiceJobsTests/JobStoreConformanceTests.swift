// One contract, every store: SQLite and PostgreSQL must queue, lease, finish, reap and purge alike.

import Foundation
import Logging
import PostgresNIO
import SenseVoiceEngine
import SenseVoiceJobs
import SenseVoiceJobsTestSupport
import Synchronization
import Testing

/// The job stores under test.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Calls `body` with a fresh, empty store and a way to open the same database again.
    /// PostgreSQL cases are skipped (cancelled, not failed) when no test server is configured.
    func withStore(_ body: @Sendable (any JobStore, _ reopen: Reopener) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sv-conformance-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await body(try SQLiteJobStore(path: path), { inner in try await inner(try SQLiteJobStore(path: path)) })
        case .postgres:
            try await TestPostgres.withDatabase { url in
                try await PostgresJobStore.withStore(url) { store in
                    try await body(store, { inner in try await PostgresJobStore.withStore(url) { try await inner($0) } })
                }
            }
        }
    }

    /// Opens the store's database a second time (a new process, as far as the store can tell).
    typealias Reopener = @Sendable (_ inner: @Sendable (any JobStore) async throws -> Void) async throws -> Void
}

@Suite("JobStore conformance (SQLite and PostgreSQL)")
struct JobStoreConformanceTests {
    static func job(_ name: String, batch: String = "b", at t: Double) -> JobRecord {
        JobRecord(batchID: batch, fileName: name, audioBytes: 10, options: TranscriptionOptions(language: .zh, useITN: false),
                  createdAt: Date(timeIntervalSince1970: t))
    }

    static let result = TranscriptionResult(file: "a.wav", durationMs: 1234, segments: [], timings: Timings())

    @Test("jobs are claimed oldest first, once, with an attempt counted and a lease", arguments: StoreKind.allCases)
    func claimOrder(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
            try await store.insert([Self.job("b", at: 20), Self.job("a", at: 10)], maxQueued: nil)
            let now = Date(timeIntervalSince1970: 100)
            let first = try #require(try await store.claim(owner: "w1", lease: 30, now: now))
            #expect(first.fileName == "a")
            #expect(first.state == .running)
            #expect(first.attempts == 1)
            #expect(first.leaseOwner == "w1")
            #expect(first.leaseExpiresAt == Date(timeIntervalSince1970: 130))
            #expect(first.startedAt == now)
            #expect(first.options == TranscriptionOptions(language: .zh, useITN: false))
            #expect(first.createdAt == Date(timeIntervalSince1970: 10))
            let second = try #require(try await store.claim(owner: "w2", lease: 30, now: now))
            #expect(second.fileName == "b")
            #expect(try await store.claim(owner: "w3", lease: 30, now: now) == nil)
            #expect(try await store.job(id: first.id) == first, "a read returns what the claim returned")
        }
    }

    @Test("jobs created in the same microsecond keep their insertion order", arguments: StoreKind.allCases)
    func sameTimeOrder(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
            try await store.insert((0..<5).map { Self.job("\($0)", at: 50) }, maxQueued: nil)
            var names: [String] = []
            while let job = try await store.claim(owner: "w", lease: 30, now: Date()) { names.append(job.fileName) }
            #expect(names == ["0", "1", "2", "3", "4"])
        }
    }

    @Test("concurrent claims never hand one job to two workers", arguments: StoreKind.allCases)
    func concurrentClaims(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
            try await store.insert((0..<60).map { Self.job("\($0)", at: Double($0)) }, maxQueued: nil)
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for w in 0..<10 {
                    group.addTask {
                        var ids: [String] = []
                        while let job = try await store.claim(owner: "w\(w)", lease: 30, now: Date()) { ids.append(job.id) }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 60)
            #expect(Set(claimed).count == 60)
            #expect(try await store.counts() == [.queued: 0, .running: 60, .succeeded: 0, .failed: 0])
        }
    }

    @Test("only the lease owner may heartbeat, complete, fail or release; a job finishes once", arguments: StoreKind.allCases)
    func ownership(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
            try await store.insert([Self.job("a", at: 1)], maxQueued: nil)
            let job = try #require(try await store.claim(owner: "w1", lease: 30, now: Date()))
            #expect(try await !store.heartbeat(id: job.id, owner: "w2", leaseUntil: Date(), progress: 0.5, now: Date()))
            let until = Date(timeIntervalSince1970: 4_000_000_000)
            #expect(try await store.heartbeat(id: job.id, owner: "w1", leaseUntil: until, progress: 0.5, now: Date()))
            #expect(try await store.job(id: job.id)?.progress == 0.5)
            #expect(try await store.job(id: job.id)?.leaseExpiresAt == until)
            #expect(try await store.heartbeat(id: job.id, owner: "w1", leaseUntil: until, progress: nil, now: Date()))
            #expect(try await store.job(id: job.id)?.progress == 0.5, "a heartbeat without progress keeps it")
            #expect(try await !store.complete(id: job.id, owner: "w2", result: Self.result, now: Date()))
            #expect(try await !store.fail(id: job.id, owner: "w2", code: "x", message: "y", now: Date()))
            #expect(try await !store.release(id: job.id, owner: "w2", now: Date()))
            let finishedAt = Date(timeIntervalSince1970: 2_000_000_000)
            #expect(try await store.complete(id: job.id, owner: "w1", result: Self.result, now: finishedAt))
            let done = try #require(try await store.job(id: job.id))
            #expect(done.state == .succeeded)
            #expect(done.progress == 1)
            #expect(done.durationMs == 1234)
            #expect(done.leaseOwner == nil && done.leaseExpiresAt == nil)
            #expect(done.finishedAt == finishedAt)
            #expect(try await store.result(id: job.id) == Self.result)
            #expect(try await !store.complete(id: job.id, owner: "w1", result: Self.result, now: Date()), "a finished job cannot finish twice")
            #expect(try await !store.fail(id: job.id, owner: "w1", code: "x", message: "y", now: Date()))
            #expect(try await store.job(id: job.id)?.state == .succeeded)
        }
    }

    @Test("fail stores the error; release re-queues without counting the attempt", arguments: StoreKind.allCases)
    func failAndRelease(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
            try await store.insert([Self.job("a", at: 1), Self.job("b", at: 2)], maxQueued: nil)
            let a = try #require(try await store.claim(owner: "w", lease: 30, now: Date()))
            #expect(try await store.fail(id: a.id, owner: "w", code: "audio_unsupported", message: "not audio", now: Date()))
            let failed = try #require(try await store.job(id: a.id))
            #expect(failed.state == .failed && failed.errorCode == "audio_unsupported" && failed.errorMessage == "not audio")
            #expect(try await store.result(id: a.id) == nil)
            let b = try #require(try await store.claim(owner: "w", lease: 30, now: Date()))
            #expect(try await store.release(id: b.id, owner: "w", now: Date()))
            let released = try #require(try await store.job(id: b.id))
            #expect(released.state == .queued && released.attempts == 0 && released.leaseOwner == nil && released.startedAt == nil)
            #expect(try await store.claim(owner: "w2", lease: 30, now: Date())?.id == b.id, "a released job is claimable again")
        }
    }

    @Test("expired leases are re-queued, and failed after max attempts; the old owner cannot finish", arguments: StoreKind.allCases)
    func reaping(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
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
                    #expect(try await !store.heartbeat(id: job.id, owner: "dead\(attempt)", leaseUntil: t, progress: nil, now: t))
                } else {
                    #expect(failed == [job.id] && requeued.isEmpty)
                    let lost = try #require(try await store.job(id: job.id))
                    #expect(lost.state == .failed && lost.errorCode == "worker_lost")
                }
            }
        }
    }

    @Test("a stale worker cannot complete a job another worker took over", arguments: StoreKind.allCases)
    func staleCompletion(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
            try await store.insert([Self.job("a", at: 1)], maxQueued: nil)
            let t = Date(timeIntervalSince1970: 1000)
            let job = try #require(try await store.claim(owner: "slow", lease: 5, now: t))
            _ = try await store.reapExpiredLeases(now: t.addingTimeInterval(6), maxAttempts: 3)
            let again = try #require(try await store.claim(owner: "fresh", lease: 5, now: t.addingTimeInterval(6)))
            #expect(again.id == job.id && again.attempts == 2)
            #expect(try await !store.complete(id: job.id, owner: "slow", result: Self.result, now: t.addingTimeInterval(7)))
            #expect(try await store.complete(id: job.id, owner: "fresh", result: Self.result, now: t.addingTimeInterval(8)))
            #expect(try await !store.complete(id: job.id, owner: "slow", result: Self.result, now: t.addingTimeInterval(9)))
            #expect(try await store.job(id: job.id)?.finishedAt == t.addingTimeInterval(8))
        }
    }

    @Test("maxQueued refuses a whole batch atomically", arguments: StoreKind.allCases)
    func queueLimit(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
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
    }

    @Test("a duplicate id is a storage error and adds nothing", arguments: StoreKind.allCases)
    func duplicateID(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
            let a = Self.job("a", at: 1)
            try await store.insert([a], maxQueued: nil)
            var b = Self.job("b", at: 2)
            let c = Self.job("c", at: 3)
            b.id = a.id
            await #expect(throws: JobError.self) { try await store.insert([c, b], maxQueued: nil) }
            #expect(try await !store.exists(id: c.id), "the batch is all or nothing")
            #expect(try await store.counts()[.queued] == 1)
        }
    }

    @Test("list filters by state and batch, newest first, with paging; delete returns the job", arguments: StoreKind.allCases)
    func listAndDelete(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
            try await store.insert([Self.job("a", batch: "x", at: 1), Self.job("b", batch: "x", at: 2), Self.job("c", batch: "y", at: 3)], maxQueued: nil)
            #expect(try await store.list(JobQuery()).map(\.fileName) == ["c", "b", "a"])
            #expect(try await store.list(JobQuery(batchID: "x")).map(\.fileName) == ["b", "a"])
            #expect(try await store.list(JobQuery(limit: 1, offset: 1)).map(\.fileName) == ["b"])
            #expect(try await store.list(JobQuery(state: .succeeded)).isEmpty)
            _ = try await store.claim(owner: "w", lease: 10, now: Date())
            #expect(try await store.list(JobQuery(state: .running)).map(\.fileName) == ["a"])
            #expect(try await store.list(JobQuery(state: .queued, batchID: "x")).map(\.fileName) == ["b"])
            let a = try #require(try await store.list(JobQuery(state: .running)).first)
            #expect(try await store.delete(id: a.id)?.fileName == "a")
            #expect(try await store.delete(id: a.id) == nil)
            #expect(try await !store.exists(id: a.id))
            #expect(try await store.job(id: a.id) == nil)
            #expect(try await !store.heartbeat(id: a.id, owner: "w", leaseUntil: Date(), progress: nil, now: Date()), "a deleted job's worker learns it lost the job")
        }
    }

    @Test("purge deletes finished jobs past the cutoff only", arguments: StoreKind.allCases)
    func purge(kind: StoreKind) async throws {
        try await kind.withStore { store, _ in
            try await store.insert([Self.job("old", at: 1), Self.job("new", at: 2), Self.job("queued", at: 3)], maxQueued: nil)
            let old = try #require(try await store.claim(owner: "w", lease: 10, now: Date(timeIntervalSince1970: 100)))
            _ = try await store.complete(id: old.id, owner: "w", result: Self.result, now: Date(timeIntervalSince1970: 100))
            let new = try #require(try await store.claim(owner: "w", lease: 10, now: Date(timeIntervalSince1970: 500)))
            _ = try await store.fail(id: new.id, owner: "w", code: "c", message: "m", now: Date(timeIntervalSince1970: 500))
            #expect(try await store.purge(finishedBefore: Date(timeIntervalSince1970: 300)) == [old.id])
            #expect(try await store.list(JobQuery()).map(\.fileName).sorted() == ["new", "queued"])
        }
    }

    @Test("jobs survive closing and reopening the database", arguments: StoreKind.allCases)
    func persistence(kind: StoreKind) async throws {
        try await kind.withStore { store, reopen in
            try await store.insert([Self.job("a", at: 1)], maxQueued: nil)
            let id = try #require(try await store.claim(owner: "gone", lease: 1, now: Date(timeIntervalSince1970: 10))).id
            try await reopen { (reopened: any JobStore) async throws in
                #expect(try await reopened.job(id: id)?.state == .running)
                #expect(try await reopened.reapExpiredLeases(now: Date(timeIntervalSince1970: 20), maxAttempts: 3).requeued == [id])
            }
            #expect(try await store.job(id: id)?.state == .queued, "both handles see one database")
        }
    }
}
