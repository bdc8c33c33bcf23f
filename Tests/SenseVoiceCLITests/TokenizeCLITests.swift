import Foundation
import Testing
import SenseVoiceTestSupport

/// `sensevoice tokenize` end to end: the binary's JSON lines equal the sentencepiece goldens.
@Suite("sensevoice tokenize (end to end)")
struct TokenizeCLITests {
    private struct Golden: Codable, Equatable {
        let text: String
        let ids: [Int]
        let pieces: [String]
    }

    @Test("JSON lines equal the sentencepiece library's ids and pieces")
    func jsonMatchesGoldens() throws {
        let all = try JSONDecoder().decode([Golden].self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("sentencepiece/bpe_goldens.json")))
        // A spread of the goldens (every 37th, non-empty) keeps the command line short.
        let rows = stride(from: 1, to: all.count, by: 37).map { all[$0] }.filter { !$0.text.isEmpty }
        let out = try CLIRunner.run(["tokenize", "--model", CLIRunner.tinyModel] + rows.map(\.text))
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let lines = out.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == rows.count)
        for (line, row) in zip(lines, rows) {
            let got = try JSONDecoder().decode(Golden.self, from: Data(line.utf8))
            #expect(got.ids == row.ids && got.pieces.map { Array($0.utf8) } == row.pieces.map { Array($0.utf8) }
                    && Array(got.text.utf8) == Array(row.text.utf8), "\(line)")
        }
    }

    @Test("text format: text, ids and pieces separated by tabs")
    func textFormat() throws {
        let out = try CLIRunner.run(["tokenize", "--model", CLIRunner.tinyModel, "--format", "text", "<|en|>hello world"])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let fields = out.stdout.dropLast().split(separator: "\t", omittingEmptySubsequences: false)
        #expect(fields.count == 3)
        #expect(fields.first == "<|en|>hello world")
        #expect(fields.last?.hasPrefix("▁ <|en|>") == true, "\(out.stdout)")
    }

    @Test("a folder without a model exits 3")
    func missingModel() throws {
        let out = try CLIRunner.run(["tokenize", "--model", FileManager.default.temporaryDirectory.path, "x"])
        #expect(out.status == 3, "stdout: \(out.stdout) stderr: \(out.stderr)")
    }
}
