// Follows sentencepiece src/normalizer.cc (Normalize, NormalizePrefix, precompiled charsmap),
// src/model_interface.cc (pieces_, PrefixMatcher), src/bpe_model.cc (Encode), src/unigram_model.cc
// (EncodeOptimized), src/char_model.cc (Encode) and third_party/darts_clone (commonPrefixSearch).

/// What SentencePiece's encoder needs beyond the piece list: the model type, the normaliser's
/// rules and the lookup tables, built once when the tokenizer loads.
///
/// ``SentencePieceModel/encode(_:)`` is the public face; this type holds the tables and runs the
/// three steps of `SentencePieceProcessor::Encode`: normalise (``normalize(_:)``), segment with the
/// model (``segment(_:)``), then the caller turns segments into pieces and ids.
struct SentencePieceEncoder: Sendable {
    /// `TrainerSpec.ModelType`.
    enum ModelType: Int, Sendable {
        case unigram = 1, bpe, word, char
    }

    /// The `ModelProto` fields encoding reads that decoding does not.
    struct Spec: Sendable {
        /// `TrainerSpec.model_type` as stored (protobuf default 1, unigram).
        var modelType = ModelType.unigram.rawValue
        /// `TrainerSpec.treat_whitespace_as_suffix`.
        var treatWhitespaceAsSuffix = false
        /// `NormalizerSpec.precompiled_charsmap` (empty for the identity normaliser).
        var precompiledCharsMap: [UInt8] = []

        /// Whether merge scores are the piece ranks (`−id`) rather than the stored scores: true
        /// for a vocabulary without scores (`tokens.txt`), whose BPE trainer scored piece `i` as `−i`.
        var scoresFromRanks = false

        /// A BPE model with the identity normaliser, merges ranked by id (a vocabulary that
        /// carries no spec and no scores).
        static let bpe = Spec(modelType: ModelType.bpe.rawValue, scoresFromRanks: true)
    }

    /// The model type; `nil` when the file names one this encoder does not know.
    let modelType: ModelType?
    /// The raw `model_type` value, for error messages.
    let rawModelType: Int
    let treatWhitespaceAsSuffix: Bool
    /// SentencePiece's `pieces_`: normal, user-defined and unused pieces by their UTF-8 bytes
    /// (bytes, not `String`s: Swift compares strings by canonical equivalence, SentencePiece by bytes).
    let pieceIDs: [ArraySlice<UInt8>: Int]
    /// SentencePiece's `reserved_id_map_`: control, unknown and byte pieces by their UTF-8 bytes.
    let reservedIDs: [ArraySlice<UInt8>: Int]
    /// User-defined pieces (matched whole, never split or normalised), as UTF-8.
    let userDefined: Set<ArraySlice<UInt8>>
    let longestUserDefined: Int
    /// Which bytes start a user-defined piece (a quick test before the set lookups).
    let userDefinedFirstBytes: [Bool]
    /// The longest piece of `pieceIDs` in UTF-8 bytes (bounds the unigram lattice).
    let longestPiece: Int
    /// Ids of unused pieces (never produced directly).
    let unusedIDs: Set<Int>
    let userDefinedIDs: Set<Int>
    /// Scores by id.
    let scores: [Float]
    /// Lowest and highest score of the normal pieces (unigram's unknown and user-defined scores),
    /// starting from `FLT_MAX` / `FLT_MIN` exactly as the unigram model does.
    let minScore: Float
    let maxScore: Float
    /// The normaliser's rules, when the model has a precompiled charsmap.
    let charsMap: CharsMap?

    /// `NormalizerSpec.precompiled_charsmap`: `<trie size: u32 LE><Darts double array><normalised
    /// strings, NUL-terminated>`.
    struct CharsMap: Sendable {
        let units: [UInt32]
        let strings: [UInt8]

        init(blob: [UInt8], invalid: (String) -> SenseVoiceError) throws {
            guard blob.count > 4 else { throw invalid("its precompiled charsmap is broken (\(blob.count) bytes)") }
            let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
            guard trieSize < blob.count, trieSize % 4 == 0, 4 + trieSize <= blob.count else {
                throw invalid("its precompiled charsmap's trie size \(trieSize) exceeds the charsmap (\(blob.count) bytes)")
            }
            var units = [UInt32](repeating: 0, count: trieSize / 4)
            for i in 0..<units.count {
                let o = 4 + 4 * i
                units[i] = UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16 | UInt32(blob[o + 3]) << 24
            }
            self.units = units
            self.strings = Array(blob[(4 + trieSize)...])
        }

