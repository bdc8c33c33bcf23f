// The shared job store: PostgreSQL through postgres-nio, for one API server and worker processes anywhere.

public import Foundation
public import Logging
public import PostgresNIO
public import SenseVoiceEngine

/// A ``JobStore`` in PostgreSQL, shared by `sensevoice serve` and `sensevoice worker` processes.
///
/// Claims take the oldest queued row with `FOR UPDATE SKIP LOCKED`, so concurrent workers never
/// wait on each other nor take one job twice. Every change to a running job is conditional on
/// `state = 'running' AND lease_owner = $owner` (owners are unique per process and worker loop), so
/// a worker whose lease expired (and whose job was re-queued and taken again) can neither renew nor
/// complete it. Each row also keeps `claimed_by` (every owner that took it) and `completions` (how
/// many completions were accepted: never more than one), so operators and tests can audit the queue.
///
/// Inserts, releases and re-queues send `NOTIFY sensevoice_jobs` in their transaction;
/// ``PostgresWakeListener`` turns those into ``WakeSignal`` wake-ups in worker processes.
/// Times are `timestamptz` (microseconds), results and options JSON text.
public struct PostgresJobStore: JobStore {
    /// The `LISTEN/NOTIFY` channel that announces queued work.
    public static let channel = "sensevoice_jobs"

    public let client: PostgresClient
    let logger: Logger

    /// A store on a running client (see ``withStore(_:logger:_:)``); call ``migrate()`` once first.
    public init(client: PostgresClient, logger: Logger = Logger(label: "sensevoice.jobs.postgres")) {
        self.client = client
        self.logger = logger
    }

