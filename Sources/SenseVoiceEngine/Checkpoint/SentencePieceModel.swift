// Follows sentencepiece src/sentencepiece_model.proto (ModelProto) and src/model_interface.cc:
// InitializePieces — a hand-written protobuf reader for the `.bpe.model` tokenizer (spec §3.6).

internal import Foundation

/// The SentencePiece vocabulary of a SenseVoice model: id → piece, piece type, score and the
/// normaliser flags that decoding depends on.
///
/// Load it from the model folder's `.bpe.model` (a serialized protobuf `ModelProto`) with
/// ``init(contentsOf:)``, or from a sherpa-onnx style `tokens.txt` with ``init(tokensFile:normalizer:)``.
/// Decoding (ids → text, ``decode(_:)``) serves recognition; encoding (text → pieces,
/// ``encode(_:)``) serves hotwords and `sensevoice tokenize`. The value is immutable and `Sendable`, so one model serves every session.
///
/// Loading validates what SentencePiece itself validates (non-empty, unique pieces, exactly one
/// `UNKNOWN` piece, well-formed byte pieces) and throws `SenseVoiceError(.tokenizerInvalid)` naming
/// the file and the problem otherwise.
public struct SentencePieceModel: Sendable {
    /// The kind of a piece (`ModelProto.SentencePiece.Type`).
    public enum PieceType: Int, Sendable, Hashable, CaseIterable {
        /// An ordinary piece produced by the BPE merges.
        case normal = 1
        /// The single unknown piece (`<unk>`); decodes to the unknown surface ` ⁇ `.
        case unknown
        /// A control symbol such as `<s>` or `</s>`; decodes to nothing.
        case control
        /// A user-defined symbol (SenseVoice's `<|…|>` tags); decodes literally.
        case userDefined
        /// A piece reserved but unused; decodes like a normal piece.
        case unused
        /// A byte-fallback piece `<0xNN>`; runs of them decode as UTF-8 bytes.
        case byte
    }

    /// The `NormalizerSpec` flags of the model (protobuf defaults when a field is absent).
    ///
    /// Decoding reads `addDummyPrefix` and `removeExtraWhitespaces` (whether a leading `▁` of the
    /// first piece is dropped); `escapeWhitespaces` only matters for encoding and is kept for
    /// completeness.
    public struct NormalizerFlags: Sendable, Hashable {
        /// Whether the encoder prefixes the text with `▁` (field 3, default `true`).
        public var addDummyPrefix: Bool
        /// Whether the encoder collapses and trims whitespace (field 4, default `true`).
        public var removeExtraWhitespaces: Bool
        /// Whether the encoder writes spaces as `▁` (field 5, default `true`).
        public var escapeWhitespaces: Bool

        /// Creates flags; the defaults are the protobuf defaults.
        public init(addDummyPrefix: Bool = true, removeExtraWhitespaces: Bool = true, escapeWhitespaces: Bool = true) {
            self.addDummyPrefix = addDummyPrefix
            self.removeExtraWhitespaces = removeExtraWhitespaces
            self.escapeWhitespaces = escapeWhitespaces
        }

        /// The protobuf defaults (every flag `true`), used for fields a `.bpe.model` leaves out.
        public static let protobufDefaults = NormalizerFlags()

        /// The flags SenseVoice's `chn_jpn_yue_eng_ko_spectok.bpe.model` declares as far as known
        /// (the test fixture's copy: identity normaliser, `add_dummy_prefix` true,
        /// `remove_extra_whitespaces` false, `escape_whitespaces` absent → true). The default for
        /// `tokens.txt`, which carries no flags.
        public static let senseVoice = NormalizerFlags(addDummyPrefix: true, removeExtraWhitespaces: false,
                                                       escapeWhitespaces: true)
    }

    /// Piece strings by id (`▁` U+2581 kept as is).
    private let pieces: [String]
    /// Piece types by id.
    private let types: [PieceType]
    /// Piece scores by id (0 for a `tokens.txt` vocabulary).
    private let scores: [Float]
    /// Piece → id. Like SentencePiece, a reserved piece (control, unknown, byte) wins over a
    /// normal piece with the same string.
    private let ids: [String: Int]
    /// Normal ids whose string also names a reserved piece: SentencePiece's `DecodeIds` goes
    /// through the string, so such an id decodes as the reserved piece. Empty for real models.
    let decodeAliases: [Int: Int]

