// What a live stream's audio turned into: speech starts, partials due, closed segments.

/// One step of a live stream's segmentation (``LiveCutter``), in stream time.
enum LiveCut: Sendable {
    /// Speech began at `ms`; `item` numbers the segment.
    case started(ms: Int, item: Int)
    /// The open segment so far is due for a partial re-recognition (16 kHz samples).
    case partial(samples: [Float], startMs: Int, endMs: Int, item: Int)
    /// The VAD closed a segment (16 kHz samples); `announce: false` when the protocol already
    /// told the client (a realtime manual commit).
    case closed(samples: [Float], startMs: Int, endMs: Int, item: Int, announce: Bool = true)
}
