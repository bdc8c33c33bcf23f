// Follows funasr/models/sense_voice/model.py: inference (greedy CTC over all frames); spec §3.4.

/// The result of CTC decoding one encoder output.
public struct CTCOutput: Sendable, Equatable {
    /// Best id of every frame (prompt frames included), `[T']`.
    public var frameIds: [Int]
    /// Ids after collapsing repeats and removing blanks.
    public var tokenIds: [Int]
    /// For each token, the frame range `[start, end)` of its greedy run.
    public var tokenFrames: [Range<Int>]

    public init(frameIds: [Int], tokenIds: [Int], tokenFrames: [Range<Int>]) {
        self.frameIds = frameIds
        self.tokenIds = tokenIds
        self.tokenFrames = tokenFrames
    }
}
