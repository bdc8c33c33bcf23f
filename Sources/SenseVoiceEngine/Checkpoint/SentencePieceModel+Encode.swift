// Follows sentencepiece src/sentencepiece_processor.cc: SentencePieceProcessor::Encode and
// PopulateSentencePieceText (unknown runs merged, byte fallback).

extension SentencePieceModel {
    /// One piece of an encoded text.
    public struct EncodedPiece: Sendable, Hashable {
        /// The piece id.
        public var id: Int
        /// The piece string as SentencePiece reports it (`▁` for spaces; a run of unknown
        /// characters is one piece holding them all; byte-fallback pieces are `<0xNN>`).
        public var piece: String

        public init(id: Int, piece: String) {
            self.id = id
            self.piece = piece
        }
    }

    /// Encodes text into pieces exactly as SentencePiece's `Encode` does with this model: the
    /// normaliser (precompiled charsmap if the model has one, user-defined pieces left as they
    /// are, `▁` for spaces, `add_dummy_prefix`, `remove_extra_whitespaces`), then the model's
    /// segmentation (BPE merges by score, or unigram Viterbi; char models split characters), then
    /// characters outside the vocabulary → the unknown piece (consecutive ones merged into one),
    /// or their UTF-8 bytes as `<0xNN>` pieces when the model has byte fallback.
    ///
    /// - Parameter text: any text; the empty string (or, with `remove_extra_whitespaces`, only
    ///   spaces) encodes to no pieces.
    /// - Returns: the pieces with their ids.
    /// - Throws: `SenseVoiceError(.tokenizerInvalid)` for a word-level model, whose encoding is
    ///   not supported.
    public func encode(_ text: String) throws -> [EncodedPiece] {
        try encode(text, flags: normalizer)
    }

    /// ``encode(_:)`` with `add_dummy_prefix` set as given: without it, a word comes out in the
    /// form it takes inside a sentence (no leading `▁`), which is how CTC emits CJK text.
    public func encode(_ text: String, addDummyPrefix: Bool) throws -> [EncodedPiece] {
        var flags = normalizer
        flags.addDummyPrefix = addDummyPrefix
        return try encode(text, flags: flags)
    }

    private func encode(_ text: String, flags: NormalizerFlags) throws -> [EncodedPiece] {
        let normalized = encoder.normalize(text, flags: flags)
        let segments = try encoder.segment(normalized, model: self)
        var out: [EncodedPiece] = []
        out.reserveCapacity(segments.count)
        var previousUnknown = false
        for segment in segments {
            let isUnknown = segment.id == unknownID
            if isUnknown && byteFallback {
                for byte in segment.bytes {
                    let piece = Self.bytePieceString(byte)
                    out.append(EncodedPiece(id: encoder.reservedIDs[ArraySlice(piece.utf8)] ?? unknownID, piece: piece))
                }
            } else if isUnknown && previousUnknown {
                out[out.count - 1].piece += String(decoding: segment.bytes, as: UTF8.self)
            } else {
                out.append(EncodedPiece(id: segment.id, piece: String(decoding: segment.bytes, as: UTF8.self)))
            }
            previousUnknown = isUnknown
        }
        return out
    }

    /// The ids of ``encode(_:)``.
    public func encodeIDs(_ text: String) throws -> [Int] {
        try encode(text).map(\.id)
    }
}
