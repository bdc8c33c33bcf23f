// Uploaded audio on disk: round trip, replacement, deletion, and refusal of anything but job ids.

import Foundation
import SenseVoiceJobs
import Testing

@Suite("FileBlobStore")
struct FileBlobStoreTests {
    static func store() throws -> FileBlobStore {
        try FileBlobStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent("sv-blobs-\(UUID().uuidString)"))
    }

    @Test("put, get, replace, delete")
    func roundTrip() async throws {
        let blobs = try Self.store()
        let id = JobRecord.makeID()
        try await blobs.put(id: id, bytes: [1, 2, 3])
        #expect(try await blobs.get(id: id) == [1, 2, 3])
        try await blobs.put(id: id, bytes: [4])
        #expect(try await blobs.get(id: id) == [4])
        try await blobs.delete(id: id)
        try await blobs.delete(id: id)
        await #expect(throws: JobError.self) { try await blobs.get(id: id) }
        let names = try FileManager.default.contentsOfDirectory(atPath: blobs.directory.path)
        #expect(names.isEmpty, "no temporary files left: \(names)")
    }

    @Test("ids that are not server-made UUIDs never reach the file system", arguments: [
        "../../etc/passwd", "/etc/passwd", "", "..", "a/b", "ABCDEF00-0000-0000-0000-000000000000", "0000000-0000-0000-0000-0000000000000",
    ])
    func refusesPaths(id: String) async throws {
        let blobs = try Self.store()
        #expect(!JobRecord.isValidID(id))
        await #expect(throws: JobError.self) { try await blobs.put(id: id, bytes: [1]) }
        await #expect(throws: JobError.self) { try await blobs.get(id: id) }
        await #expect(throws: JobError.self) { try await blobs.delete(id: id) }
    }

    @Test("ids(storedBefore:) lists old uploads")
    func sweepList() async throws {
        let blobs = try Self.store()
        let id = JobRecord.makeID()
        try await blobs.put(id: id, bytes: [1])
        #expect(try await blobs.ids(storedBefore: Date().addingTimeInterval(60)) == [id])
        #expect(try await blobs.ids(storedBefore: Date().addingTimeInterval(-60)).isEmpty)
    }
}
