// The acoustic encoder stage of the pipeline: model input features in, CTC logits out (spec §3).

/// One thread's acoustic encoder: runs the encoder over features and the CTC head over its output.
///
/// An encoder owns scratch memory and is used by one thread at a time; ``AcousticModel`` makes one
/// per session over weights every session shares. The default implementation is the CPU SAN-M
/// ``EncoderSession``; another backend (a GPU encoder) implements this protocol and
/// ``AcousticModel`` and plugs into ``Transcriber`` without changing the pipeline.
public protocol AcousticEncoding: AnyObject {
    /// Encodes several utterances in one pass with the same prompts; each result equals that of
    /// the utterance encoded alone.
    /// - Parameters:
    ///   - batch: features `[T6ᵢ, inputSize]` per utterance (after LFR and CMVN).
    ///   - language: language prompt.
    ///   - useITN: text-norm prompt (`withitn` / `woitn`).
    ///   - isCancelled: asked between steps of the pass (the CPU encoder: before each layer);
    ///     true stops it with `SenseVoiceError(.cancelled)`. Nil: the pass always completes.
    /// - Returns: one `[T6ᵢ + 4, d]` encoder output per utterance, in order (4 prompt frames first).
    /// - Throws: `SenseVoiceError` when the backend fails at run time (e.g. oneDNN out of memory),
    ///   `.cancelled` when `isCancelled` said so.
    func encode(batch: [Tensor], language: Language, useITN: Bool, isCancelled: (() -> Bool)?) throws -> [Tensor]

    /// Runs the CTC head over one encoder output and hands its logits to `body`.
    ///
    /// The logits live in the encoder's scratch memory, so decoding reads them where they were
    /// written and no `[T', vocab]` tensor is allocated; they are valid only inside `body`.
    /// - Parameter encoded: `[T', d]`, one result of ``encode(batch:language:useITN:)``.
    /// - Throws: as ``encode(batch:language:useITN:)``, and what `body` throws.
    func withCTCLogits<R>(of encoded: Tensor, _ body: (CTCLogits) throws -> R) throws -> R
}

extension AcousticEncoding {
    /// Encodes several utterances in one pass that always completes
    /// (``encode(batch:language:useITN:isCancelled:)`` without a cancellation check).
    public func encode(batch: [Tensor], language: Language, useITN: Bool) throws -> [Tensor] {
        try encode(batch: batch, language: language, useITN: useITN, isCancelled: nil)
    }

    /// Encodes one utterance: `[T6, inputSize]` → `[T6 + 4, d]`.
    public func encode(features: Tensor, language: Language, useITN: Bool) throws -> Tensor {
        try encode(batch: [features], language: language, useITN: useITN)[0]
    }

    /// CTC log-probabilities `[T', vocab]` of an encoder output (golden tests and diagnostics; the
    /// pipeline decodes the logits without materialising these).
    public func logProbabilities(_ encoded: Tensor) throws -> Tensor {
        try withCTCLogits(of: encoded) { logits in
            Tensor(shape: [logits.frames, logits.vocabulary]) { out in
                guard let dst = out.baseAddress else { return }
                dst.update(from: logits.pointer, count: logits.frames * logits.vocabulary)
                FastKernels.logSoftmaxRows(dst, rows: logits.frames, cols: logits.vocabulary, threads: logits.threads)
            }
        }
    }
}