    /// The normaliser flags decoding follows.
    public let normalizer: NormalizerFlags
    /// The id of the unknown piece (`<unk>`; 0 in SenseVoice, which is also the CTC blank).
    public let unknownID: Int
    /// What an unknown piece decodes to (`TrainerSpec.unk_surface`, default ` ⁇ `).
    public let unknownSurface: String
    /// Whether the model was trained with byte fallback (`TrainerSpec.byte_fallback`).
    public let byteFallback: Bool
    /// What encoding needs beyond the pieces: model type, normaliser rules, lookup tables.
    let encoder: SentencePieceEncoder

    /// The number of pieces (the vocabulary size, 25055 for SenseVoiceSmall).
    public var count: Int { pieces.count }

    /// The piece string of an id, e.g. `"▁the"` or `"<|en|>"`.
    ///
    /// - Parameter id: a piece id in `0..<count`; anything else is a programmer error.
    public func piece(_ id: Int) -> String {
        precondition(id >= 0 && id < pieces.count, "piece id \(id) outside 0..<\(pieces.count)")
        return pieces[id]
    }

    /// The type of a piece.
    ///
    /// - Parameter id: a piece id in `0..<count`; anything else is a programmer error.
    public func type(_ id: Int) -> PieceType {
        precondition(id >= 0 && id < types.count, "piece id \(id) outside 0..<\(types.count)")
        return types[id]
    }

    /// The score (log probability) of a piece; 0 when the vocabulary came from `tokens.txt`.
    ///
    /// - Parameter id: a piece id in `0..<count`; anything else is a programmer error.
    public func score(_ id: Int) -> Float {
        precondition(id >= 0 && id < scores.count, "piece id \(id) outside 0..<\(scores.count)")
        return scores[id]
    }

    /// The id of a piece string, or `nil` when the vocabulary has no such piece.
    ///
    /// Unlike SentencePiece's `PieceToId`, an unknown string yields `nil`, not the unknown id.
    public func id(of piece: String) -> Int? { ids[piece] }

    // MARK: - Loading

    /// Loads a SentencePiece `.bpe.model` (a serialized protobuf `ModelProto`).
    ///
    /// Reads the pieces (string, score, type), the `NormalizerSpec` flags (protobuf defaults for
    /// absent fields) and, from the `TrainerSpec`, `byte_fallback` and `unk_surface`. A
    /// denormaliser spec, if present, is ignored (SenseVoice ships none).
    ///
    /// - Parameter path: the file, e.g. `<model>/chn_jpn_yue_eng_ko_spectok.bpe.model`.
    /// - Throws: `SenseVoiceError(.modelNotFound)` when the file does not exist,
    ///   `.ioError` when it cannot be read, and `.tokenizerInvalid` (naming the file and the
    ///   problem: truncated varint, length past the end, unsupported wire type, no pieces,
    ///   duplicate or malformed pieces, no `<unk>`) when it is not a usable model.
    public init(contentsOf path: String) throws {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let bytes = try Self.readFile(path)
        let proto: ModelProtoContents
        do {
            proto = try ModelProtoContents(parsing: bytes)
        } catch let error as ProtobufError {
            throw Self.invalid(name, "it is not a SentencePiece model (\(error.problem) at byte \(error.offset))")
        }
        try self.init(name: name, pieces: proto.pieces.map { ($0.piece, $0.score, $0.type) },
                      normalizer: proto.normalizer, byteFallback: proto.byteFallback,
                      unknownSurface: proto.unknownSurface, encoding: proto.encoding)
    }

