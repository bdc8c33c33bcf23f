// Uploaded audio as files in `<data-dir>/audio/<id>.bin`.

public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SenseVoiceEngine

/// An ``AudioBlobStore`` in a folder: one file per job, written to a temporary name and renamed,
/// so a crash never leaves half a file under a job's name.
///
/// File I/O runs on the calling task; uploads are bounded by the server's size limit.
public struct FileBlobStore: AudioBlobStore {
    /// The folder holding the files.
    public let directory: URL

    /// Creates the folder when needed.
    /// - Throws: `JobError(.storage)` when it cannot be created.
    public init(directory: URL) throws {
        self.directory = directory
        do {
            try PrivateFiles.makeDirectory(directory, own: true)
        } catch {
            throw JobError(.storage, "cannot create the audio folder \(directory.path): \(error); check that --data-dir is writable")
        }
    }

    public func put(id: String, bytes: [UInt8]) async throws {
        let target = try url(id)
        let temporary = directory.appendingPathComponent(".\(id).\(UUID().uuidString.lowercased()).tmp")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil,
                                                 attributes: [.posixPermissions: Int(PrivateFiles.fileMode)]) else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            // rename(2) replaces the target atomically.
            guard rename(temporary.path, target.path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw JobError(.storage, "cannot store the upload of job \(id): \(error); check free disk space")
        }
    }

    /// Moves `file` into the store under `id` (a rename on the same file system, else a copy),
    /// so a large upload is never read into memory.
    public func put(id: String, moving file: URL) async throws {
        let target = try url(id)
        PrivateFiles.restrict(file.path)
        if rename(file.path, target.path) == 0 { return }
        guard errno == EXDEV else {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            throw JobError(.storage, "cannot store the upload of job \(id): \(error); check free disk space")
        }
        let temporary = directory.appendingPathComponent(".\(id).\(UUID().uuidString.lowercased()).tmp")
        do {
            try FileManager.default.copyItem(at: file, to: temporary)
            PrivateFiles.restrict(temporary.path)
            guard rename(temporary.path, target.path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            try? FileManager.default.removeItem(at: file)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw JobError(.storage, "cannot store the upload of job \(id): \(error); check free disk space")
        }
    }

    public func localFile(id: String) throws -> URL? {
        let target = try url(id)
        guard FileManager.default.fileExists(atPath: target.path) else {
            throw JobError(.audioMissing, "the uploaded audio of job \(id) is missing from \(directory.path); submit the file again")
        }
        return target
    }

    public func get(id: String) async throws -> [UInt8] {
        let target = try url(id)
        guard let data = FileManager.default.contents(atPath: target.path) else {
            throw JobError(.audioMissing, "the uploaded audio of job \(id) is missing from \(directory.path); submit the file again")
        }
        return [UInt8](data)
    }

    public func delete(id: String) async throws {
        let target = try url(id)
        do {
            try FileManager.default.removeItem(at: target)
        } catch CocoaError.fileNoSuchFile {
            return
        } catch {
            if FileManager.default.fileExists(atPath: target.path) {
                throw JobError(.storage, "cannot delete the audio of job \(id): \(error)")
            }
        }
    }

    public func ids(storedBefore date: Date) async throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var out: [String] = []
        for name in names where name.hasSuffix(".bin") {
            let id = String(name.dropLast(4))
            guard JobRecord.isValidID(id) else { continue }
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
            if let modified = attributes?[.modificationDate] as? Date, modified < date { out.append(id) }
        }
        return out
    }

    /// The file of a job; only server-made ids are accepted.
    private func url(_ id: String) throws -> URL {
        guard JobRecord.isValidID(id) else {
            throw JobError(.notFound, "'\(id.prefix(64))' is not a job id")
        }
        return directory.appendingPathComponent("\(id).bin")
    }
}