        /// The longest rule matching a prefix of `input[from...]`: its length in input bytes and
        /// the replacement, or `nil`. Darts' `commonPrefixSearch`; a corrupt array ends the search.
        func longestRule(_ input: [UInt8], from: Int) -> (length: Int, replacement: ArraySlice<UInt8>)? {
            guard !units.isEmpty else { return nil }
            func offset(_ u: UInt32) -> Int { Int((u >> 10) << ((u & (1 << 9)) >> 6)) }
            var node = offset(units[0])
            var best: (length: Int, value: Int)?
            var i = from
            while i < input.count {
                let label = Int(input[i])
                node ^= label
                guard node >= 0, node < units.count else { break }
                let unit = units[node]
                guard unit & ((1 << 31) | 0xFF) == UInt32(label) else { break }
                node ^= offset(unit)
                if (unit >> 8) & 1 == 1 {
                    guard node >= 0, node < units.count else { break }
                    best = (i + 1 - from, Int(units[node] & ((1 << 31) - 1)))
                }
                i += 1
            }
            guard let best, best.value < strings.count else { return nil }
            let end = strings[best.value...].firstIndex(of: 0) ?? strings.count
            return (best.length, strings[best.value..<end])
        }
    }

    init(spec: Spec, pieces list: [(piece: String, score: Float, type: SentencePieceModel.PieceType)],
         invalid: (String) -> SenseVoiceError) throws {
        modelType = ModelType(rawValue: spec.modelType)
        rawModelType = spec.modelType
        treatWhitespaceAsSuffix = spec.treatWhitespaceAsSuffix
        var normal: [ArraySlice<UInt8>: Int] = [:]
        var reserved: [ArraySlice<UInt8>: Int] = [:]
        var user = Set<ArraySlice<UInt8>>()
        var unused = Set<Int>()
        var userIDs = Set<Int>()
        var minScore = Float.greatestFiniteMagnitude
        var maxScore = Float.leastNormalMagnitude
        for (id, entry) in list.enumerated() {
            let key = ArraySlice(entry.piece.utf8)
            switch entry.type {
            case .normal, .userDefined, .unused: if normal[key] == nil { normal[key] = id }
            default: if reserved[key] == nil { reserved[key] = id }
            }
            switch entry.type {
            case .userDefined:
                user.insert(ArraySlice(entry.piece.utf8))
                userIDs.insert(id)
            case .unused: unused.insert(id)
            case .normal:
                minScore = min(minScore, entry.score)
                maxScore = max(maxScore, entry.score)
            default: break
            }
        }
        pieceIDs = normal
        reservedIDs = reserved
        userDefined = user
        longestUserDefined = user.map(\.count).max() ?? 0
        var first = [Bool](repeating: false, count: 256)
        for piece in user { if let b = piece.first { first[Int(b)] = true } }
        userDefinedFirstBytes = first
        longestPiece = normal.keys.map(\.count).max() ?? 0
        unusedIDs = unused
        userDefinedIDs = userIDs
        scores = spec.scoresFromRanks ? list.indices.map { -Float($0) } : list.map(\.score)
        self.minScore = minScore
        self.maxScore = maxScore
        charsMap = spec.precompiledCharsMap.isEmpty ? nil : try CharsMap(blob: spec.precompiledCharsMap, invalid: invalid)
    }

    // MARK: - Normalisation

    /// The length of the longest user-defined piece starting at `from`, or 0 (`PrefixMatcher`).
    func userDefinedPrefix(_ s: [UInt8], from: Int) -> Int {
        guard longestUserDefined > 0, userDefinedFirstBytes[Int(s[from])] else { return 0 }
        var n = min(longestUserDefined, s.count - from)
        while n > 0 {
            if userDefined.contains(s[from..<from + n]) { return n }
            n -= 1
        }
        return 0
    }

    /// The UTF-8 length of the character starting with `b` (SentencePiece's `OneCharLen`).
    static func charLength(_ b: UInt8) -> Int {
        switch b {
        case 0..<0x80: 1
        case 0xC0..<0xE0: 2
        case 0xE0..<0xF0: 3
        case 0xF0...0xFF: 4
        default: 1
        }
    }

