// Where a claimed job's audio is: a file to decode in place, or bytes from a store that keeps no files.

import Foundation

/// The audio a worker hands to ``JobProcessing``.
enum JobAudio: Sendable {
    /// A folder store's file (``AudioBlobStore/localFile(id:)``).
    case file(URL)
    /// The bytes of a store that keeps no files (PostgreSQL).
    case bytes([UInt8])
}
