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
    /// The bytes stored under `id`.
    /// - Throws: `JobError(.audioMissing)` when there are none.
    func get(id: String) async throws -> [UInt8]
    /// Removes the bytes of `id` (no error when there are none).
    func delete(id: String) async throws
    /// Ids with bytes stored before `date` (to sweep uploads whose job row was never written).
    func ids(storedBefore date: Date) async throws -> [String]
}