    /// `Normalizer::NormalizePrefix`: what the next characters of `input` normalise to and how
    /// many input bytes they consume.
    private func normalizePrefix(_ input: [UInt8], from: Int) -> (ArraySlice<UInt8>, Int) {
        let user = userDefinedPrefix(input, from: from)
        if user > 0 { return (input[from..<from + user], user) }
        if let rule = charsMap?.longestRule(input, from: from) { return (rule.replacement, rule.length) }
        let n = min(Self.charLength(input[from]), input.count - from)
        return (input[from..<from + n], n)
    }

    /// `Normalizer::Normalize`: the normalised UTF-8 text (spaces as `▁` when escaping).
    func normalize(_ text: String, flags: SentencePieceModel.NormalizerFlags) -> [UInt8] {
        let input = Array(text.utf8)
        var at = 0
        if flags.removeExtraWhitespaces {
            while at < input.count {
                let (piece, used) = normalizePrefix(input, from: at)
                guard piece.elementsEqual([0x20]) else { break }
                at += used
            }
        }
        guard at < input.count else { return [] }
        let space: [UInt8] = flags.escapeWhitespaces ? SentencePieceModel.spaceSymbol : [0x20]
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3)
        if !treatWhitespaceAsSuffix && flags.addDummyPrefix { out += space }
        var previousIsSpace = flags.removeExtraWhitespaces
        while at < input.count {
            var (piece, used) = normalizePrefix(input, from: at)
            while previousIsSpace, piece.first == 0x20 { piece = piece.dropFirst() }
            if !piece.isEmpty {
                for b in piece {
                    if b == 0x20 { out += space } else { out.append(b) }
                }
                previousIsSpace = piece.last == 0x20
            }
            at += used
            if !flags.removeExtraWhitespaces { previousIsSpace = false }
        }
        if flags.removeExtraWhitespaces {
            while out.count >= space.count, out.suffix(space.count).elementsEqual(space) {
                out.removeLast(space.count)
            }
        }
        if treatWhitespaceAsSuffix && flags.addDummyPrefix { out += space }
        return out
    }

    // MARK: - Segmentation

    /// A piece of the normalised text: its UTF-8 bytes and id (the unknown id when not a piece).
    struct Segment {
        var bytes: ArraySlice<UInt8>
        var id: Int
    }

    /// `PieceToId` restricted to strings: reserved pieces first, then `pieces_`, else unknown.
    private func id(_ s: ArraySlice<UInt8>, model: SentencePieceModel) -> Int {
        reservedIDs[s] ?? pieceIDs[s] ?? model.unknownID
    }

    /// Splits normalised text into pieces with the model's algorithm.
    func segment(_ s: [UInt8], model: SentencePieceModel) throws -> [Segment] {
        guard !s.isEmpty else { return [] }
        switch modelType {
        case .bpe: return bpe(s, model: model)
        case .unigram: return unigram(s, model: model)
        case .char:
            var out: [Segment] = []
            var at = 0
            while at < s.count {
                let user = userDefinedPrefix(s, from: at)
                let n = user > 0 ? user : min(Self.charLength(s[at]), s.count - at)
                out.append(Segment(bytes: s[at..<at + n], id: id(s[at..<at + n], model: model)))
                at += n
            }
            return out
        case .word, nil:
            throw SenseVoiceError(.tokenizerInvalid,
                                  "Encoding text is supported for BPE, unigram and char SentencePiece models; this tokenizer's model type is \(rawModelType).")
        }
    }

    /// BPE (`bpe::Model::SampleEncode` without dropout): start from characters (user-defined
    /// pieces whole and frozen), repeatedly merge the adjacent pair whose concatenation is the
    /// best-scoring piece (leftmost on ties), then split unused pieces back into their parts.
    private func bpe(_ s: [UInt8], model: SentencePieceModel) -> [Segment] {
        struct Symbol { var start: Int; var length: Int; var prev: Int; var next: Int; var frozen: Bool }
        struct Pair: Comparable {
            var score: Float; var left: Int; var right: Int; var length: Int
            // Max-heap order: higher score first, then the smaller left index.
            static func < (a: Pair, b: Pair) -> Bool { a.score < b.score || (a.score == b.score && a.left > b.left) }
        }
        var symbols: [Symbol] = []
        var at = 0
        while at < s.count {
            let user = userDefinedPrefix(s, from: at)
            let n = user > 0 ? user : min(Self.charLength(s[at]), s.count - at)
            let index = symbols.count
            at += n
            symbols.append(Symbol(start: at - n, length: n, prev: index - 1, next: at < s.count ? index + 1 : -1, frozen: user > 0))
        }
        var heap = BinaryMaxHeap<Pair>()
        // Keyed by the piece string, the last pair recorded wins (as in `rev_merge`).
        var reverseMerge: [ArraySlice<UInt8>: (ArraySlice<UInt8>, ArraySlice<UInt8>)] = [:]
        func consider(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0, !symbols[left].frozen, !symbols[right].frozen else { return }
            let l = symbols[left], r = symbols[right]
            let range = l.start..<(l.start + l.length + r.length)
            guard let id = pieceIDs[s[range]] else { return }
            heap.push(Pair(score: scores[id], left: left, right: right, length: range.count))
            if unusedIDs.contains(id) {
                reverseMerge[s[range]] = (s[l.start..<l.start + l.length], s[r.start..<r.start + r.length])
            }
        }
        for i in symbols.indices.dropFirst() { consider(i - 1, i) }
        while let top = heap.pop() {
            let l = symbols[top.left], r = symbols[top.right]
            guard l.length > 0, r.length > 0, l.length + r.length == top.length else { continue }
            symbols[top.left].length += r.length
            symbols[top.left].next = r.next
            if r.next >= 0 { symbols[r.next].prev = top.left }
            symbols[top.right].length = 0
            consider(symbols[top.left].prev, top.left)
            consider(top.left, symbols[top.left].next)
        }
        var out: [Segment] = []
        func emit(_ piece: ArraySlice<UInt8>) {
            let pieceID = id(piece, model: model)
            if unusedIDs.contains(pieceID), let parts = reverseMerge[piece] {
                emit(parts.0)
                emit(parts.1)
            } else {
                out.append(Segment(bytes: piece, id: pieceID))
            }
        }
        var index = 0
        while index >= 0 {
            emit(s[symbols[index].start..<symbols[index].start + symbols[index].length])
            index = symbols[index].next
        }
        return out
    }

    /// Unigram (`unigram::Model::EncodeOptimized`): Viterbi over every piece that starts at each
    /// character; user-defined pieces score `length · maxScore − 0.1`, a character no piece
    /// covers is unknown with `minScore − 10`; on equal totals the first candidate found stays.
    private func unigram(_ s: [UInt8], model: SentencePieceModel) -> [Segment] {
        struct Best { var id = -1; var score: Float = 0; var start = -1 }
        var best = [Best](repeating: Best(), count: s.count + 1)
        let unknownScore = minScore - 10
        var start = 0
        while start < s.count {
            let here = best[start].score
            let charLength = min(Self.charLength(s[start]), s.count - start)
            var coversCharacter = false
            var end = start
            while end < s.count && end - start < longestPiece {
                end += min(Self.charLength(s[end]), s.count - end)
                guard end - start <= longestPiece,
                      let id = pieceIDs[s[start..<end]],
                      !unusedIDs.contains(id) else { continue }
                let length = end - start
                let score = userDefinedIDs.contains(id) ? Float(length) * maxScore - 0.1 : scores[id]
                let candidate = score + here
                if best[end].start == -1 || candidate > best[end].score {
                    best[end] = Best(id: id, score: candidate, start: start)
                }
                if length == charLength { coversCharacter = true }
            }
            if !coversCharacter {
                let candidate = unknownScore + here
                if best[start + charLength].start == -1 || candidate > best[start + charLength].score {
                    best[start + charLength] = Best(id: model.unknownID, score: candidate, start: start)
                }
            }
            start += charLength
        }
        var out: [Segment] = []
        var end = s.count
        while end > 0 {
            let node = best[end]
            out.append(Segment(bytes: s[node.start..<end], id: node.id))
            end = node.start
        }
        return out.reversed()
    }
}

/// A binary max-heap (the BPE merge agenda).
struct BinaryMaxHeap<Element: Comparable> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ x: Element) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[parent] < items[i] else { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && items[m] < items[l] { m = l }
            if r < items.count && items[m] < items[r] { m = r }
            guard m != i else { break }
            items.swapAt(m, i)
            i = m
        }
        return top
    }
}
