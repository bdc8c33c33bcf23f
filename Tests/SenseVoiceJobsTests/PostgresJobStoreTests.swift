// What only the PostgreSQL store has: migrations from many processes, NOTIFY wake-ups, audio in
// the database, the audit columns, and `--database` URLs.

import Foundation
import PostgresNIO
import SenseVoiceEngine
import SenseVoiceJobs
import SenseVoiceJobsTestSupport
import Testing

@Suite("PostgreSQL job store")
struct PostgresJobStoreTests {
    static let result = TranscriptionResult(file: "a.wav", durationMs: 1234, segments: [], timings: Timings())

    static func job(_ name: String, at t: Double) -> JobRecord {
        JobRecord(batchID: "b", fileName: name, audioBytes: 10, options: TranscriptionOptions(), createdAt: Date(timeIntervalSince1970: t))
    }

    @Test("processes starting at once migrate the schema exactly once")
    func concurrentMigration() async throws {
        try await TestPostgres.withDatabase { url in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<5 {
                    group.addTask { try await PostgresJobStore.withStore(url) { _ in } }
                }
                try await group.waitForAll()
            }
            try await PostgresJobStore.withStore(url) { store in
                var versions: [Int] = []
                for try await version in try await store.client.query("SELECT version FROM sensevoice_migration ORDER BY version")
                    .decode(Int.self) { versions.append(version) }
                #expect(versions == [1])
                try await store.insert([Self.job("a", at: 1)], maxQueued: nil)
                #expect(try await store.counts()[.queued] == 1)
            }
        }
    }

    @Test("a job queued by one process wakes a worker listening in another at once")
    func notifyWakesWorkers() async throws {
        try await TestPostgres.withDatabase { url in
            try await PostgresJobStore.withStore(url) { workerSide in
                let wake = WakeSignal()
                let listener = PostgresWakeListener(client: workerSide.client, wake: wake)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await listener.run() }
                    defer { group.cancelAll() }
                    // The listener signals once when subscribed.
                    let subscribed = ContinuousClock.now
                    await wake.wait(timeout: .seconds(20))
                    #expect(ContinuousClock.now - subscribed < .seconds(15), "the listener never subscribed")

                    try await PostgresJobStore.withStore(url) { apiSide in
                        let sent = ContinuousClock.now
                        async let woke: Void = wake.wait(timeout: .seconds(20))
                        try await Task.sleep(for: .milliseconds(200))
                        try await apiSide.insert([Self.job("a", at: 1)], maxQueued: nil)
                        await woke
                        let elapsed = ContinuousClock.now - sent
                        #expect(elapsed < .seconds(10), "the NOTIFY of an insert wakes waiting workers (took \(elapsed))")
                    }
                }
            }
        }
    }

    @Test("completions are counted and every claimant is recorded")
    func audit() async throws {
        try await TestPostgres.withDatabase { url in
            try await PostgresJobStore.withStore(url) { store in
                try await store.insert([Self.job("a", at: 1), Self.job("b", at: 2)], maxQueued: nil)
                let t = Date(timeIntervalSince1970: 100)
                let a = try #require(try await store.claim(owner: "p1/0", lease: 5, now: t))
                _ = try await store.reapExpiredLeases(now: t.addingTimeInterval(10), maxAttempts: 3)
                let again = try #require(try await store.claim(owner: "p2/0", lease: 5, now: t.addingTimeInterval(10)))
                #expect(again.id == a.id)
                #expect(try await store.complete(id: a.id, owner: "p2/0", result: Self.result, now: t.addingTimeInterval(11)))
                #expect(try await !store.complete(id: a.id, owner: "p1/0", result: Self.result, now: t.addingTimeInterval(12)))
                let trail = try await store.audit()
                #expect(trail.count == 2)
                #expect(trail[0] == PostgresJobStore.Audit(id: a.id, state: .succeeded, attempts: 2, completions: 1, claimedBy: ["p1/0", "p2/0"]))
                #expect(trail[1].state == .queued && trail[1].claimedBy.isEmpty && trail[1].completions == 0)
            }
        }
    }

    @Test("audio kept in the database: put, get, replace, list, delete, and a clear size cap")
    func databaseAudio() async throws {
        try await TestPostgres.withDatabase { url in
            try await PostgresJobStore.withStore(url) { store in
                let blobs = PostgresBlobStore(client: store.client, maxBytes: 1000)
                let id = JobRecord.makeID()
                let bytes = (0..<1000).map { UInt8($0 % 251) }
                try await blobs.put(id: id, bytes: bytes)
                #expect(try await blobs.get(id: id) == bytes)
                try await blobs.put(id: id, bytes: [1, 2, 3])
                #expect(try await blobs.get(id: id) == [1, 2, 3])
                #expect(try await blobs.ids(storedBefore: Date().addingTimeInterval(60)) == [id])
                #expect(try await blobs.ids(storedBefore: Date().addingTimeInterval(-60)).isEmpty)
                do {
                    try await blobs.put(id: JobRecord.makeID(), bytes: [UInt8](repeating: 0, count: 1001))
                    Issue.record("an upload over the cap was stored")
                } catch let e as JobError {
                    #expect(e.code == .audioTooLarge)
                    #expect(e.message.contains("--blob-dir"), "the error says what to do: \(e.message)")
                }
                try await blobs.delete(id: id)
                try await blobs.delete(id: id)
                do {
                    _ = try await blobs.get(id: id)
                    Issue.record("deleted audio was returned")
                } catch let e as JobError {
                    #expect(e.code == .audioMissing)
                }
                await #expect(throws: JobError(.notFound, "'../etc/passwd' is not a job id")) { try await blobs.get(id: "../etc/passwd") }
            }
        }
    }

    @Test("a database nobody answers at is a storage error naming it, not a hang")
    func unreachable() async throws {
        let url = try PostgresURL("postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable")
        let started = ContinuousClock.now
        do {
            try await PostgresJobStore.withStore(url, connectTimeout: .seconds(5)) { _ in }
            Issue.record("opened a store on a closed port")
        } catch let e as JobError {
            #expect(e.code == .storage)
            #expect(e.message.contains("127.0.0.1:1"), "the message names the server: \(e.message)")
            #expect(!e.message.contains("secret"), "no password in messages: \(e.message)")
        }
        #expect(ContinuousClock.now - started < .seconds(5), "a refused connection fails at once")
    }

    @Test("a database that does not exist is refused at once with the server's reason")
    func missingDatabase() async throws {
        guard var url = try TestPostgres.url() else { try Test.cancel(Comment(rawValue: TestPostgres.skipMessage)) }
        url.database = "no_such_database_\(UInt32.random(in: 0...UInt32.max))"
        do {
            try await PostgresJobStore.withStore(url) { _ in }
            Issue.record("opened a database that does not exist")
        } catch let e as JobError {
            #expect(e.code == .storage)
            #expect(e.message.contains(url.database) && e.message.contains("does not exist"), "\(e.message)")
        }
    }
}