    /// Checks that `url` answers, runs a client for it, migrates the schema, and calls `body` with
    /// the store; the client stops when `body` returns.
    /// - Throws: `JobError(.storage)` when the database refuses the connection (down, wrong password,
    ///   no such database), cannot be reached within `connectTimeout`, or cannot be migrated;
    ///   `body`'s errors.
    public static func withStore<T: Sendable>(_ url: PostgresURL, logger: Logger = Logger(label: "sensevoice.jobs.postgres"),
                                              connectTimeout: Duration = .seconds(30),
                                              _ body: (PostgresJobStore) async throws -> T) async throws -> T {
        // The pool logs every failed connection attempt at info; keep its background chatter to warnings.
        let background = {
            var quieter = logger
            quieter.logLevel = max(logger.logLevel, .warning)
            return quieter
        }()
        // One direct connection first: the pool would retry a refused or rejected connection
        // until the deadline, whereas this fails at once with the server's reason.
        do {
            let probe = try await withDeadline(connectTimeout, JobError(.storage, "PostgreSQL at \(url.redacted) did not answer within \(connectTimeout)")) {
                try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0, logger: background)
            }
            try? await probe.close()
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError(.storage, "cannot connect to PostgreSQL at \(url.redacted): \(describe(error)); check that it runs and that "
                + "the host, port, user, password and database of --database are right")
        }
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: background)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let store = PostgresJobStore(client: client, logger: logger)
            try await withDeadline(connectTimeout, JobError(.storage, "cannot reach PostgreSQL at \(url.redacted) within \(connectTimeout); check that it runs and accepts this user")) {
                try await store.migrate()
            }
            return try await body(store)
        }
    }

    // MARK: - Schema

    /// Schema versions, applied in order under an advisory lock (several processes may start at once).
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE sensevoice_job (
                seq bigserial NOT NULL UNIQUE,
                id text PRIMARY KEY,
                batch_id text NOT NULL,
                file_name text NOT NULL,
                audio_bytes bigint NOT NULL,
                options text NOT NULL,
                state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
                progress double precision NOT NULL DEFAULT 0,
                attempts bigint NOT NULL DEFAULT 0,
                completions bigint NOT NULL DEFAULT 0,
                claimed_by text[] NOT NULL DEFAULT '{}',
                lease_owner text,
                lease_expires_at timestamptz,
                duration_ms bigint,
                result text,
                error_code text,
                error_message text,
                created_at timestamptz NOT NULL,
                started_at timestamptz,
                finished_at timestamptz,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX sensevoice_job_queue ON sensevoice_job (created_at, seq) WHERE state = 'queued'",
            "CREATE INDEX sensevoice_job_lease ON sensevoice_job (lease_expires_at) WHERE state = 'running'",
            "CREATE INDEX sensevoice_job_finished ON sensevoice_job (finished_at) WHERE state IN ('succeeded', 'failed')",
            "CREATE INDEX sensevoice_job_batch ON sensevoice_job (batch_id, created_at, seq)",
            "CREATE INDEX sensevoice_job_created ON sensevoice_job (created_at, seq)",
            """
            CREATE TABLE sensevoice_job_audio (
                id text PRIMARY KEY,
                bytes bytea NOT NULL,
                stored_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX sensevoice_job_audio_stored ON sensevoice_job_audio (stored_at)",
        ],
    ]

    /// Brings the schema to the newest version (idempotent; safe from concurrent processes).
    /// - Throws: `JobError(.storage)`.
    public func migrate() async throws {
        try await storage("migrate the job database") {
            try await client.withTransaction(logger: logger) { db in
                // One key for this schema: concurrent starters wait here instead of racing on CREATE.
                try await db.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                try await db.query("""
                    CREATE TABLE IF NOT EXISTS sensevoice_migration (
                        version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied = 0
                for try await (version) in try await db.query("SELECT COALESCE(MAX(version), 0) FROM sensevoice_migration",
                                                              logger: logger).decode(Int.self) {
                    applied = version
                }
                for (index, statements) in Self.migrations.enumerated() where index + 1 > applied {
                    for sql in statements { try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                    try await db.query("INSERT INTO sensevoice_migration (version) VALUES (\(index + 1))", logger: logger)
                }
            }
        }
    }

    static let migrationLock = 0x5e75_e701

    /// Every column but the result, prefixed with `table.` when given.
    static func columns(_ table: String = "") -> String {
        ["id", "batch_id", "file_name", "audio_bytes", "options", "state", "progress", "attempts", "lease_owner",
         "lease_expires_at", "duration_ms", "error_code", "error_message", "created_at", "started_at", "finished_at",
         "updated_at"].map { table.isEmpty ? $0 : "\(table).\($0)" }.joined(separator: ", ")
    }

    // MARK: - Queue

    public func insert(_ jobs: [JobRecord], maxQueued: Int?) async throws {
        let rows = try jobs.map { job in (job, try Self.encode(job.options)) }
        try await storage("add jobs") {
            try await client.withTransaction(logger: logger) { db in
                if let maxQueued {
                    // Serialises limited inserts, so two API servers cannot both pass the check.
                    try await db.query("SELECT pg_advisory_xact_lock(\(Self.queueLock))", logger: logger)
                    var queued = 0
                    for try await n in try await db.query("SELECT COUNT(*) FROM sensevoice_job WHERE state = 'queued'",
                                                          logger: logger).decode(Int.self) { queued = n }
                    if queued + jobs.count > maxQueued {
                        throw JobError(.queueFull, "the job queue is full (\(queued) waiting, limit \(maxQueued)); retry later")
                    }
                }
                for (job, options) in rows {
                    try await db.query("""
                        INSERT INTO sensevoice_job (id, batch_id, file_name, audio_bytes, options, state, created_at, updated_at)
                        VALUES (\(job.id), \(job.batchID), \(job.fileName), \(job.audioBytes), \(options), 'queued',
                                \(job.createdAt), \(job.createdAt))
                        """, logger: logger)
                }
                try await Self.notify(db, logger: logger)
            }
        }
    }

    static let queueLock = 0x5e75_e702

    public func claim(owner: String, lease: TimeInterval, now: Date) async throws -> JobRecord? {
        let until = now.addingTimeInterval(lease)
        return try await storage("claim a job") {
            try await first(try await client.query("""
                WITH next AS (
                    SELECT id FROM sensevoice_job WHERE state = 'queued'
                    ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
                UPDATE sensevoice_job AS j
                SET state = 'running', lease_owner = \(owner), lease_expires_at = \(until), attempts = j.attempts + 1,
                    claimed_by = array_append(j.claimed_by, \(owner)), progress = 0, started_at = \(now), updated_at = \(now)
                FROM next WHERE j.id = next.id
                RETURNING \(unescaped: Self.columns("j"))
                """, logger: logger)).map(Self.record)
        }
    }

    public func heartbeat(id: String, owner: String, leaseUntil: Date, progress: Double?, now: Date) async throws -> Bool {
        try await changed("renew a job lease", """
            UPDATE sensevoice_job SET lease_expires_at = \(leaseUntil), progress = COALESCE(\(progress), progress), updated_at = \(now)
            WHERE id = \(id) AND state = 'running' AND lease_owner = \(owner)
            RETURNING id
            """)
    }

    public func complete(id: String, owner: String, result: TranscriptionResult, now: Date) async throws -> Bool {
        let json = try Self.encode(result)
        return try await changed("store a job result", """
            UPDATE sensevoice_job SET state = 'succeeded', progress = 1, result = \(json), duration_ms = \(result.durationMs),
                completions = completions + 1, lease_owner = NULL, lease_expires_at = NULL, finished_at = \(now), updated_at = \(now)
            WHERE id = \(id) AND state = 'running' AND lease_owner = \(owner)
            RETURNING id
            """)
    }

    public func fail(id: String, owner: String, code: String, message: String, now: Date) async throws -> Bool {
        try await changed("store a job failure", """
            UPDATE sensevoice_job SET state = 'failed', error_code = \(code), error_message = \(message), lease_owner = NULL,
                lease_expires_at = NULL, finished_at = \(now), updated_at = \(now)
            WHERE id = \(id) AND state = 'running' AND lease_owner = \(owner)
            RETURNING id
            """)
    }

    public func release(id: String, owner: String, now: Date) async throws -> Bool {
        try await storage("put a job back in the queue") {
            try await client.withTransaction(logger: logger) { db in
                let rows = try await db.query("""
                    UPDATE sensevoice_job SET state = 'queued', progress = 0, attempts = GREATEST(0, attempts - 1),
                        lease_owner = NULL, lease_expires_at = NULL, started_at = NULL, updated_at = \(now)
                    WHERE id = \(id) AND state = 'running' AND lease_owner = \(owner)
                    RETURNING id
                    """, logger: logger).collect()
                if !rows.isEmpty { try await Self.notify(db, logger: logger) }
                return !rows.isEmpty
            }
        }
    }

    // MARK: - Reads

    public func job(id: String) async throws -> JobRecord? {
        try await storage("read a job") {
            try await first(try await client.query("SELECT \(unescaped: Self.columns()) FROM sensevoice_job WHERE id = \(id)",
                                                   logger: logger)).map(Self.record)
        }
    }

    public func result(id: String) async throws -> TranscriptionResult? {
        let json: String? = try await storage("read a job result") {
            var out: String?
            for try await text in try await client.query("""
                SELECT result FROM sensevoice_job WHERE id = \(id) AND state = 'succeeded'
                """, logger: logger).decode(String?.self) { out = text }
            return out
        }
        return try TranscriptionResult.stored(json, jobID: id)
    }

    public func list(_ query: JobQuery) async throws -> [JobRecord] {
        let state = query.state?.rawValue
        return try await storage("list jobs") {
            try await client.query("""
                SELECT \(unescaped: Self.columns()) FROM sensevoice_job
                WHERE (\(state)::text IS NULL OR state = \(state)) AND (\(query.batchID)::text IS NULL OR batch_id = \(query.batchID))
                ORDER BY created_at DESC, seq DESC LIMIT \(query.limit) OFFSET \(query.offset)
                """, logger: logger).collect().map(Self.record)
        }
    }

    public func delete(id: String) async throws -> JobRecord? {
        try await storage("delete a job") {
            try await first(try await client.query("DELETE FROM sensevoice_job WHERE id = \(id) RETURNING \(unescaped: Self.columns())",
                                                   logger: logger)).map(Self.record)
        }
    }

    public func reapExpiredLeases(now: Date, maxAttempts: Int) async throws -> (requeued: [String], failed: [String]) {
        let message = "the worker running this job stopped \(maxAttempts) times before finishing it (crash or kill); the file may be too long or crash the decoder"
        return try await storage("re-queue jobs of lost workers") {
            try await client.withTransaction(logger: logger) { db in
                let failed = try await db.query("""
                    UPDATE sensevoice_job SET state = 'failed', error_code = \(JobError.Code.workerLost.rawValue),
                        error_message = \(message), lease_owner = NULL, lease_expires_at = NULL, finished_at = \(now), updated_at = \(now)
                    WHERE state = 'running' AND lease_expires_at < \(now) AND attempts >= \(maxAttempts)
                    RETURNING id
                    """, logger: logger).decode(String.self).all()
                let requeued = try await db.query("""
                    UPDATE sensevoice_job SET state = 'queued', progress = 0, lease_owner = NULL, lease_expires_at = NULL,
                        started_at = NULL, updated_at = \(now)
                    WHERE state = 'running' AND lease_expires_at < \(now)
                    RETURNING id
                    """, logger: logger).decode(String.self).all()
                if !requeued.isEmpty { try await Self.notify(db, logger: logger) }
                return (requeued, failed)
            }
        }
    }

    public func purge(finishedBefore cutoff: Date) async throws -> [String] {
        try await storage("delete old jobs") {
            try await client.query("""
                DELETE FROM sensevoice_job WHERE state IN ('succeeded', 'failed') AND finished_at < \(cutoff) RETURNING id
                """, logger: logger).decode(String.self).all()
        }
    }

    public func exists(id: String) async throws -> Bool {
        try await storage("look up a job") {
            try await !client.query("SELECT 1 FROM sensevoice_job WHERE id = \(id)", logger: logger).collect().isEmpty
        }
    }

    public func counts() async throws -> [JobState: Int] {
        try await storage("count jobs") {
            var out = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for try await (state, n) in try await client.query("SELECT state, COUNT(*) FROM sensevoice_job GROUP BY state",
                                                               logger: logger).decode((String, Int).self) {
                if let state = JobState(rawValue: state) { out[state] = n }
            }
            return out
        }
    }

    // MARK: - Audit

    /// How a job was run: every owner that claimed it, in order, and how many completions were accepted.
    public struct Audit: Sendable, Equatable {
        public var id: String
        public var state: JobState
        public var attempts: Int
        public var completions: Int
        public var claimedBy: [String]

        public init(id: String, state: JobState, attempts: Int, completions: Int, claimedBy: [String]) {
            self.id = id
            self.state = state
            self.attempts = attempts
            self.completions = completions
            self.claimedBy = claimedBy
        }
    }

    /// The audit trail of every job, oldest first.
    public func audit() async throws -> [Audit] {
        try await storage("read the job audit") {
            var out: [Audit] = []
            for try await (id, state, attempts, completions, owners) in try await client.query("""
                SELECT id, state, attempts, completions, claimed_by FROM sensevoice_job ORDER BY created_at, seq
                """, logger: logger).decode((String, String, Int, Int, [String]).self) {
                out.append(Audit(id: id, state: JobState(rawValue: state) ?? .failed, attempts: attempts,
                                 completions: completions, claimedBy: owners))
            }
            return out
        }
    }

    // MARK: - Helpers

    /// Announces queued work to listening workers (delivered when the transaction commits).
    static func notify(_ db: PostgresConnection, logger: Logger) async throws {
        try await db.query("SELECT pg_notify(\(channel), '')", logger: logger)
    }

    /// Runs a conditional update; `true` when it changed a row.
    private func changed(_ what: String, _ query: PostgresQuery) async throws -> Bool {
        try await storage(what) {
            try await !client.query(query, logger: logger).collect().isEmpty
        }
    }

    private func first(_ rows: PostgresRowSequence) async throws -> PostgresRow? {
        var out: PostgresRow?
        for try await row in rows where out == nil { out = row }
        return out
    }

    /// Runs `body`; database errors become `JobError(.storage)` naming `what` failed.
    func storage<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as JobError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch let error as PostgresTransactionError where error.closureError is JobError {
            // A refusal from inside a transaction (queue full), after the rollback.
            throw error.closureError!
        } catch {
            throw JobError(.storage, "cannot \(what) in PostgreSQL: \(Self.describe(error))")
        }
    }

    /// A readable account of a postgres-nio error (its `description` hides details on purpose).
    static func describe(_ error: any Error) -> String {
        if let e = error as? PostgresTransactionError {
            if let inner = e.beginError ?? e.closureError ?? e.commitError { return describe(inner) }
        }
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] {
                return message + (e.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
            }
            return "\(e.code)" + (e.underlying.map { ": \($0)" } ?? "")
        }
        return String(reflecting: error)
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func record(_ row: PostgresRow) throws -> JobRecord {
        let r = row.makeRandomAccess()
        let id = try r["id"].decode(String.self)
        let options: TranscriptionOptions
        do {
            options = try JSONDecoder().decode(TranscriptionOptions.self, from: Data(try r["options"].decode(String.self).utf8))
        } catch {
            throw JobError(.storage, "the stored options of job \(id) are unreadable: \(error)")
        }
        var job = JobRecord(id: id, batchID: try r["batch_id"].decode(String.self), fileName: try r["file_name"].decode(String.self),
                            audioBytes: try r["audio_bytes"].decode(Int.self), options: options,
                            createdAt: try r["created_at"].decode(Date.self))
        job.state = JobState(rawValue: try r["state"].decode(String.self)) ?? .failed
        job.progress = try r["progress"].decode(Double.self)
        job.attempts = try r["attempts"].decode(Int.self)
        job.leaseOwner = try r["lease_owner"].decode(String?.self)
        job.leaseExpiresAt = try r["lease_expires_at"].decode(Date?.self)
        job.durationMs = try r["duration_ms"].decode(Int?.self)
        job.errorCode = try r["error_code"].decode(String?.self)
        job.errorMessage = try r["error_message"].decode(String?.self)
        job.startedAt = try r["started_at"].decode(Date?.self)
        job.finishedAt = try r["finished_at"].decode(Date?.self)
        job.updatedAt = try r["updated_at"].decode(Date.self)
        return job
    }
}

/// Runs `body`, throwing `error` if it has not finished after `limit`.
func withDeadline<T: Sendable>(_ limit: Duration, _ error: JobError, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw error }
        return value
    }
}

extension AsyncSequence {
    /// Every element, in order.
    func all() async throws -> [Element] {
        var out: [Element] = []
        for try await element in self { out.append(element) }
        return out
    }
}
