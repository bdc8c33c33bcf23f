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
    /// - Parameter withoutVAD: the longest audio one pass takes when the server has no VAD model
    ///   (``EngineConfiguration/maxNoVADSeconds``): longer files would fail later, so they are
    ///   refused now with the hint to add one.
    /// - Parameter split: a channel split the file must allow (two or more channels, at most one
    ///   speaker name each): refused now (400) rather than when a thread or job gets to it.
    static func check(_ file: UploadedFile, maxDurationSeconds: Double?, strict: Bool, withoutVAD: Double? = nil,
                      split: ChannelSplitOptions? = nil) throws -> [String] {
        var options = AudioDecodingOptions(maxDurationSeconds: maxDurationSeconds)
        options.strict = strict
        let stream = try AudioStream(path: file.url.path, displayName: file.displayName, options: options)
        if let onePass = withoutVAD, let seconds = stream.durationHint, seconds > onePass * 1.1 {
            throw SenseVoiceError(.audioTooLong, "\(file.displayName) is \(Int(seconds.rounded())) s long; without a VAD model this server transcribes at most \(Int(onePass)) s in one pass. Split the recording, or start the server with --vad-model DIR.")
        }
        try split?.check(channelCount: stream.channelCount, file: file.displayName)
        return stream.warnings
    }
}
