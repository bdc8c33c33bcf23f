// Per-file checks made from an upload's header, before it waits for a thread or a job is queued.

import Foundation
import SenseVoiceEngine

/// Opens an uploaded file's header (no samples are decoded) to refuse it early: longer than the
/// route's duration limit (413, naming the file and its length), cut off under `strict=true`
/// (415 `audio_truncated`), or not audio at all (415). Returns the warnings of a file that is
/// accepted as it is (`truncated: header declares 102.4 s, file holds 0.008 s`).
///
/// What a header states is all that is checked here: a compressed file whose container gives
/// only an estimated length is checked again while it is decoded.
enum UploadProbe {
    static func check(_ file: UploadedFile, maxDurationSeconds: Double?, strict: Bool) throws -> [String] {
        var options = AudioDecodingOptions(maxDurationSeconds: maxDurationSeconds)
        options.strict = strict
        let stream = try AudioStream(path: file.url.path, displayName: file.displayName, options: options)
        return stream.warnings
    }
}
