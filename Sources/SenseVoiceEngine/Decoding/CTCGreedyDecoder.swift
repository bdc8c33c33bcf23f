// Follows funasr/models/sense_voice/model.py: inference (greedy CTC over all frames, ban_emo_unk); spec §3.4.

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

/// Turns per-frame CTC scores into token ids.
public protocol CTCDecoding: Sendable {
    /// Decodes `[T', vocab]` log-probabilities (or logits: greedy search only compares within a row).
    /// - Parameter bannedIds: ids that may never be chosen (e.g. `<|EMO_UNKNOWN|>` with `--ban-emo-unk`).
    func decode(_ scores: Tensor, bannedIds: Set<Int>) -> CTCOutput
}

/// Greedy CTC: argmax per frame (first index on ties), collapse repeats, drop the blank.
public struct CTCGreedyDecoder: CTCDecoding {
    public let blankId: Int

    public init(blankId: Int = 0) {
        self.blankId = blankId
    }

    public func decode(_ scores: Tensor, bannedIds: Set<Int> = []) -> CTCOutput {
        let t = scores.rows
        let v = scores.cols
        var frameIds = [Int](repeating: 0, count: t)
        for r in 0..<t {
            let row = scores.pointer + r * v
            if bannedIds.isEmpty {
                frameIds[r] = Kernels.argmax(row, count: v).index
            } else {
                var best = -1
                var bv = -Float.infinity
                for c in 0..<v where !bannedIds.contains(c) && (best < 0 || row[c] > bv) {
                    best = c
                    bv = row[c]
                }
                frameIds[r] = max(best, 0)
            }
        }
        return Self.collapse(frameIds, blankId: blankId)
    }

    /// Collapses consecutive duplicates and removes blanks, remembering each token's frame run.
    public static func collapse(_ frameIds: [Int], blankId: Int = 0) -> CTCOutput {
        var ids: [Int] = []
        var runs: [Range<Int>] = []
        var i = 0
        while i < frameIds.count {
            var j = i + 1
            while j < frameIds.count && frameIds[j] == frameIds[i] { j += 1 }
            if frameIds[i] != blankId {
                ids.append(frameIds[i])
                runs.append(i..<j)
            }
            i = j
        }
        return CTCOutput(frameIds: frameIds, tokenIds: ids, tokenFrames: runs)
    }
}
