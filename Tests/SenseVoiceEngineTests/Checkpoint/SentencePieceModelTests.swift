// Tests for SentencePieceModel: the fixture tokenizer, golden CTC decoding, DecodeIds edge cases
// checked against the sentencepiece library, and malformed files.

import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

/// Greedy CTC on a golden argmax sequence: collapse repeats, drop blank 0.
private func greedyCTC(_ frames: [Int32]) -> [Int] {
    var ids: [Int] = []
    var previous: Int32 = -1
    for id in frames {
        if id != previous && id != 0 { ids.append(Int(id)) }
        previous = id
    }
    return ids
}

private let bpePath = Fixtures.tinyModel.appendingPathComponent("chn_jpn_yue_eng_ko_spectok.bpe.model").path
private let tokensPath = Fixtures.tinyModel.appendingPathComponent("tokens.txt").path

/// A scratch folder for files the tests write.
private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-spm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

/// A tiny protobuf writer for building test models.
private enum Proto {
    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v
        var out: [UInt8] = []
        repeat {
            var b = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { b |= 0x80 }
            out.append(b)
        } while v != 0
        return out
    }
    static func key(_ field: Int, _ wire: Int) -> [UInt8] { varint(UInt64(field << 3 | wire)) }
    static func bytes(_ field: Int, _ payload: [UInt8]) -> [UInt8] {
        key(field, 2) + varint(UInt64(payload.count)) + payload
    }
    static func string(_ field: Int, _ s: String) -> [UInt8] { bytes(field, Array(s.utf8)) }
    static func uint(_ field: Int, _ v: UInt64) -> [UInt8] { key(field, 0) + varint(v) }
    static func float(_ field: Int, _ f: Float) -> [UInt8] {
        let bits = f.bitPattern
        return key(field, 5) + (0..<4).map { UInt8((bits >> (8 * UInt32($0))) & 0xFF) }
    }
    static func piece(_ s: String, _ score: Float, _ type: Int) -> [UInt8] {
        bytes(1, string(1, s) + float(2, score) + uint(3, UInt64(type)))
    }
}

/// The synthetic vocabulary of the DecodeIds tests: 11 pieces, then the 256 byte pieces.
private let syntheticPieces: [(String, Int)] = [
    ("<unk>", 2), ("<s>", 3), ("</s>", 3), ("▁", 1), ("▁ab", 1), ("ab", 1), ("▁cd", 1), ("cd", 1),
    ("<|en|>", 4), ("▁▁x", 1), ("x▁y", 1),
]
private let B = syntheticPieces.count

private func syntheticModel(addDummyPrefix: Bool, removeExtraWhitespaces: Bool, unkSurface: String? = nil,
                            byteFallback: Bool = true, extraPieces: [(String, Int)] = [],
                            includeBytes: Bool = true) -> [UInt8] {
    var out: [UInt8] = []
    for (i, (p, t)) in (syntheticPieces + extraPieces).enumerated() { out += Proto.piece(p, -Float(i), t) }
    if includeBytes {
        for b in 0..<256 { out += Proto.piece(String(format: "<0x%02X>", b), 0, 6) }
    }
    var trainer = Proto.uint(3, 2) + Proto.uint(4, 267)
    if byteFallback { trainer += Proto.uint(35, 1) }
    if let unkSurface { trainer += Proto.string(44, unkSurface) }
    out += Proto.bytes(2, trainer)
    out += Proto.bytes(3, Proto.string(1, "identity") + Proto.uint(3, addDummyPrefix ? 1 : 0)
                       + Proto.uint(4, removeExtraWhitespaces ? 1 : 0))
    return out
}

/// Id sequences and what sentencepiece 0.2.3 `DecodeIds` returns for them (computed with the
/// Python package from the same synthetic model; not a dependency of the project).
private let syntheticSequences: [[Int]] = [
    [4, 6], [3, 4], [1, 4, 2], [0, 4], [8, 4], [8, 5], [B + 0xE4, B + 0xBD, B + 0xA0, 4], [B + 0xE4, B + 0xBD, B + 0x41],
    [B + 0xFF], [3, 3, 5], [], [9, 10], [3, 9], [1, 3, 4], [B + 0x20, 4], [0, 0],
    [B + 0xF0, B + 0x9F, B + 0x98, B + 0x8A, 5], [B + 0xED, B + 0xA0, B + 0x80], [B + 0xC0, B + 0x80],
    [2, B + 0x41, 4], [3], [3, 3, 3, 4], [5, 4, 6], [B + 0xE4, 3, 4],
]

