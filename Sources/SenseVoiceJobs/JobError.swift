// The one error type of the jobs domain.

/// A job-store or queue failure: a stable `code` for programs, a `message` for people.
///
/// HTTP statuses are decided only in the server (`queueFull` → 429, `notFound` → 404).
public struct JobError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The queue holds as many jobs as it may; retry later.
        public static let queueFull = Code(rawValue: "queue_full")
        /// No job with that id (never existed, deleted, or past retention).
        public static let notFound = Code(rawValue: "not_found")
        /// The stored upload of a job is missing or unreadable.
        public static let audioMissing = Code(rawValue: "audio_missing")
        /// The database or the disk failed.
        public static let storage = Code(rawValue: "storage_error")
        /// A worker took the job too many times without finishing it.
        public static let workerLost = Code(rawValue: "worker_lost")
        /// An upload is larger than the database may hold as audio (PostgreSQL without `--blob-dir`).
        public static let audioTooLarge = Code(rawValue: "audio_too_large")
        /// The `--database` URL cannot be used (unknown scheme, bad option).
        public static let invalidDatabase = Code(rawValue: "invalid_database")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