    /// Loads a sherpa-onnx style `tokens.txt`: one `piece id` line per piece.
    ///
    /// The id is the last whitespace-separated field of a line and the piece is everything before
    /// the space or tab that precedes it (so a piece may itself contain spaces); a line holding
    /// only an id is the piece `" "`, as in sherpa-onnx. Ids must be exactly `0..<lines`. Blank
    /// lines and a trailing `\r` are ignored.
    ///
    /// The file carries no types, scores or flags, so they are inferred (the model type is BPE,
    /// as SenseVoice's): `<unk>` is the unknown
    /// piece; `<s>`, `</s>` and `<pad>` are control pieces; `<|…|>` pieces are user-defined;
    /// `<0x00>`…`<0xFF>` are byte pieces when all 256 are present; every other piece is normal.
    /// For the SenseVoice vocabulary this decodes exactly like the `.bpe.model`.
    ///
    /// - Parameters:
    ///   - path: the `tokens.txt` file.
    ///   - normalizer: the flags decoding should assume; defaults to ``NormalizerFlags/senseVoice``.
    /// - Throws: `SenseVoiceError(.modelNotFound)` when the file does not exist, `.ioError` when it
    ///   cannot be read, `.tokenizerInvalid` (naming the file and line) for text that is not UTF-8,
    ///   a line without an integer id, ids that are not `0..<count`, duplicate pieces, no lines or
    ///   no `<unk>`.
    public init(tokensFile path: String, normalizer: NormalizerFlags = .senseVoice) throws {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let bytes = try Self.readFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Self.invalid(name, "it is not UTF-8 text")
        }
        var byID: [Int: String] = [:]
        var lineNumber = 0
        // Lines and fields are cut on Unicode scalars: "\r\n" is a single Character in Swift.
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine
            if line.last == "\r" { line = line.dropLast() }
            while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
            if line.isEmpty { continue }
            let piece: String
            let idText: String
            if let sep = line.lastIndex(where: { $0 == " " || $0 == "\t" }) {
                idText = String(line[line.index(after: sep)...])
                let before = line[..<sep]
                piece = before.isEmpty ? " " : String(before)
            } else {
                idText = String(line)
                piece = " "
            }
            guard let id = Int(idText) else {
                throw Self.invalid(name, "line \(lineNumber) does not end in an integer id: \"\(String(line.prefix(80)))\"")
            }
            guard id >= 0 else { throw Self.invalid(name, "line \(lineNumber) has a negative id \(id)") }
            if let earlier = byID[id] {
                throw Self.invalid(name, "id \(id) appears twice (\"\(earlier)\" and \"\(piece)\", line \(lineNumber))")
            }
            byID[id] = piece
        }
        guard !byID.isEmpty else { throw Self.invalid(name, "it has no `piece id` lines") }
        let n = byID.count
        var ordered: [String] = []
        ordered.reserveCapacity(n)
        for id in 0..<n {
            guard let piece = byID[id] else {
                throw Self.invalid(name, "ids are not 0..<\(n): id \(id) is missing (largest id \(byID.keys.max() ?? 0))")
            }
            ordered.append(piece)
        }
        let byteStrings = Set((0..<256).map { Self.bytePieceString(UInt8($0)) })
        let hasAllBytes = byteStrings.isSubset(of: Set(ordered))
        let inferred: [(String, Float, PieceType)] = ordered.map { piece in
            let type: PieceType
            switch piece {
            case "<unk>": type = .unknown
            case "<s>", "</s>", "<pad>": type = .control
            default:
                if hasAllBytes && byteStrings.contains(piece) {
                    type = .byte
                } else if piece.hasPrefix("<|") && piece.hasSuffix("|>") && piece.utf8.count >= 4 {
                    type = .userDefined
                } else {
                    type = .normal
                }
            }
            return (piece, 0, type)
        }
        try self.init(name: name, pieces: inferred, normalizer: normalizer, byteFallback: hasAllBytes,
                      unknownSurface: Self.defaultUnknownSurface, encoding: .bpe)
    }

    /// A vocabulary of `count` placeholder pieces, `<unk>` `<s>` `</s>` then `▁t3`, `▁t4`, …, for
    /// models that come without a tokenizer file (``SyntheticModel``).
    /// - Throws: `SenseVoiceError(.tokenizerInvalid)` when `count` is under 3.
    public static func placeholder(count: Int) throws -> SentencePieceModel {
        let pieces: [(piece: String, score: Float, type: PieceType)] = (0..<max(count, 0)).map { id in
            switch id {
            case 0: ("<unk>", 0, .unknown)
            case 1: ("<s>", 0, .control)
            case 2: ("</s>", 0, .control)
            default: ("\u{2581}t\(id)", 0, .normal)
            }
        }
        guard count >= 3 else { throw invalid("placeholder", "a placeholder vocabulary needs at least 3 pieces, not \(count)") }
        return try SentencePieceModel(name: "placeholder", pieces: pieces, normalizer: .senseVoice, byteFallback: false,
                                      unknownSurface: defaultUnknownSurface, encoding: .bpe)
    }

    /// SentencePiece's `kDefaultUnknownSymbol`: U+2047 between two spaces.
    static let defaultUnknownSurface = " \u{2047} "

    /// Validates pieces as `ModelInterface::InitializePieces` does and builds the lookup tables.
    private init(name: String, pieces list: [(piece: String, score: Float, type: PieceType)],
                 normalizer: NormalizerFlags, byteFallback: Bool, unknownSurface: String,
                 encoding: SentencePieceEncoder.Spec) throws {
        guard !list.isEmpty else { throw Self.invalid(name, "it holds no pieces") }
        var normalIDs: [String: Int] = [:]
        var reservedIDs: [String: Int] = [:]
        var unknown: Int?
        var bytesSeen = Set<UInt8>()
        for (id, entry) in list.enumerated() {
            let piece = entry.piece
            guard !piece.isEmpty else { throw Self.invalid(name, "piece \(id) is empty") }
            guard piece.utf8.count < 8000 else { throw Self.invalid(name, "piece \(id) is longer than 8000 bytes") }
            guard !piece.utf8.contains(0) else { throw Self.invalid(name, "piece \(id) contains a NUL character") }
            let isNormal = entry.type == .normal || entry.type == .userDefined || entry.type == .unused
            if isNormal {
                if let other = normalIDs.updateValue(id, forKey: piece) {
                    throw Self.invalid(name, "piece \"\(piece)\" is defined twice (ids \(other) and \(id))")
                }
            } else if let other = reservedIDs.updateValue(id, forKey: piece) {
                throw Self.invalid(name, "piece \"\(piece)\" is defined twice (ids \(other) and \(id))")
            }
            switch entry.type {
            case .unknown:
                if let other = unknown {
                    throw Self.invalid(name, "it defines two unknown pieces (ids \(other) and \(id))")
                }
                unknown = id
            case .byte:
                guard byteFallback else {
                    throw Self.invalid(name, "byte piece \"\(piece)\" (id \(id)) is present although byte_fallback is false")
                }
                guard let value = Self.byteValue(of: piece) else {
                    throw Self.invalid(name, "byte piece \"\(piece)\" (id \(id)) is not of the form <0xNN>")
                }
                bytesSeen.insert(value)
            default:
                break
            }
        }
        guard let unknown else { throw Self.invalid(name, "it defines no unknown piece (<unk>)") }
        if byteFallback && bytesSeen.count != 256 {
            throw Self.invalid(name, "byte_fallback is true but only \(bytesSeen.count) of the 256 byte pieces are present")
        }
        var aliases: [Int: Int] = [:]
        for (piece, id) in normalIDs {
            if let reserved = reservedIDs[piece] { aliases[id] = reserved }
        }
        self.pieces = list.map(\.piece)
        self.types = list.map(\.type)
        self.scores = list.map(\.score)
        self.ids = normalIDs.merging(reservedIDs) { _, reserved in reserved }
        self.decodeAliases = aliases
        self.normalizer = normalizer
        self.unknownID = unknown
        self.unknownSurface = unknownSurface
        self.byteFallback = byteFallback
        self.encoder = try SentencePieceEncoder(spec: encoding, pieces: list) { Self.invalid(name, $0) }
    }

    // MARK: - Helpers

    /// The piece string of a byte: `<0xNN>` with two upper-case hex digits.
    static func bytePieceString(_ value: UInt8) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "<0x" + (value < 16 ? "0" + hex : hex) + ">"
    }

    /// The byte a `<0xNN>` piece stands for, or `nil` if the string has another form
    /// (SentencePiece's `PieceToByte` accepts exactly the 256 upper-case spellings).
    static func byteValue(of piece: String) -> UInt8? {
        let u = Array(piece.utf8)
        guard u.count == 6, u[0] == UInt8(ascii: "<"), u[1] == UInt8(ascii: "0"), u[2] == UInt8(ascii: "x"),
              u[5] == UInt8(ascii: ">") else { return nil }
        func digit(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        guard let hi = digit(u[3]), let lo = digit(u[4]) else { return nil }
        return hi << 4 | lo
    }

    private static func readFile(_ path: String) throws -> [UInt8] {
        let name = URL(fileURLWithPath: path).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SenseVoiceError(.modelNotFound,
                                  "Tokenizer file \(path) does not exist. Check the model folder, or download the model again.")
        }
        guard !isDirectory.boolValue else {
            throw SenseVoiceError(.tokenizerInvalid, "Tokenizer path \(path) is a folder; pass the \(name) file inside the model folder.")
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw SenseVoiceError(.ioError, "Could not read tokenizer file \(path): \(error.localizedDescription)")
        }
    }

    private static func invalid(_ name: String, _ problem: String) -> SenseVoiceError {
        SenseVoiceError(.tokenizerInvalid,
                        "Tokenizer file \(name) is invalid: \(problem). Download the model again or point to its original tokenizer file.")
    }
}

