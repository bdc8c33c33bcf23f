// Follows funasr/models/sense_voice/model.py: inference (greedy CTC over all frames); spec §3.4.

/// The result of CTC decoding one encoder output.
public struct CTCOutput: Sendable, Equatable {
    /// Best id of every frame (prompt frames included), `[T']`.
    public var frameIds: [Int]
    /// Ids after collapsing repeats and removing blanks.
    public var tokenIds: [Int]
    /// For each token, the frame range `[start, end)` of its greedy run.
    public var tokenFrames: [Range<Int>]
    /// For each token, the natural-log probability the CTC head gave it at the first frame of its
    /// run (where it is emitted); empty until a decoder scores the output against its logits.
    public var tokenLogProbs: [Float]

    public init(frameIds: [Int], tokenIds: [Int], tokenFrames: [Range<Int>], tokenLogProbs: [Float] = []) {
        self.frameIds = frameIds
        self.tokenIds = tokenIds
        self.tokenFrames = tokenFrames
        self.tokenLogProbs = tokenLogProbs
    }

    /// The mean of ``tokenLogProbs`` (OpenAI's `avg_logprob`), or nil when no token was emitted
    /// or the output was not scored.
    public var averageLogProb: Double? {
        guard !tokenLogProbs.isEmpty else { return nil }
        return tokenLogProbs.reduce(0.0) { $0 + Double($1) } / Double(tokenLogProbs.count)
    }

    /// This output with ``tokenLogProbs`` read from the logits it was decoded from: one
    /// log-sum-exp per token, so the cost is independent of the frames.
    func scored(by logits: CTCLogits) -> CTCOutput {
        var out = self
        out.tokenLogProbs = zip(tokenIds, tokenFrames).map { id, run in
            let row = logits.pointer + run.lowerBound * logits.vocabulary
            return row[id] - FastKernels.logSumExp(row, count: logits.vocabulary)
        }
        return out
    }
}
