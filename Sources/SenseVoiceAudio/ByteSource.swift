// ByteSource: random-access reads from a file (pread) or from bytes already in memory.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SenseVoiceTensor

/// Bytes the WAV reader and the format sniffer read from: an open file or an in-memory upload.
///
/// A class because it owns a file descriptor, closed when the last reference goes away. Not
/// `Sendable`: one decode uses it from one thread.
final class ByteSource {
    private enum Storage {
        case memory([UInt8])
        case file(Int32)
    }

    private let storage: Storage
    /// Total number of bytes.
    let size: Int
    /// A name for messages (the file name or the upload's name).
    let displayName: String

    /// Wraps in-memory bytes (not copied: arrays are copy-on-write and never mutated here).
    init(bytes: [UInt8], displayName: String) {
        storage = .memory(bytes)
        size = bytes.count
        self.displayName = displayName
    }

    /// Opens a regular file for reading.
    /// - Throws: `.fileNotFound` if nothing is at `path`, `.ioError` if it cannot be read.
    init(path: String, displayName: String) throws {
        self.displayName = displayName
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR {
                throw SenseVoiceError(.fileNotFound, "\(displayName): no such file. Check the path.")
            }
            throw SenseVoiceError(.ioError, "\(displayName): could not open the file (\(Self.describe(errno: e))).")
        }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let e = errno
            close(fd)
            throw SenseVoiceError(.ioError, "\(displayName): could not read the file (\(Self.describe(errno: e))).")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw SenseVoiceError(.ioError, "\(displayName): is a directory, not an audio file.")
        }
        storage = .file(fd)
        size = Int(st.st_size)
    }

    deinit {
        if case .file(let fd) = storage { close(fd) }
    }

    static func describe(errno e: Int32) -> String {
        guard let s = strerror(e) else { return "errno \(e)" }
        return String(cString: s)
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (short only at
    /// the end of the data).
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset >= 0, offset < size, buffer.count > 0 else { return 0 }
        let want = min(buffer.count, size - offset)
        switch storage {
        case .memory(let bytes):
            bytes.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: want)
            }
            return want
        case .file(let fd):
            var done = 0
            while done < want {
                let n = pread(fd, buffer.baseAddress! + done, want - done, off_t(offset + done))
                if n > 0 {
                    done += n
                } else if n == 0 {
                    break  // the file shrank while we read it
                } else if errno != EINTR {
                    throw SenseVoiceError(.ioError, "\(displayName): read failed (\(Self.describe(errno: errno))).")
                }
            }
            return done
        }
    }

    /// Reads up to `count` bytes at `offset` into a new array (for headers; short at the end).
    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        let n = max(0, min(count, size - offset))
        guard n > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: n)
        let got = try out.withUnsafeMutableBytes { try read(at: offset, into: $0) }
        if got < n { out.removeLast(n - got) }
        return out
    }
}