// MARK: - Protobuf

/// A protobuf decoding problem at a byte offset of the file.
private struct ProtobufError: Error {
    let offset: Int
    let problem: String
}

/// The parts of a `ModelProto` that decoding needs.
///
/// Field numbers (sentencepiece_model.proto): ModelProto {1 pieces, 2 trainer_spec,
/// 3 normalizer_spec, 5 denormalizer_spec}; SentencePiece {1 piece, 2 score, 3 type};
/// TrainerSpec {3 model_type, 24 treat_whitespace_as_suffix, 35 byte_fallback, 44 unk_surface};
/// NormalizerSpec {2 precompiled_charsmap, 3 add_dummy_prefix, 4 remove_extra_whitespaces,
/// 5 escape_whitespaces}. Other fields are skipped by wire type.
private struct ModelProtoContents {
    struct Piece {
        var piece = ""
        var score: Float = 0
        var type: SentencePieceModel.PieceType = .normal
    }

    var pieces: [Piece] = []
    var normalizer = SentencePieceModel.NormalizerFlags.protobufDefaults
    var byteFallback = false
    var unknownSurface = SentencePieceModel.defaultUnknownSurface
    var encoding = SentencePieceEncoder.Spec()

    init(parsing bytes: [UInt8]) throws {
        pieces.reserveCapacity(bytes.count / 16)
        try ProtobufReader(bytes: bytes, range: 0..<bytes.count).forEachField { reader, field in
            switch field.number {
            case 1: pieces.append(try Self.parsePiece(reader.message(field, "ModelProto.pieces")))
            case 2: try parseTrainer(reader.message(field, "ModelProto.trainer_spec"))
            case 3: try parseNormalizer(reader.message(field, "ModelProto.normalizer_spec"))
            default: try reader.skip(field)
            }
        }
    }

