// A stretch of a live stream's 16 kHz audio handed to recognition: an open segment or a closed one.

/// Samples of one live segment (closed, or the open part of one) with its place in the stream.
public struct LiveAudio: Sendable, Equatable {
    /// 16 kHz mono floats: the stream's samples from ``startMs`` to ``endMs``.
    public var samples: [Float]
    /// Start in ms from the beginning of the stream.
    public var startMs: Int
    /// End in ms from the beginning of the stream (a partial's: the audio received so far).
    public var endMs: Int
    /// Audio of the stream (ms) that had gone through the VAD when this was handed out: for a
    /// closed segment, when the VAD decided its end (final latency is measured from here).
    public var streamMs: Int

    public init(samples: [Float], startMs: Int, endMs: Int, streamMs: Int) {
        self.samples = samples
        self.startMs = startMs
        self.endMs = endMs
        self.streamMs = streamMs
    }
}
