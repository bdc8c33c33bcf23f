// Follows funasr/models/sense_voice/utils/ctc_alignment.py (ctc_forced_align): Viterbi over the
// blank-interleaved targets, float32 scores, first index on ties, and its result when no path fits.

/// CTC forced alignment: the single best path that spells a given target sequence, as a label per
/// frame (blank or the target it belongs to).
///
/// The states are the targets with blanks around and between them, `[∅, y₁, ∅, y₂, …, y_L, ∅]`.
/// At frame 0 a path starts in the first blank or in `y₁`. From frame to frame a path stays in
/// its state, moves to the next one, or skips a blank between two different targets; each state
/// keeps the best score of the paths reaching it (candidates in the order stay, next, skip; the
/// first wins a tie, as `torch.max` does) and where it came from. The path ends in `y_L` or in the
/// last blank, `y_L` on a tie, and is traced back.
///
/// Scores are float32 sums of the emission log-probabilities, added in the same order as FunASR,
/// so equal inputs give the same path. When no path fits (more targets, counting a blank between
/// equal neighbours, than frames) every score at the end is −∞: the trace then stays in `y_L`,
/// so every frame gets the last target — FunASR's result in that case.
public struct CTCForcedAlignment: Sendable {
    /// Emission log-probabilities of one utterance for the labels an alignment needs.
    public struct Emissions: Sendable, Equatable {
        /// The label ids, one per column (blank among them).
        public var labels: [Int]
        /// `[frames, labels.count]` row-major log-probabilities.
        public var values: [Float]
        /// Frames.
        public var frames: Int

        public init(labels: [Int], values: [Float], frames: Int) {
            precondition(values.count == labels.count * frames, "emissions must be [frames, labels]")
            self.labels = labels
            self.values = values
            self.frames = frames
        }
    }

    /// The blank id (0 in SenseVoice).
    public let blankId: Int

    public init(blankId: Int = 0) {
        self.blankId = blankId
    }

    /// Aligns `targets` to the emissions.
    /// - Parameters:
    ///   - emissions: log-probabilities holding a column for the blank and for every target id.
    ///   - targets: the label sequence (no blanks); must not be empty.
    /// - Returns: one label per frame: `blankId` or the target id the frame is aligned to; empty
    ///   when there are no frames.
    public func align(_ emissions: Emissions, targets: [Int]) -> [Int] {
        let frames = emissions.frames
        guard frames > 0 else { return [] }
        precondition(!targets.isEmpty, "forced alignment needs at least one target")
        var column: [Int: Int] = [:]
        for (c, label) in emissions.labels.enumerated() where column[label] == nil { column[label] = c }
        let width = emissions.labels.count
        // States: blank, y1, blank, y2, …, yL, blank.
        let states = 2 * targets.count + 1
        var stateLabel = [Int](repeating: blankId, count: states)
        for (k, y) in targets.enumerated() { stateLabel[2 * k + 1] = y }
        let stateColumn = stateLabel.map { label -> Int in
            guard let c = column[label] else { preconditionFailure("no emission column for label \(label)") }
            return c
        }
        // A skip from s−2 is allowed where the labels two states apart differ (never into a blank).
        var canSkip = [Bool](repeating: false, count: states)
        for s in 2..<max(states, 2) where stateLabel[s] != stateLabel[s - 2] { canSkip[s] = true }

        var score = [Float](repeating: -.infinity, count: states)
        var next = score
        // back[t · states + s]: 0 stay, 1 from s−1, 2 from s−2.
        var back = [UInt8](repeating: 0, count: frames * states)
        emissions.values.withUnsafeBufferPointer { e in
            score[0] = e[stateColumn[0]]
            score[1] = e[stateColumn[1]]
            for t in 1..<frames {
                let row = t * width
                for s in 0..<states {
                    var best = score[s]
                    var from: UInt8 = 0
                    if s >= 1, score[s - 1] > best { best = score[s - 1]; from = 1 }
                    if canSkip[s], score[s - 2] > best { best = score[s - 2]; from = 2 }
                    next[s] = e[row + stateColumn[s]] + best
                    back[t * states + s] = from
                }
                swap(&score, &next)
            }
        }
        var state = states - 2
        if score[states - 1] > score[states - 2] { state = states - 1 }
        var path = [Int](repeating: 0, count: frames)
        path[frames - 1] = state
        var t = frames - 1
        while t > 0 {
            state -= Int(back[t * states + state])
            path[t - 1] = state
            t -= 1
        }
        return path.map { stateLabel[$0] }
    }
}
