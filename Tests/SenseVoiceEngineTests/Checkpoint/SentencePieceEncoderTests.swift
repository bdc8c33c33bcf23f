// Tests for SentencePieceModel.encode: every golden string of Tests/Fixtures/sentencepiece, encoded
// by the sentencepiece library (scripts/make_sentencepiece_goldens.py), must come out with the same
// ids and pieces — for the fixture's BPE model, a unigram model with a precompiled charsmap, and a
// BPE model with byte fallback.

import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

private struct EncodingGolden: Decodable {
    let text: String
    let ids: [Int]
    let pieces: [String]
}

private let folder = Fixtures.root.appendingPathComponent("sentencepiece")

private func goldens(_ name: String) throws -> [EncodingGolden] {
    try JSONDecoder().decode([EncodingGolden].self, from: Data(contentsOf: folder.appendingPathComponent(name)))
}

/// Compares every golden, reporting the first few mismatches in full.
private func expectMatches(_ model: SentencePieceModel, _ rows: [EncodingGolden]) throws {
    var mismatches = 0
    for row in rows {
        let encoded = try model.encode(row.text)
        // Pieces compared as bytes: Swift's String equality is canonical ("e\u{301}" == "é").
        if encoded.map(\.id) != row.ids || encoded.map { Array($0.piece.utf8) } != row.pieces.map { Array($0.utf8) } {
            mismatches += 1
            if mismatches <= 5 {
                Issue.record("\(row.text.debugDescription): expected \(row.pieces) \(row.ids), got \(encoded.map(\.piece)) \(encoded.map(\.id))")
            }
        }
    }
    #expect(mismatches == 0, "\(mismatches) of \(rows.count) strings differ")
}

@Suite("SentencePiece encoder")
struct SentencePieceEncoderTests {
    @Test("the fixture BPE model encodes 1,000+ strings exactly as sentencepiece")
    func bpeGoldens() throws {
        let rows = try goldens("bpe_goldens.json")
        #expect(rows.count >= 1000)
        let model = try SentencePieceModel(contentsOf: Fixtures.tinyModel.appendingPathComponent("chn_jpn_yue_eng_ko_spectok.bpe.model").path)
        try expectMatches(model, rows)
    }

    @Test("tokens.txt (no scores) encodes like the .bpe.model: merges ranked by id")
    func tokensFileGoldens() throws {
        let model = try SentencePieceModel(tokensFile: Fixtures.tinyModel.appendingPathComponent("tokens.txt").path)
        try expectMatches(model, try goldens("bpe_goldens.json"))
    }

    @Test("a unigram model with an nmt_nfkc charsmap and user-defined symbols encodes exactly as sentencepiece")
    func unigramGoldens() throws {
        let model = try SentencePieceModel(contentsOf: folder.appendingPathComponent("unigram.model").path)
        try expectMatches(model, try goldens("unigram_goldens.json"))
    }

    @Test("a BPE model with byte fallback and remove_extra_whitespaces off encodes exactly as sentencepiece")
    func byteFallbackGoldens() throws {
        let model = try SentencePieceModel(contentsOf: folder.appendingPathComponent("bytefallback.model").path)
        let rows = try goldens("bytefallback_goldens.json")
        #expect(rows.contains { $0.pieces.contains { $0.hasPrefix("<0x") } }, "the goldens exercise byte fallback")
        try expectMatches(model, rows)
    }

    @Test("encoding then decoding gives back the text for in-vocabulary strings")
    func roundTrip() throws {
        let model = try SentencePieceModel(contentsOf: Fixtures.tinyModel.appendingPathComponent("chn_jpn_yue_eng_ko_spectok.bpe.model").path)
        for text in ["<|en|>hello world", "hello  world"] {
            #expect(model.decode(try model.encodeIDs(text)) == text)
        }
        #expect(try model.encode("").isEmpty)
    }
}