private struct SyntheticCase: Sendable, CustomStringConvertible {
    let addDummyPrefix: Bool
    let removeExtraWhitespaces: Bool
    let unkSurface: String?
    let expected: [String]
    var description: String {
        "add_dummy_prefix \(addDummyPrefix), remove_extra_whitespaces \(removeExtraWhitespaces), unk_surface \(unkSurface ?? "default")"
    }
}

private let syntheticCases: [SyntheticCase] = [
    SyntheticCase(addDummyPrefix: true, removeExtraWhitespaces: true, unkSurface: nil, expected: [
        "ab cd", "ab", "ab", " \u{2047}  ab", "<|en|> ab", "<|en|>ab", "你 ab", "\u{FFFD}\u{FFFD}A", "\u{FFFD}", "ab", "",
        " xx y", " x", "ab", "  ab", " \u{2047}  \u{2047} ", "😊ab", "\u{FFFD}\u{FFFD}\u{FFFD}", "\u{FFFD}\u{FFFD}",
        "A ab", "", "ab", "ab ab cd", "\u{FFFD}  ab",
    ]),
    SyntheticCase(addDummyPrefix: true, removeExtraWhitespaces: false, unkSurface: nil, expected: [
        "ab cd", " ab", "ab", " \u{2047}  ab", "<|en|> ab", "<|en|>ab", "你 ab", "\u{FFFD}\u{FFFD}A", "\u{FFFD}", " ab", "",
        " xx y", "  x", " ab", "  ab", " \u{2047}  \u{2047} ", "😊ab", "\u{FFFD}\u{FFFD}\u{FFFD}", "\u{FFFD}\u{FFFD}",
        "A ab", "", "   ab", "ab ab cd", "\u{FFFD}  ab",
    ]),
    SyntheticCase(addDummyPrefix: false, removeExtraWhitespaces: true, unkSurface: nil, expected: [
        "ab cd", "ab", "ab", " \u{2047}  ab", "<|en|> ab", "<|en|>ab", "你 ab", "\u{FFFD}\u{FFFD}A", "\u{FFFD}", "ab", "",
        " xx y", " x", "ab", "  ab", " \u{2047}  \u{2047} ", "😊ab", "\u{FFFD}\u{FFFD}\u{FFFD}", "\u{FFFD}\u{FFFD}",
        "A ab", "", "ab", "ab ab cd", "\u{FFFD}  ab",
    ]),
    SyntheticCase(addDummyPrefix: false, removeExtraWhitespaces: false, unkSurface: nil, expected: [
        " ab cd", "  ab", " ab", " \u{2047}  ab", "<|en|> ab", "<|en|>ab", "你 ab", "\u{FFFD}\u{FFFD}A", "\u{FFFD}", "  ab",
        "", "  xx y", "   x", "  ab", "  ab", " \u{2047}  \u{2047} ", "😊ab", "\u{FFFD}\u{FFFD}\u{FFFD}",
        "\u{FFFD}\u{FFFD}", "A ab", " ", "    ab", "ab ab cd", "\u{FFFD}  ab",
    ]),
    SyntheticCase(addDummyPrefix: true, removeExtraWhitespaces: false, unkSurface: "<?>", expected: [
        "ab cd", " ab", "ab", "<?> ab", "<|en|> ab", "<|en|>ab", "你 ab", "\u{FFFD}\u{FFFD}A", "\u{FFFD}", " ab", "",
        " xx y", "  x", " ab", "  ab", "<?><?>", "😊ab", "\u{FFFD}\u{FFFD}\u{FFFD}", "\u{FFFD}\u{FFFD}", "A ab", "",
        "   ab", "ab ab cd", "\u{FFFD}  ab",
    ]),
]