    private static func parsePiece(_ message: ProtobufReader) throws -> Piece {
        var result = Piece()
        try message.forEachField { reader, field in
            switch field.number {
            case 1: result.piece = try reader.string(field, "SentencePiece.piece")
            case 2: result.score = Float(bitPattern: try reader.fixed32(field, "SentencePiece.score"))
            case 3:
                let raw = try reader.varint(field, "SentencePiece.type")
                guard raw <= 6, let type = SentencePieceModel.PieceType(rawValue: Int(raw)) else {
                    throw ProtobufError(offset: field.offset, problem: "unknown piece type \(raw)")
                }
                result.type = type
            default: try reader.skip(field)
            }
        }
        return result
    }

    private mutating func parseTrainer(_ message: ProtobufReader) throws {
        try message.forEachField { reader, field in
            switch field.number {
            case 3: encoding.modelType = Int(truncatingIfNeeded: try reader.varint(field, "TrainerSpec.model_type"))
            case 24: encoding.treatWhitespaceAsSuffix = try reader.bool(field, "TrainerSpec.treat_whitespace_as_suffix")
            case 35: byteFallback = try reader.bool(field, "TrainerSpec.byte_fallback")
            case 44: unknownSurface = try reader.string(field, "TrainerSpec.unk_surface")
            default: try reader.skip(field)
            }
        }
    }

    private mutating func parseNormalizer(_ message: ProtobufReader) throws {
        try message.forEachField { reader, field in
            switch field.number {
            case 2: encoding.precompiledCharsMap = try reader.payload(field, "NormalizerSpec.precompiled_charsmap")
            case 3: normalizer.addDummyPrefix = try reader.bool(field, "NormalizerSpec.add_dummy_prefix")
            case 4: normalizer.removeExtraWhitespaces = try reader.bool(field, "NormalizerSpec.remove_extra_whitespaces")
            case 5: normalizer.escapeWhitespaces = try reader.bool(field, "NormalizerSpec.escape_whitespaces")
            default: try reader.skip(field)
            }
        }
    }
}

