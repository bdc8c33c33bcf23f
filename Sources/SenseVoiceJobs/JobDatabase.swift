// Which job store a process uses (`--database`), and opening it with its audio store.

public import Foundation
public import Logging
public import ServiceLifecycle
import SenseVoiceEngine

/// The job store named by `--database`: SQLite in a file (the default, one process) or PostgreSQL
/// (one API server and any number of `sensevoice worker` processes).
public enum JobDatabase: Sendable, Equatable {
    /// An SQLite file (WAL).
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresURL)

    /// Parses `sqlite:///abs/path`, `sqlite:relative/path`, `postgres://…` or `postgresql://…`.
    /// - Throws: `JobError(.invalidDatabase)` for anything else.
    public init(url text: String) throws {
        let lower = text.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(try PostgresURL(text))
        } else if lower.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw JobError(.invalidDatabase, "'\(text)' names no file; write sqlite:///absolute/path/jobs.sqlite")
            }
            self = .sqlite(path: path)
        } else {
            throw JobError(.invalidDatabase, "'\(PostgresURL.redact(text))' is not a database URL; use sqlite:///path/jobs.sqlite or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
    }

    /// The database for logs, without passwords.
    public var redacted: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let url): url.redacted
        }
    }

    /// Whether several processes (on several machines) can share it.
    public var isShared: Bool {
        if case .postgres = self { return true }
        return false
    }
}

/// An open job store with its audio store and the services it needs while running.
public struct JobBackend: Sendable {
    public var store: any JobStore
    public var blobs: any AudioBlobStore
    /// Services to run beside the workers (PostgreSQL: the NOTIFY listener that wakes them).
    public var services: [any Service]

    public init(store: any JobStore, blobs: any AudioBlobStore, services: [any Service] = []) {
        self.store = store
        self.blobs = blobs
        self.services = services
    }

    /// Opens `database` and calls `body` with it; PostgreSQL connections close when `body` returns.
    /// - Parameters:
    ///   - blobDirectory: a folder for uploads (`--blob-dir`); `nil` keeps them in `defaultAudioDirectory`
    ///     for SQLite, in the database for PostgreSQL.
    ///   - maxDatabaseAudioBytes: the largest upload kept in PostgreSQL.
    ///   - wake: signalled when another process queues work.
    /// - Throws: `JobError(.storage)` when the store cannot be opened; `body`'s errors.
    public static func with<T: Sendable>(_ database: JobDatabase, blobDirectory: URL?, defaultAudioDirectory: URL,
                                         maxDatabaseAudioBytes: Int, wake: WakeSignal, logger: Logger,
                                         _ body: (JobBackend) async throws -> T) async throws -> T {
        switch database {
        case .sqlite(let path):
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try PrivateFiles.makeDirectory(parent, own: false)
            } catch {
                throw JobError(.storage, "cannot create the folder of the job database \(parent.path): \(error)")
            }
            let backend = JobBackend(store: try SQLiteJobStore(path: path),
                                     blobs: try FileBlobStore(directory: blobDirectory ?? defaultAudioDirectory))
            return try await body(backend)
        case .postgres(let url):
            return try await PostgresJobStore.withStore(url, logger: logger) { store in
                let blobs: any AudioBlobStore = if let blobDirectory {
                    try FileBlobStore(directory: blobDirectory)
                } else {
                    PostgresBlobStore(client: store.client, maxBytes: maxDatabaseAudioBytes, logger: logger)
                }
                let backend = JobBackend(store: store, blobs: blobs,
                                         services: [PostgresWakeListener(client: store.client, wake: wake, logger: logger)])
                return try await body(backend)
            }
        }
    }
}
