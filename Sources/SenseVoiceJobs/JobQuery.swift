// Filters and paging for job lists.

/// Which jobs a list returns: newest first, optionally one state or one batch.
public struct JobQuery: Sendable, Equatable {
    public var state: JobState?
    public var batchID: String?
    /// At most this many (1...500).
    public var limit: Int
    /// Skip this many.
    public var offset: Int

    public init(state: JobState? = nil, batchID: String? = nil, limit: Int = 50, offset: Int = 0) {
        self.state = state
        self.batchID = batchID
        self.limit = min(500, max(1, limit))
        self.offset = max(0, offset)
    }
}
