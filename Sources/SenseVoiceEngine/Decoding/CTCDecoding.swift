// The CTC decoding stage of the pipeline: per-frame logits in, token ids and their frame runs out.

/// Turns the CTC head's logits into token ids.
///
/// The default implementation is ``CTCGreedyDecoder``; a beam search or a decoder with a
/// language model would conform here.
public protocol CTCDecoding: Sendable {
    /// Decodes one utterance's logits.
    /// - Parameters:
    ///   - logits: `[T', vocab]` from ``AcousticEncoding/withCTCLogits(of:_:)``.
    ///   - bannedIds: ids that may never be chosen (e.g. `<|EMO_UNKNOWN|>` with `--ban-emo-unk`).
    func decode(_ logits: CTCLogits, bannedIds: Set<Int>) -> CTCOutput
}
