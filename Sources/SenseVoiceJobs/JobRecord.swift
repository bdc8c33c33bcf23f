// One transcription job as every store keeps it (the result is fetched separately).

public import Foundation
public import SenseVoiceEngine

/// A transcription job: one uploaded file, its options and where it stands.
///
/// Ids are made by the server (UUIDs); nothing a client sends becomes a path or a key. The
/// `fileName` is the client's name for display only.
public struct JobRecord: Sendable, Equatable {
    /// Server-made id (lower-case UUID).
    public var id: String
    /// Id shared by the jobs of one upload request.
    public var batchID: String
    /// The client's file name, for display (never used as a path).
    public var fileName: String
    /// Size of the stored upload.
    public var audioBytes: Int
    public var options: TranscriptionOptions
    public var state: JobState
    /// Fraction done, 0...1.
    public var progress: Double
    /// How many times a worker took the job.
    public var attempts: Int
    /// The worker holding the job while it runs.
    public var leaseOwner: String?
    /// When the worker's hold ends unless renewed.
    public var leaseExpiresAt: Date?
    /// Audio duration, once decoded.
    public var durationMs: Int?
    /// Error code and message of a failed job.
    public var errorCode: String?
    public var errorMessage: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var updatedAt: Date

    /// A new queued job.
    public init(id: String = JobRecord.makeID(), batchID: String, fileName: String, audioBytes: Int,
                options: TranscriptionOptions, createdAt: Date = Date()) {
        self.id = id
        self.batchID = batchID
        self.fileName = fileName
        self.audioBytes = audioBytes
        self.options = options
        self.state = .queued
        self.progress = 0
        self.attempts = 0
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// A fresh job or batch id.
    public static func makeID() -> String { UUID().uuidString.lowercased() }

    /// Whether `text` has the shape of a server-made id (lower-case UUID), so that it is safe
    /// as a key and a file name.
    public static func isValidID(_ text: some StringProtocol) -> Bool {
        guard text.utf8.count == 36 else { return false }
        for (i, c) in text.utf8.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                guard (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) else { return false }
            }
        }
        return true
    }
}