/// Expects a `.tokenizerInvalid` error whose message names the file and mentions `problem`.
private func expectInvalid(_ fileName: String, mentioning problem: String? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected .tokenizerInvalid, loaded fine", sourceLocation: sourceLocation)
    } catch let error as SenseVoiceError {
        #expect(error.code == .tokenizerInvalid, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(fileName), "\(error.message)", sourceLocation: sourceLocation)
        if let problem {
            #expect(error.message.contains(problem), "\(error.message)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct SentencePieceModelTests {
    // MARK: Fixture vocabulary

    @Test func loadsFixtureModel() throws {
        let sp = try SentencePieceModel(contentsOf: bpePath)
        #expect(sp.count == 25055)
        #expect(sp.normalizer == SentencePieceModel.NormalizerFlags(
            addDummyPrefix: true, removeExtraWhitespaces: false, escapeWhitespaces: true))
        #expect(sp.normalizer == .senseVoice)
        #expect(sp.unknownID == 0)
        #expect(!sp.byteFallback)
        #expect(sp.piece(0) == "<unk>" && sp.type(0) == .unknown)
        #expect(sp.piece(1) == "<s>" && sp.type(1) == .control)
        #expect(sp.piece(2) == "</s>" && sp.type(2) == .control)
        #expect(sp.piece(13) == "▁" && sp.type(13) == .normal)
        #expect(sp.score(13) == -13)
        let known: [(Int, String)] = [
            (24884, "<|zh|>"), (24885, "<|en|>"), (24888, "<|yue|>"), (24892, "<|ja|>"), (24896, "<|ko|>"),
            (24992, "<|nospeech|>"), (24993, "<|Speech|>"), (25001, "<|HAPPY|>"), (25002, "<|SAD|>"),
            (25003, "<|ANGRY|>"), (25004, "<|NEUTRAL|>"), (25009, "<|EMO_UNKNOWN|>"), (25016, "<|withitn|>"),
            (25017, "<|woitn|>"), (25019, "<|Event_UNK|>"),
        ]
        for (id, piece) in known {
            #expect(sp.piece(id) == piece)
            #expect(sp.type(id) == .userDefined)
            #expect(sp.id(of: piece) == id)
        }
        #expect(sp.id(of: "no such piece") == nil)
        #expect(sp.decode([24885, 25004, 24993, 25016]) == "<|en|><|NEUTRAL|><|Speech|><|withitn|>")
    }

    @Test func tokensFileMatchesModel() throws {
        let bpe = try SentencePieceModel(contentsOf: bpePath)
        let tokens = try SentencePieceModel(tokensFile: tokensPath)
        #expect(tokens.count == bpe.count)
        #expect(tokens.normalizer == bpe.normalizer)
        #expect(tokens.unknownID == bpe.unknownID)
        var pieceMismatch = 0
        var typeMismatch: [Int] = []
        for id in 0..<bpe.count {
            if tokens.piece(id) != bpe.piece(id) { pieceMismatch += 1 }
            // tokens.txt cannot tell user-defined from normal; both decode the same way.
            let a = bpe.type(id) == .userDefined ? .normal : bpe.type(id)
            let b = tokens.type(id) == .userDefined ? .normal : tokens.type(id)
            if a != b { typeMismatch.append(id) }
        }
        #expect(pieceMismatch == 0)
        #expect(typeMismatch.isEmpty, "types differ at ids \(typeMismatch.prefix(10))")

        // Many pseudo-random id sequences, biased towards special and leading-▁ pieces.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let special = [0, 1, 2, 3, 4, 9, 13, 24, 25, 24884, 24885, 24993, 25001, 25004, 25016, 25017, 25019, 25054]
        for round in 0..<2000 {
            let length = next(24)
            let ids = (0..<length).map { _ in next(3) == 0 ? special[next(special.count)] : next(bpe.count) }
            let expected = bpe.decode(ids)
            let actual = tokens.decode(ids)
            #expect(actual == expected, "round \(round): ids \(ids)")
            if actual != expected { break }
        }
    }

    // MARK: Golden decoding

    @Test(arguments: Fixtures.clips)
    func decodesGoldenArgmax(clip: String) throws {
        let bpe = try SentencePieceModel(contentsOf: bpePath)
        let tokens = try SentencePieceModel(tokensFile: tokensPath)
        let result = try Fixtures.result(clip)
        for tag in Fixtures.tags {
            let argmax = try Fixtures.npy(clip, "argmax_\(tag).npy")
            let ids = greedyCTC(argmax.ints)
            let entry = try #require(result[tag] as? [String: Any], "\(clip)/\(tag) missing in result.json")
            let expected = try #require(entry["text"] as? String)
            #expect(bpe.decode(ids) == expected, "\(clip)/\(tag) (.bpe.model)")
            #expect(tokens.decode(ids) == expected, "\(clip)/\(tag) (tokens.txt)")
        }
    }

    // MARK: DecodeIds rules (checked against the sentencepiece library)

    @Test(arguments: syntheticCases)
    fileprivate func decodeMatchesSentencePiece(_ testCase: SyntheticCase) throws {
        let path = try temporaryFile("synthetic.model", syntheticModel(
            addDummyPrefix: testCase.addDummyPrefix, removeExtraWhitespaces: testCase.removeExtraWhitespaces,
            unkSurface: testCase.unkSurface))
        let sp = try SentencePieceModel(contentsOf: path)
        #expect(sp.count == B + 256)
        #expect(sp.byteFallback)
        #expect(sp.type(B + 0x41) == .byte && sp.piece(B + 0x41) == "<0x41>")
        for (ids, expected) in zip(syntheticSequences, testCase.expected) {
            #expect(sp.decode(ids) == expected, "ids \(ids)")
        }
    }

    @Test func absentNormalizerFieldsUseProtobufDefaults() throws {
        var bytes = Proto.piece("<unk>", 0, 2) + Proto.piece("▁a", 0, 1)
        bytes += Proto.bytes(3, Proto.string(1, "identity"))
        let sp = try SentencePieceModel(contentsOf: try temporaryFile("defaults.model", bytes))
        #expect(sp.normalizer == .protobufDefaults)
        #expect(sp.decode([1, 1]) == "a a")
        // No normalizer spec at all, and a piece without an explicit type (NORMAL by default).
        let bare = Proto.piece("<unk>", 0, 2) + Proto.bytes(1, Proto.string(1, "▁b"))
        let sp2 = try SentencePieceModel(contentsOf: try temporaryFile("bare.model", bare))
        #expect(sp2.normalizer == .protobufDefaults)
        #expect(sp2.type(1) == .normal)
        #expect(sp2.decode([1]) == "b")
    }

    @Test func unknownFieldsAreSkipped() throws {
        // Unknown fields of every supported wire type, in the model and inside a piece.
        var bytes = Proto.uint(99, 12345) + Proto.key(98, 1) + [UInt8](repeating: 7, count: 8)
        bytes += Proto.key(97, 5) + [1, 2, 3, 4] + Proto.bytes(96, [1, 2, 3])
        bytes += Proto.bytes(1, Proto.string(1, "<unk>") + Proto.uint(3, 2) + Proto.uint(50, 1))
        bytes += Proto.piece("x", 0, 1)
        bytes += Proto.bytes(5, Proto.string(1, "identity"))  // denormalizer spec: ignored
        let sp = try SentencePieceModel(contentsOf: try temporaryFile("unknown-fields.model", bytes))
        #expect(sp.count == 2)
        #expect(sp.decode([1, 0, 1]) == "x \u{2047} x")
    }

    // MARK: Malformed .bpe.model files

    @Test func rejectsTruncatedVarint() throws {
        // A pieces key followed by an unfinished length varint.
        let path = try temporaryFile("truncated-varint.model", [0x0A, 0x80])
        expectInvalid("truncated-varint.model", mentioning: "truncated varint") {
            _ = try SentencePieceModel(contentsOf: path)
        }
        // A valid model whose last byte is an unfinished key.
        let path2 = try temporaryFile("truncated-key.model",
                                      syntheticModel(addDummyPrefix: true, removeExtraWhitespaces: false) + [0xC0])
        expectInvalid("truncated-key.model", mentioning: "truncated varint") {
            _ = try SentencePieceModel(contentsOf: path2)
        }
    }

    @Test func rejectsLengthPastEnd() throws {
        let full = syntheticModel(addDummyPrefix: true, removeExtraWhitespaces: false)
        let path = try temporaryFile("cut.model", Array(full.prefix(full.count / 2)))
        expectInvalid("cut.model", mentioning: "past the end") {
            _ = try SentencePieceModel(contentsOf: path)
        }
        // A piece whose inner string length runs past the piece.
        let inner = Proto.key(1, 2) + Proto.varint(50) + Array("abc".utf8)
        let path2 = try temporaryFile("inner.model", Proto.bytes(1, inner))
        expectInvalid("inner.model", mentioning: "past the end") {
            _ = try SentencePieceModel(contentsOf: path2)
        }
    }

    @Test func rejectsZeroPieces() throws {
        let empty = try temporaryFile("empty.model", [])
        expectInvalid("empty.model", mentioning: "no pieces") { _ = try SentencePieceModel(contentsOf: empty) }
        let onlySpec = try temporaryFile("spec-only.model", Proto.bytes(3, Proto.string(1, "identity")))
        expectInvalid("spec-only.model", mentioning: "no pieces") { _ = try SentencePieceModel(contentsOf: onlySpec) }
    }

    @Test func rejectsRandomBytes() throws {
        var state: UInt64 = 42
        for round in 0..<50 {
            var bytes: [UInt8] = []
            for _ in 0..<(64 + round * 37) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(UInt8(truncatingIfNeeded: state >> 56))
            }
            let path = try temporaryFile("random-\(round).bin", bytes)
            expectInvalid("random-\(round).bin") { _ = try SentencePieceModel(contentsOf: path) }
        }
    }

    @Test func rejectsTextFiles() throws {
        let text = try temporaryFile("README.txt", Array("This is a text file, not a model.\n".utf8))
        expectInvalid("README.txt") { _ = try SentencePieceModel(contentsOf: text) }
        expectInvalid("tokens.txt") { _ = try SentencePieceModel(contentsOf: tokensPath) }
        expectInvalid("config.yaml") {
            _ = try SentencePieceModel(contentsOf: Fixtures.tinyModel.appendingPathComponent("config.yaml").path)
        }
    }

    @Test func rejectsInvalidPieces() throws {
        let noUnk = try temporaryFile("no-unk.model", Proto.piece("a", 0, 1) + Proto.piece("b", 0, 1))
        expectInvalid("no-unk.model", mentioning: "unknown piece") { _ = try SentencePieceModel(contentsOf: noUnk) }
        let twoUnk = try temporaryFile("two-unk.model", Proto.piece("<unk>", 0, 2) + Proto.piece("<unk2>", 0, 2))
        expectInvalid("two-unk.model", mentioning: "two unknown") { _ = try SentencePieceModel(contentsOf: twoUnk) }
        let dup = try temporaryFile("dup.model", Proto.piece("<unk>", 0, 2) + Proto.piece("a", 0, 1) + Proto.piece("a", 0, 4))
        expectInvalid("dup.model", mentioning: "twice") { _ = try SentencePieceModel(contentsOf: dup) }
        let empty = try temporaryFile("empty-piece.model", Proto.piece("<unk>", 0, 2) + Proto.piece("", 0, 1))
        expectInvalid("empty-piece.model", mentioning: "empty") { _ = try SentencePieceModel(contentsOf: empty) }
        let badType = try temporaryFile("bad-type.model", Proto.piece("<unk>", 0, 2) + Proto.piece("a", 0, 9))
        expectInvalid("bad-type.model", mentioning: "type") { _ = try SentencePieceModel(contentsOf: badType) }
        let noFallback = try temporaryFile("no-fallback.model",
                                           syntheticModel(addDummyPrefix: true, removeExtraWhitespaces: false, byteFallback: false))
        expectInvalid("no-fallback.model", mentioning: "byte_fallback") {
            _ = try SentencePieceModel(contentsOf: noFallback)
        }
        let fewBytes = try temporaryFile("few-bytes.model", syntheticModel(
            addDummyPrefix: true, removeExtraWhitespaces: false, extraPieces: [("<0x00>", 6)], includeBytes: false))
        expectInvalid("few-bytes.model", mentioning: "256") { _ = try SentencePieceModel(contentsOf: fewBytes) }
        let badByte = try temporaryFile("bad-byte.model", syntheticModel(
            addDummyPrefix: true, removeExtraWhitespaces: false, extraPieces: [("<0xzz>", 6)]))
        expectInvalid("bad-byte.model", mentioning: "<0xNN>") { _ = try SentencePieceModel(contentsOf: badByte) }
        let badUTF8 = try temporaryFile("bad-utf8.model", Proto.piece("<unk>", 0, 2) + Proto.bytes(1, Proto.bytes(1, [0xFF, 0xFE])))
        expectInvalid("bad-utf8.model", mentioning: "UTF-8") { _ = try SentencePieceModel(contentsOf: badUTF8) }
        let wrongWire = try temporaryFile("wrong-wire.model", Proto.uint(1, 5))
        expectInvalid("wrong-wire.model", mentioning: "wire type") { _ = try SentencePieceModel(contentsOf: wrongWire) }
    }

    @Test func missingFileIsModelNotFound() throws {
        #expect(throws: SenseVoiceError.self) { _ = try SentencePieceModel(contentsOf: "/nonexistent/x.bpe.model") }
        let error = try #require(throws: SenseVoiceError.self) {
            _ = try SentencePieceModel(tokensFile: "/nonexistent/tokens.txt")
        }
        #expect(error.code == .modelNotFound)
        #expect(error.message.contains("/nonexistent/tokens.txt"))
    }

    @Test func reservedPieceWinsOverNormalDuplicate() throws {
        // SentencePiece keeps reserved and normal pieces in separate maps; DecodeIds goes through
        // the piece string, so a normal duplicate of a control piece decodes as the control piece.
        let bytes = Proto.piece("<unk>", 0, 2) + Proto.piece("<s>", 0, 3) + Proto.piece("<s>", 0, 1) + Proto.piece("a", 0, 1)
        let sp = try SentencePieceModel(contentsOf: try temporaryFile("alias.model", bytes))
        #expect(sp.id(of: "<s>") == 1)
        #expect(sp.decode([2, 3]) == "a")
    }

    // MARK: tokens.txt

    @Test func tokensFileParsing() throws {
        let text = "<unk> 0\r\n<s> 1\n</s>\t2\n▁a 3\n\n<|en|> 4\na b 5\n 6\n"
        let sp = try SentencePieceModel(tokensFile: try temporaryFile("tokens.txt", Array(text.utf8)))
        #expect(sp.count == 7)
        #expect(sp.type(0) == .unknown && sp.type(1) == .control && sp.type(2) == .control)
        #expect(sp.piece(3) == "▁a" && sp.type(3) == .normal)
        #expect(sp.type(4) == .userDefined)
        #expect(sp.piece(5) == "a b")
        #expect(sp.piece(6) == " ")
        #expect(sp.decode([1, 3, 4, 3, 2]) == "a<|en|> a")
        #expect(sp.decode([0]) == " \u{2047} ")
    }

    @Test func tokensFileByteFallbackInference() throws {
        var lines = ["<unk> 0", "▁a 1"]
        for b in 0..<256 { lines.append(String(format: "<0x%02X> %d", b, b + 2)) }
        let sp = try SentencePieceModel(tokensFile: try temporaryFile("tokens.txt", Array(lines.joined(separator: "\n").utf8)))
        #expect(sp.byteFallback)
        #expect(sp.type(2 + 0x41) == .byte)
        #expect(sp.decode([2 + 0xE4, 2 + 0xBD, 2 + 0xA0, 1]) == "你 a")
        // With only some byte pieces they are ordinary text.
        let partial = try SentencePieceModel(tokensFile: try temporaryFile("tokens.txt", Array("<unk> 0\n<0x41> 1\n".utf8)))
        #expect(partial.type(1) == .normal)
        #expect(partial.decode([1]) == "<0x41>")
    }

    @Test func tokensFileWithCustomNormalizer() throws {
        let text = "<unk> 0\n▁ 1\n▁a 2\n"
        let path = try temporaryFile("tokens.txt", Array(text.utf8))
        let sv = try SentencePieceModel(tokensFile: path)
        #expect(sv.decode([1, 2]) == " a")
        let defaults = try SentencePieceModel(tokensFile: path, normalizer: .protobufDefaults)
        #expect(defaults.decode([1, 2]) == "a")
    }

    @Test func rejectsMalformedTokensFiles() throws {
        let cases: [(String, String, String)] = [
            ("no-id.txt", "<unk> 0\nabc def\n", "line 2"),
            ("gap.txt", "<unk> 0\na 2\n", "missing"),
            ("dup-id.txt", "<unk> 0\na 1\nb 1\n", "twice"),
            ("dup-piece.txt", "<unk> 0\na 1\na 2\n", "twice"),
            ("negative.txt", "<unk> 0\na -1\n", "negative"),
            ("blank.txt", "\n\n", "no `piece id` lines"),
            ("no-unk.txt", "a 0\nb 1\n", "unknown piece"),
        ]
        for (name, text, problem) in cases {
            let path = try temporaryFile(name, Array(text.utf8))
            expectInvalid(name, mentioning: problem) { _ = try SentencePieceModel(tokensFile: path) }
        }
        let binary = try temporaryFile("binary.txt", [0x0A, 0x05, 0xFF, 0xFE, 0x00, 0x80])
        expectInvalid("binary.txt", mentioning: "UTF-8") { _ = try SentencePieceModel(tokensFile: binary) }
        expectInvalid("chn_jpn_yue_eng_ko_spectok.bpe.model") { _ = try SentencePieceModel(tokensFile: bpePath) }
    }
}
