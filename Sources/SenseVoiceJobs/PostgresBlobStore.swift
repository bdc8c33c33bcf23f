// Uploaded audio as bytea rows in the job database, for workers on machines without a shared folder.

public import Foundation
public import Logging
public import PostgresNIO
import SenseVoiceEngine

/// An ``AudioBlobStore`` in the `sensevoice_job_audio` table of a ``PostgresJobStore`` database.
///
/// Every byte goes through the database, so uploads are capped (``maxBytes``): larger files need a
/// folder every process can read (`--blob-dir`, a ``FileBlobStore``).
public struct PostgresBlobStore: AudioBlobStore {
    public let client: PostgresClient
    /// Largest upload stored in the database.
    public let maxBytes: Int
    let logger: Logger

    public init(client: PostgresClient, maxBytes: Int, logger: Logger = Logger(label: "sensevoice.jobs.postgres")) {
        self.client = client
        self.maxBytes = max(1, maxBytes)
        self.logger = logger
    }

    public func put(id: String, bytes: [UInt8]) async throws {
        try Self.check(id)
        guard bytes.count <= maxBytes else {
            throw JobError(.audioTooLarge, "the upload is \(Self.megabytes(bytes.count)) MB; audio kept in the database is limited to "
                + "\(Self.megabytes(maxBytes)) MB (--db-audio-limit-mb); send a smaller file, or start the server and workers "
                + "with --blob-dir DIR on a folder they all share")
        }
        let now = Date()
        try await store.storage("store the upload of job \(id)") {
            try await client.query("""
                INSERT INTO sensevoice_job_audio (id, bytes, stored_at) VALUES (\(id), \(Data(bytes)), \(now))
                ON CONFLICT (id) DO UPDATE SET bytes = EXCLUDED.bytes, stored_at = EXCLUDED.stored_at
                """, logger: logger)
        }
    }

    public func get(id: String) async throws -> [UInt8] {
        try Self.check(id)
        let data: Data? = try await store.storage("read the upload of job \(id)") {
            var out: Data?
            for try await bytes in try await client.query("SELECT bytes FROM sensevoice_job_audio WHERE id = \(id)",
                                                          logger: logger).decode(Data.self) { out = bytes }
            return out
        }
        guard let data else {
            throw JobError(.audioMissing, "the uploaded audio of job \(id) is missing from the database; submit the file again")
        }
        return [UInt8](data)
    }

    public func delete(id: String) async throws {
        try Self.check(id)
        try await store.storage("delete the upload of job \(id)") {
            try await client.query("DELETE FROM sensevoice_job_audio WHERE id = \(id)", logger: logger)
        }
    }

    public func ids(storedBefore date: Date) async throws -> [String] {
        try await store.storage("list stored uploads") {
            try await client.query("SELECT id FROM sensevoice_job_audio WHERE stored_at < \(date)", logger: logger)
                .decode(String.self).all()
        }
    }

    private var store: PostgresJobStore { PostgresJobStore(client: client, logger: logger) }

    /// Only server-made ids are keys.
    private static func check(_ id: String) throws {
        guard JobRecord.isValidID(id) else { throw JobError(.notFound, "'\(id.prefix(64))' is not a job id") }
    }

    private static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}
