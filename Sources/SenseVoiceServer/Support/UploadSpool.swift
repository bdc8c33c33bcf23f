// Where request bodies go while they arrive: owner-only files in <data-dir>/uploads, and a budget
// of bytes being received at once.

import Foundation
import HTTPTypes
import SenseVoiceJobs
import SenseVoiceTensor
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Spools uploads to disk as they arrive, so a request body is never held in memory, and bounds
/// the bytes being received at once.
///
/// Each upload reserves its size (its `Content-Length`, else the per-file limit) from
/// ``maxBytesInFlight`` before its body is read; when the budget is spent the request is refused
/// with 503 and `Retry-After` instead of filling the disk. Files live in `<data-dir>/uploads`
/// (0700, files 0600) until the request ends: a synchronous transcription deletes its file, a job
/// submission moves it into the job's audio store. Files left by a killed server are removed when
/// the next one starts.
final class UploadSpool: Sendable {
    let directory: URL
    /// Bytes all uploads being received may reserve together.
    let maxBytesInFlight: Int
    private let inFlight = Mutex(0)

    /// Creates (or empties) the spool folder.
    init(directory: URL, maxBytesInFlight: Int) {
        self.directory = directory
        self.maxBytesInFlight = max(1, maxBytesInFlight)
        try? PrivateFiles.makeDirectory(directory, own: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasSuffix(".upload") {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Bytes reserved by uploads being received now.
    var bytesInFlight: Int { inFlight.withLock { $0 } }

    /// Reserves `bytes` of the budget; the caller gives them back with ``release(_:)``.
    /// - Throws: 503 with `Retry-After` when the budget cannot hold them.
    func reserve(_ bytes: Int) throws {
        let granted = inFlight.withLock { n -> Bool in
            guard n == 0 || n + bytes <= maxBytesInFlight else { return false }
            n += bytes
            return true
        }
        guard granted else {
            var headers = HTTPFields()
            headers[.retryAfter] = "5"
            throw APIError(.serviceUnavailable, code: "uploads_busy",
                           message: "the server is receiving \(bytesInFlight / 1_048_576) MB of uploads already (limit \(maxBytesInFlight / 1_048_576) MB, --max-upload-inflight-mb); retry after the Retry-After seconds",
                           headers: headers)
        }
    }

    /// Gives back bytes of ``reserve(_:)``.
    func release(_ bytes: Int) {
        inFlight.withLock { $0 -= bytes }
    }

    /// A new owner-only file for one upload.
    /// - Throws: 500 (`storage`) when the folder is not writable.
    func makeFile() throws -> SpoolFile {
        let url = directory.appendingPathComponent(UUID().uuidString.lowercased() + ".upload")
        let fd = open(url.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, PrivateFiles.fileMode)
        guard fd >= 0 else {
            throw JobError(.storage, "cannot create an upload file in \(directory.path): \(String(cString: strerror(errno))); check that --data-dir is writable and has free space")
        }
        return SpoolFile(url: url, fd: fd)
    }

}

/// One upload being written to disk.
struct SpoolFile {
    let url: URL
    private(set) var fd: Int32
    private(set) var size = 0

    init(url: URL, fd: Int32) {
        self.url = url
        self.fd = fd
    }

    /// Appends `bytes`.
    /// - Throws: `JobError(.storage)` when the disk refuses them (full, …).
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw JobError(.storage, "cannot write an upload to disk: \(String(cString: strerror(errno))); check free space in --data-dir")
            }
            offset += n
        }
        size += bytes.count
    }

    /// Closes the file (idempotent).
    mutating func close() {
        if fd >= 0 {
            _ = Glibc.close(fd)
            fd = -1
        }
    }

    /// Closes and deletes the file.
    mutating func discard() {
        close()
        unlink(url.path)
    }
}
