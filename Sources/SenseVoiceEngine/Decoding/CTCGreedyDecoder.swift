// Follows funasr/models/sense_voice/model.py: inference (greedy CTC over all frames, ban_emo_unk); spec §3.4.

/// Greedy CTC: per frame the argmax of the log-softmax (first index on ties, banned ids never
/// chosen), then repeats collapsed and blanks dropped.
///
/// The log-probabilities are never written: each row's argmax is found from its logits and
/// log-sum-exp (``FastKernels/logSoftmaxArgmax(_:count:banned:)``), bit for bit the argmax of the
/// materialised log-softmax, rows shared out over the session's threads (``Parallel``).
public struct CTCGreedyDecoder: CTCDecoding {
    /// The blank id (0 in SenseVoice).
    public let blankId: Int

    public init(blankId: Int = 0) {
        self.blankId = blankId
    }

    public func decode(_ logits: CTCLogits, bannedIds: Set<Int> = []) -> CTCOutput {
        let t = logits.frames
        let v = logits.vocabulary
        var frameIds = [Int](repeating: 0, count: t)
        if t > 0 {
            frameIds.withUnsafeMutableBufferPointer { out in
                let o = out.baseAddress!
                let rows = logits.pointer
                Parallel.rows(t, cols: v, threads: logits.threads) { lo, hi in
                    for r in lo..<hi { o[r] = FastKernels.logSoftmaxArgmax(rows + r * v, count: v, banned: bannedIds) }
                }
            }
        }
        return collapse(frameIds).scored(by: logits)
    }

    /// Collapses consecutive duplicates and removes blanks, remembering each token's frame run.
    func collapse(_ frameIds: [Int]) -> CTCOutput {
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