/// A cursor over protobuf wire-format bytes within `range`.
private struct ProtobufReader {
    enum Wire: Int {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var atEnd: Bool { position >= end }

    /// Reads a base-128 varint (at most 10 bytes).
    mutating func varint() throws -> UInt64 {
        let start = position
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ProtobufError(offset: start, problem: "truncated varint") }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw ProtobufError(offset: start, problem: "varint longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw ProtobufError(offset: start, problem: "varint longer than 10 bytes") }
        }
    }

    /// A field's key: its number, wire type and offset.
    struct Field {
        let number: Int
        let wire: Wire
        let offset: Int
    }

    /// Reads the message field by field: `body` reads the value of each field it knows with the
    /// typed readers below (which check the wire type) and skips the others.
    func forEachField(_ body: (inout ProtobufReader, Field) throws -> Void) throws {
        var reader = self
        while !reader.atEnd { try body(&reader, try reader.key()) }
    }

    /// Reads a field key: field number, wire type and the key's offset.
    mutating func key() throws -> Field {
        let at = position
        let raw = try varint()
        let field = raw >> 3
        guard field >= 1, field <= 536_870_911 else {
            throw ProtobufError(offset: at, problem: "invalid field number \(field)")
        }
        guard let wire = Wire(rawValue: Int(raw & 7)) else {
            throw ProtobufError(offset: at, problem: "invalid wire type \(raw & 7)")
        }
        return Field(number: Int(field), wire: wire, offset: at)
    }

    /// Reads a length prefix and returns the byte range of the payload, moving past it.
    mutating func lengthDelimited() throws -> Range<Int> {
        let at = position
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw ProtobufError(offset: at, problem: "length \(length) runs past the end of its message (\(end - position) bytes left)")
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    mutating func fixed32() throws -> UInt32 {
        guard end - position >= 4 else { throw ProtobufError(offset: position, problem: "truncated fixed32") }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return value
    }

    /// Skips a field's value. Groups (deprecated, never in SentencePiece models) are rejected.
    mutating func skip(_ field: Field) throws {
        switch field.wire {
        case .varint: _ = try varint()
        case .fixed64:
            guard end - position >= 8 else { throw ProtobufError(offset: position, problem: "truncated fixed64") }
            position += 8
        case .lengthDelimited: _ = try lengthDelimited()
        case .fixed32: _ = try fixed32()
        case .startGroup, .endGroup:
            throw ProtobufError(offset: field.offset, problem: "unsupported group wire type")
        }
    }

    /// The varint value of `field`; `name` (`Message.field`) names it when the wire type is wrong.
    mutating func varint(_ field: Field, _ name: String) throws -> UInt64 {
        try expect(field, .varint, name)
        return try varint()
    }

    /// The boolean value of `field`.
    mutating func bool(_ field: Field, _ name: String) throws -> Bool {
        try varint(field, name) != 0
    }

    /// The fixed32 value of `field`.
    mutating func fixed32(_ field: Field, _ name: String) throws -> UInt32 {
        try expect(field, .fixed32, name)
        return try fixed32()
    }

    /// The bytes of length-delimited `field`.
    mutating func payload(_ field: Field, _ name: String) throws -> [UInt8] {
        try expect(field, .lengthDelimited, name)
        return Array(bytes[try lengthDelimited()])
    }

    /// The UTF-8 string of length-delimited `field`.
    mutating func string(_ field: Field, _ name: String) throws -> String {
        try expect(field, .lengthDelimited, name)
        let range = try lengthDelimited()
        guard let s = String(validating: bytes[range], as: UTF8.self) else {
            throw ProtobufError(offset: range.lowerBound, problem: "\(name) is not UTF-8")
        }
        return s
    }

    /// A reader over the embedded message `field`.
    mutating func message(_ field: Field, _ name: String) throws -> ProtobufReader {
        try expect(field, .lengthDelimited, name)
        return ProtobufReader(bytes: bytes, range: try lengthDelimited())
    }

    /// Throws unless a known field arrived with its declared wire type.
    private func expect(_ field: Field, _ expected: Wire, _ name: String) throws {
        guard field.wire == expected else {
            throw ProtobufError(offset: field.offset, problem: "\(name) has wire type \(field.wire.rawValue), expected \(expected.rawValue)")
        }
    }
}
