// Files at rest are the server's alone: folders 0700, files 0600, whatever the umask.

public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates the server's folders and files readable by its own user only.
///
/// Uploads, the job database and its results may hold private speech; under the usual umask 022
/// they would be world-readable. Folders the server owns (`audio/`, `uploads/`) are set to 0700
/// even when they exist; a `--data-dir` is made 0700 when the server creates it (an existing one,
/// such as the current folder, is left as its owner set it).
public enum PrivateFiles {
    /// Owner-only permissions of folders.
    public static let directoryMode: mode_t = 0o700
    /// Owner-only permissions of files.
    public static let fileMode: mode_t = 0o600

    /// Creates `url` (and its parents) when missing; `own`: also restrict an existing folder.
    /// - Throws: the file system's error.
    public static func makeDirectory(_ url: URL, own: Bool) throws {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        if !exists {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: Int(directoryMode)])
        }
        if !exists || own { chmod(url.path, directoryMode) }
    }

    /// Creates an empty file at `path` with owner-only permissions unless it exists (an existing
    /// file is restricted too).
    public static func prepareFile(_ path: String) {
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, fileMode)
        if fd >= 0 { close(fd) }
        chmod(path, fileMode)
    }

    /// Restricts an existing file to its owner (no error when it does not exist).
    public static func restrict(_ path: String) {
        chmod(path, fileMode)
    }
}
