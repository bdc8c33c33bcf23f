// The CTC head's output as the decoding stage reads it: a borrowed `[frames, vocabulary]` matrix.

/// CTC logits of one utterance, `[frames, vocabulary]` row-major, borrowed from whoever computed
/// them (the encoder's scratch memory): valid only during the call that hands them out.
public struct CTCLogits {
    /// The first logit of frame 0; frame `t` starts at `pointer + t · vocabulary`.
    public let pointer: UnsafePointer<Float>
    /// Encoder frames `T'` (prompt frames included).
    public let frames: Int
    /// Vocabulary size (the CTC head's width).
    public let vocabulary: Int
    /// Threads a decoder may use over the rows: the thread budget of the session that computed them.
    public let threads: Int

    public init(pointer: UnsafePointer<Float>, frames: Int, vocabulary: Int, threads: Int = 1) {
        self.pointer = pointer
        self.frames = frames
        self.vocabulary = vocabulary
        self.threads = max(1, threads)
    }
}
