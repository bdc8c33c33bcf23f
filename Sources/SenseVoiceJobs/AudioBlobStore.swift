// Where uploaded audio waits for its job: a protocol, so a shared store can replace the disk.

public import Foundation
import SenseVoiceEngine

/// Stores the uploaded bytes of each job under the job's server-made id.
///
/// Keys are always ``JobRecord/isValidID(_:)`` ids made by the server; implementations refuse
/// anything else, so no text from a request ever becomes a path.
public protocol AudioBlobStore: Sendable {
    /// Stores `bytes` under `id` durably (replacing any earlier bytes).
    func put(id: String, bytes: [UInt8]) async throws
    /// Stores the upload spooled at `file` under `id` and removes `file` (the default reads it and
    /// calls ``put(id:bytes:)``; a folder store renames it).
    func put(id: String, moving file: URL) async throws
    /// The bytes stored under `id`.
    /// - Throws: `JobError(.audioMissing)` when there are none.
    func get(id: String) async throws -> [UInt8]
    /// The file holding the bytes of `id` when the store keeps files (decoded where they lie,
    /// never read into memory); `nil` for stores that do not (the default).
    /// - Throws: `JobError(.audioMissing)` when the store keeps files but has none for `id`.
    func localFile(id: String) throws -> URL?
    /// Removes the bytes of `id` (no error when there are none).
    func delete(id: String) async throws
    /// Ids with bytes stored before `date` (to sweep uploads whose job row was never written).
    func ids(storedBefore date: Date) async throws -> [String]
}

extension AudioBlobStore {
    public func localFile(id: String) throws -> URL? { nil }

    public func put(id: String, moving file: URL) async throws {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: file))
        } catch {
            throw JobError(.storage, "cannot read the spooled upload of job \(id): \(error); check free disk space")
        }
        try await put(id: id, bytes: bytes)
        try? FileManager.default.removeItem(at: file)
    }
}
