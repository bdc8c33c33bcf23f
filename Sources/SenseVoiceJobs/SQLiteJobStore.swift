// The embedded job store: one SQLite file in WAL mode through GRDB's DatabasePool.

public import Foundation
import GRDB
public import SenseVoiceEngine

/// A ``JobStore`` in one SQLite database (WAL journal: readers never block the writer).
///
/// The database survives `SIGKILL`: every change is a committed transaction before the call
/// returns (`synchronous=NORMAL` in WAL mode loses nothing on a process crash, only on a power
/// cut). Times are stored as seconds since 1970 (`REAL`), the result as JSON text.
public struct SQLiteJobStore: JobStore {
    private let db: DatabasePool

    /// Opens (creating when needed) and migrates the database at `path`.
    /// - Throws: `JobError(.storage)` when the file cannot be opened or migrated.
    public init(path: String) throws {
        var config = Configuration()
        config.label = "sensevoice-jobs"
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            // Created owner-only before SQLite opens it; its -wal and -shm files take the same mode.
            PrivateFiles.prepareFile(path)
            db = try DatabasePool(path: path, configuration: config)
            for suffix in ["-wal", "-shm"] { PrivateFiles.restrict(path + suffix) }
            try Self.migrator.migrate(db)
        } catch {
            throw JobError(.storage, "cannot open the job database \(path): \(error); check that --data-dir is writable")
        }
    }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE job (
                    id TEXT PRIMARY KEY NOT NULL,
                    batch_id TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    audio_bytes INTEGER NOT NULL,
                    options TEXT NOT NULL,
                    state TEXT NOT NULL,
                    progress REAL NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    lease_owner TEXT,
                    lease_expires_at REAL,
                    duration_ms INTEGER,
                    result TEXT,
                    error_code TEXT,
                    error_message TEXT,
                    created_at REAL NOT NULL,
                    started_at REAL,
                    finished_at REAL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX job_queue ON job(state, created_at);
                CREATE INDEX job_batch ON job(batch_id, created_at);
                CREATE INDEX job_created ON job(created_at);
                """)
        }
        return m
    }

    /// Every column but the result.
    private static let columns = """
        id, batch_id, file_name, audio_bytes, options, state, progress, attempts, lease_owner, \
        lease_expires_at, duration_ms, error_code, error_message, created_at, started_at, finished_at, updated_at
        """

    public func insert(_ jobs: [JobRecord], maxQueued: Int?) async throws {
        let rows = try jobs.map { job in (job, try Self.encode(job.options)) }
        try await write { db in
            if let maxQueued {
                let queued = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job WHERE state = 'queued'") ?? 0
                if queued + jobs.count > maxQueued {
                    throw JobError(.queueFull, "the job queue is full (\(queued) waiting, limit \(maxQueued)); retry later")
                }
            }
            for (job, options) in rows {
                try db.execute(sql: """
                    INSERT INTO job (id, batch_id, file_name, audio_bytes, options, state, progress, attempts,
                                     created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'queued', 0, 0, ?, ?)
                    """, arguments: [job.id, job.batchID, job.fileName, job.audioBytes, options,
                                     job.createdAt.timeIntervalSince1970, job.createdAt.timeIntervalSince1970])
            }
        }
    }

    public func claim(owner: String, lease: TimeInterval, now: Date) async throws -> JobRecord? {
        let t = now.timeIntervalSince1970
        return try await write { db in
            let row = try Row.fetchOne(db, sql: """
                UPDATE job SET state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
                               progress = 0, started_at = ?, updated_at = ?
                WHERE id = (SELECT id FROM job WHERE state = 'queued' ORDER BY created_at, rowid LIMIT 1)
                RETURNING \(Self.columns)
                """, arguments: [owner, t + lease, t, t])
            return try row.map(Self.record)
        }
    }

    public func heartbeat(id: String, owner: String, leaseUntil: Date, progress: Double?, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET lease_expires_at = ?, progress = COALESCE(?, progress), updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """, arguments: [leaseUntil.timeIntervalSince1970, progress, now.timeIntervalSince1970, id, owner])
            return db.changesCount > 0
        }
    }

    public func complete(id: String, owner: String, result: TranscriptionResult, now: Date) async throws -> Bool {
        let json = try Self.encode(result)
        return try await write { db in
            try db.execute(sql: """
                UPDATE job SET state = 'succeeded', progress = 1, result = ?, duration_ms = ?, lease_owner = NULL,
                               lease_expires_at = NULL, finished_at = ?, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """, arguments: [json, result.durationMs, now.timeIntervalSince1970, now.timeIntervalSince1970, id, owner])
            return db.changesCount > 0
        }
    }

    public func fail(id: String, owner: String, code: String, message: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET state = 'failed', error_code = ?, error_message = ?, lease_owner = NULL,
                               lease_expires_at = NULL, finished_at = ?, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """, arguments: [code, message, now.timeIntervalSince1970, now.timeIntervalSince1970, id, owner])
            return db.changesCount > 0
        }
    }

    public func release(id: String, owner: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET state = 'queued', progress = 0, attempts = MAX(0, attempts - 1), lease_owner = NULL,
                               lease_expires_at = NULL, started_at = NULL, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """, arguments: [now.timeIntervalSince1970, id, owner])
            return db.changesCount > 0
        }
    }

    public func job(id: String) async throws -> JobRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM job WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    public func result(id: String) async throws -> TranscriptionResult? {
        let json = try await read { db in
            try String.fetchOne(db, sql: "SELECT result FROM job WHERE id = ? AND state = 'succeeded'", arguments: [id])
        }
        return try TranscriptionResult.stored(json, jobID: id)
    }

    public func list(_ query: JobQuery) async throws -> [JobRecord] {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let state = query.state {
                conditions.append("state = ?")
                arguments += [state.rawValue]
            }
            if let batch = query.batchID {
                conditions.append("batch_id = ?")
                arguments += [batch]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [query.limit, query.offset]
            return try Row.fetchAll(db, sql: """
                SELECT \(Self.columns) FROM job \(filter) ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?
                """, arguments: arguments).map(Self.record)
        }
    }

    public func delete(id: String) async throws -> JobRecord? {
        try await write { db in
            let row = try Row.fetchOne(db, sql: "DELETE FROM job WHERE id = ? RETURNING \(Self.columns)", arguments: [id])
            return try row.map(Self.record)
        }
    }

    public func reapExpiredLeases(now: Date, maxAttempts: Int) async throws -> (requeued: [String], failed: [String]) {
        let t = now.timeIntervalSince1970
        return try await write { db in
            let failed = try String.fetchAll(db, sql: """
                UPDATE job SET state = 'failed', error_code = ?, error_message = ?, lease_owner = NULL,
                               lease_expires_at = NULL, finished_at = ?, updated_at = ?
                WHERE state = 'running' AND lease_expires_at < ? AND attempts >= ?
                RETURNING id
                """, arguments: [JobError.Code.workerLost.rawValue,
                                 "the worker running this job stopped \(maxAttempts) times before finishing it (crash or kill); the file may be too long or crash the decoder",
                                 t, t, t, maxAttempts])
            let requeued = try String.fetchAll(db, sql: """
                UPDATE job SET state = 'queued', progress = 0, lease_owner = NULL, lease_expires_at = NULL,
                               started_at = NULL, updated_at = ?
                WHERE state = 'running' AND lease_expires_at < ?
                RETURNING id
                """, arguments: [t, t])
            return (requeued, failed)
        }
    }

    public func purge(finishedBefore cutoff: Date) async throws -> [String] {
        try await write { db in
            try String.fetchAll(db, sql: """
                DELETE FROM job WHERE state IN ('succeeded', 'failed') AND finished_at < ? RETURNING id
                """, arguments: [cutoff.timeIntervalSince1970])
        }
    }

    public func exists(id: String) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM job WHERE id = ?)", arguments: [id]) ?? false
        }
    }

    public func counts() async throws -> [JobState: Int] {
        try await read { db in
            var out = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM job GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { out[state] = row["n"] }
            }
            return out
        }
    }

    // MARK: - Helpers

    /// A write transaction; database errors become `JobError(.storage)`.
    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await storage("write") { try await db.write(body) }
    }

    /// A read; database errors become `JobError(.storage)`.
    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await storage("read") { try await db.read(body) }
    }

    /// Runs a database access, turning its `DatabaseError` into `JobError(.storage)`.
    private func storage<T>(_ access: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as JobError {
            throw error
        } catch let error as DatabaseError {
            throw JobError(.storage, "job database \(access) failed: \(error.message ?? error.description)")
        }
    }

    private static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func record(_ row: Row) throws -> JobRecord {
        let options: TranscriptionOptions
        do {
            options = try JSONDecoder().decode(TranscriptionOptions.self, from: Data((row["options"] as String).utf8))
        } catch {
            throw JobError(.storage, "the stored options of job \(row["id"] as String) are unreadable: \(error)")
        }
        var job = JobRecord(id: row["id"], batchID: row["batch_id"], fileName: row["file_name"],
                            audioBytes: row["audio_bytes"], options: options,
                            createdAt: Date(timeIntervalSince1970: row["created_at"]))
        job.state = JobState(rawValue: row["state"]) ?? .failed
        job.progress = row["progress"]
        job.attempts = row["attempts"]
        job.leaseOwner = row["lease_owner"]
        job.leaseExpiresAt = (row["lease_expires_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        job.durationMs = row["duration_ms"]
        job.errorCode = row["error_code"]
        job.errorMessage = row["error_message"]
        job.startedAt = (row["started_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        job.finishedAt = (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        job.updatedAt = Date(timeIntervalSince1970: row["updated_at"])
        return job
    }
}
