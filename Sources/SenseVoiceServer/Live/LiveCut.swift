// What a live stream's audio turned into: speech starts, partials due, closed segments.

import SenseVoiceEngine

/// One step of a live stream's segmentation (``LiveCutter``), in stream time.
enum LiveCut: Sendable {
    /// Speech began at `ms`; `item` numbers the segment.
    case started(ms: Int, item: Int)
    /// The open segment so far is due for a partial re-recognition.
    case partial(LiveAudio, item: Int)
    /// The VAD closed a segment; `announce: false` when the protocol already told the client (a
    /// realtime manual commit).
    case closed(LiveAudio, item: Int, announce: Bool = true)
    /// Trailing silence says the open segment will likely close as `audio`: recognise it early.
    case likelyClosed(LiveAudio, item: Int)
}