@Suite("--database URLs")
struct JobDatabaseURLTests {
    @Test("sqlite and postgres URLs, with libpq's defaults")
    func parsing() throws {
        #expect(try JobDatabase(url: "sqlite:///var/lib/sv/jobs.sqlite") == .sqlite(path: "/var/lib/sv/jobs.sqlite"))
        #expect(try JobDatabase(url: "sqlite:jobs.sqlite") == .sqlite(path: "jobs.sqlite"))
        guard case .postgres(let full) = try JobDatabase(url: "postgres://sv:p%40ss@db.example:6543/queue?sslmode=require&pool=8") else {
            Issue.record("not postgres")
            return
        }
        #expect(full.user == "sv" && full.password == "p@ss" && full.host == "db.example" && full.port == 6543)
        #expect(full.database == "queue" && full.sslMode == .require && full.maximumConnections == 8)
        #expect(full.redacted == "postgres://sv:***@db.example:6543/queue")
        let bare = try PostgresURL("postgresql://localhost")
        #expect(bare.user == "postgres" && bare.database == "postgres" && bare.port == 5432 && bare.sslMode == .prefer && bare.password == nil)
        let socket = try PostgresURL("postgres://me@/jobs?host=/run/postgresql")
        #expect(socket.socketDirectory == "/run/postgresql" && socket.database == "jobs")
        #expect(try JobDatabase(url: "postgres://x@h/db").isShared)
        #expect(try !JobDatabase(url: "sqlite:///a").isShared)
    }

    @Test("unusable URLs are refused with what to write instead", arguments: [
        "mysql://u:pw@h/db", "/var/lib/jobs.sqlite", "sqlite://", "postgres://h/db?sslmode=verify-full", "postgres://h/db?pool=1",
        "postgres://u@h/db?host=relative",
    ])
    func refused(text: String) {
        do {
            _ = try JobDatabase(url: text)
            Issue.record("accepted \(text)")
        } catch let e as JobError {
            #expect(e.code == .invalidDatabase)
            #expect(!e.message.contains(":pw@"), "no password in messages: \(e.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
