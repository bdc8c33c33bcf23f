// Limits of the live-transcription WebSocket routes (`serve --max-streams` and friends).

/// Limits and defaults of `GET /api/v1/stream` and `GET /v1/realtime`.
public struct LiveStreamSettings: Sendable, Equatable {
    /// Streams open at once; one more is told `error` and closed with code 1013 (try again later).
    public var maxStreams: Int
    /// Longest audio one stream may send, in seconds; the stream then ends (`done`) with an error.
    public var maxStreamSeconds: Double
    /// A stream that sends nothing for this long is closed (code 1001).
    public var idleTimeout: Duration
    /// Largest WebSocket message accepted (audio frame or JSON event), in bytes.
    public var maxFrameBytes: Int
    /// Audio waiting for recognition in one stream, in seconds, before the stream is closed as
    /// too far behind (code 1013): bounds the memory a stream can hold.
    public var maxBacklogSeconds: Double
    /// Partial results sent to a client that has not read them yet before newer ones replace them.
    public var maxQueuedPartials: Int
    /// Default `partial_interval_ms` (0: no partials).
    public var partialIntervalMs: Int
    /// How much of the open segment a partial recognises: its last this many ms (0: all of it).
    /// Bounds a partial's cost, and so how long a final can wait behind one.
    public var partialWindowMs: Int

    public init(maxStreams: Int = 32, maxStreamSeconds: Double = 4 * 3600, idleTimeout: Duration = .seconds(30),
                maxFrameBytes: Int = 1 << 20, maxBacklogSeconds: Double = 120, maxQueuedPartials: Int = 1,
                partialIntervalMs: Int = 1000, partialWindowMs: Int = 6000) {
        self.maxStreams = max(1, maxStreams)
        self.maxStreamSeconds = max(1, maxStreamSeconds)
        self.idleTimeout = idleTimeout
        self.maxFrameBytes = max(1024, maxFrameBytes)
        self.maxBacklogSeconds = max(1, maxBacklogSeconds)
        self.maxQueuedPartials = max(1, maxQueuedPartials)
        self.partialIntervalMs = max(0, partialIntervalMs)
        self.partialWindowMs = max(0, partialWindowMs)
    }
}
