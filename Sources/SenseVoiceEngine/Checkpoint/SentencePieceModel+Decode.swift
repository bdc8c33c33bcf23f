// Follows sentencepiece src/sentencepiece_processor.cc: SentencePieceProcessor::Decode (DecodeIds)
// and src/util.cc: DecodeUTF8 (spec §3.6).

extension SentencePieceModel {
    /// Turns piece ids into text exactly as SentencePiece's `DecodeIds` does.
    ///
    /// For each id, in order:
    /// - a control piece (`<s>`, `</s>`) contributes nothing;
    /// - the unknown piece contributes ``unknownSurface`` (` ⁇ `);
    /// - a run of byte pieces (`<0xNN>`) contributes its bytes decoded as UTF-8, one U+FFFD per
    ///   byte that does not start a valid character;
    /// - any other piece (normal, user-defined such as `<|en|>`, unused) contributes its string with
    ///   every `▁` (U+2581) replaced by a space — except that while the text is still at its
    ///   beginning (nothing emitted yet and no earlier piece had its `▁` dropped) and the model has
    ///   `add_dummy_prefix` or `remove_extra_whitespaces`, one leading `▁` is dropped first. With
    ///   `remove_extra_whitespaces`, dropping it does not end "the beginning", so leading `▁`s keep
    ///   being dropped until something is emitted.
    ///
    /// SenseVoice decodes the whole greedy CTC id list, tags included, so the text starts with
    /// tags such as `<|en|><|NEUTRAL|><|Speech|><|withitn|>`.
    ///
    /// - Parameter ids: piece ids in `0..<count` (SentencePiece rejects others; here they are a
    ///   programmer error, since the model's vocabulary size is checked against the tokenizer).
    /// - Returns: the decoded text.
    public func decode(_ ids: [Int]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(ids.count * 4)
        var pendingBytes: [UInt8] = []
        var atBeginning = true        // SentencePiece's is_bos_ws
        var previousDroppedSpace = false  // SentencePiece's bos_ws_seen (set by the previous piece only)
        let stripsLeadingSpace = normalizer.addDummyPrefix || normalizer.removeExtraWhitespaces

        for original in ids {
            precondition(original >= 0 && original < count, "piece id \(original) outside 0..<\(count)")
            let id = decodeAliases[original] ?? original
            let pieceType = type(id)
            if pieceType == .byte {
                pendingBytes.append(Self.byteValue(of: piece(id)) ?? 0)
                continue
            }
            if !pendingBytes.isEmpty {
                Self.appendBytePieces(pendingBytes, to: &text)
                pendingBytes.removeAll(keepingCapacity: true)
            }
            if previousDroppedSpace || !text.isEmpty { atBeginning = false }
            previousDroppedSpace = false
            switch pieceType {
            case .control:
                continue
            case .unknown:
                text.append(contentsOf: unknownSurface.utf8)
            default:
                var utf8 = Substring(piece(id)).utf8
                if atBeginning && stripsLeadingSpace && utf8.starts(with: Self.spaceSymbol) {
                    utf8 = utf8.dropFirst(Self.spaceSymbol.count)
                    previousDroppedSpace = !normalizer.removeExtraWhitespaces
                }
                Self.appendReplacingSpaceSymbol(utf8, to: &text)
            }
        }
        if !pendingBytes.isEmpty { Self.appendBytePieces(pendingBytes, to: &text) }
        return String(decoding: text, as: UTF8.self)
    }

    /// `▁` (U+2581) in UTF-8.
    static let spaceSymbol: [UInt8] = [0xE2, 0x96, 0x81]

    /// Appends `utf8` with every `▁` replaced by an ASCII space.
    private static func appendReplacingSpaceSymbol(_ utf8: Substring.UTF8View, to text: inout [UInt8]) {
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let b = utf8[i]
            if b == 0xE2, utf8[i...].starts(with: spaceSymbol) {
                text.append(0x20)
                i = utf8.index(i, offsetBy: 3)
            } else {
                text.append(b)
                i = utf8.index(after: i)
            }
        }
    }

    /// Appends a run of byte-piece bytes: each valid UTF-8 character as is, each byte that does
    /// not start one as U+FFFD (SentencePiece's `DecodeUTF8` rules: shortest form, no surrogates,
    /// at most U+10FFFF).
    static func appendBytePieces(_ bytes: [UInt8], to text: inout [UInt8]) {
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        var offset = 0
        while offset < bytes.count {
            let length = validCharacterLength(bytes, at: offset)
            if length == 0 {
                text.append(contentsOf: replacement)
                offset += 1
            } else {
                text.append(contentsOf: bytes[offset..<offset + length])
                offset += length
            }
        }
    }

    /// The length of the valid UTF-8 character starting at `offset`, or 0 if there is none.
    private static func validCharacterLength(_ b: [UInt8], at offset: Int) -> Int {
        let left = b.count - offset
        let c0 = UInt32(b[offset])
        func trail(_ k: Int) -> Bool { b[offset + k] & 0xC0 == 0x80 }
        func valid(_ cp: UInt32) -> Bool { cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF) }
        if c0 < 0x80 { return 1 }
        if left >= 2 && c0 & 0xE0 == 0xC0 {
            let cp = (c0 & 0x1F) << 6 | UInt32(b[offset + 1] & 0x3F)
            return trail(1) && cp >= 0x80 && valid(cp) ? 2 : 0
        }
        if left >= 3 && c0 & 0xF0 == 0xE0 {
            let cp = (c0 & 0x0F) << 12 | UInt32(b[offset + 1] & 0x3F) << 6 | UInt32(b[offset + 2] & 0x3F)
            return trail(1) && trail(2) && cp >= 0x800 && valid(cp) ? 3 : 0
        }
        if left >= 4 && c0 & 0xF8 == 0xF0 {
            let cp = (c0 & 0x07) << 18 | UInt32(b[offset + 1] & 0x3F) << 12
                | UInt32(b[offset + 2] & 0x3F) << 6 | UInt32(b[offset + 3] & 0x3F)
            return trail(1) && trail(2) && trail(3) && cp >= 0x10000 && valid(cp) ? 4 : 0
        }
        return 0
    }
}
