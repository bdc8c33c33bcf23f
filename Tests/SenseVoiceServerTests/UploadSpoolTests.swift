// The budget of bytes being received at once, and the spool folder's hygiene.

import Foundation
import HTTPTypes
@testable import SenseVoiceServer
import Testing

@Suite("UploadSpool")
struct UploadSpoolTests {
    @Test("uploads beyond the in-flight budget get 503 uploads_busy until bytes are given back; one upload always fits")
    func budget() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-spool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spool = UploadSpool(directory: dir, maxBytesInFlight: 1000)
        try spool.reserve(600)
        do {
            try spool.reserve(600)
            Issue.record("a second 600-byte upload fitted a 1000-byte budget")
        } catch let error as APIError {
            #expect(error.status == .serviceUnavailable && error.code == "uploads_busy")
            #expect(error.headers[.retryAfter] != nil)
        }
        try spool.reserve(400)
        spool.release(600)
        spool.release(400)
        #expect(spool.bytesInFlight == 0)
        try spool.reserve(5000)  // alone, even an upload over the budget is received
        spool.release(5000)
    }

    @Test("files left by a killed server are removed at start; the folder is owner-only")
    func leftovers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-spool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("half an upload".utf8).write(to: dir.appendingPathComponent("old.upload"))
        let spool = UploadSpool(directory: dir, maxBytesInFlight: 1000)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("old.upload").path))
        var file = try spool.makeFile()
        try Array("abc".utf8).withUnsafeBytes { try file.write($0) }
        file.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: file.url.path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(attributes[.size] as? Int == 3)
        #expect(try FileManager.default.attributesOfItem(atPath: dir.path)[.posixPermissions] as? Int == 0o700)
        file.discard()
        #expect(!FileManager.default.fileExists(atPath: file.url.path))
    }
}
