// `sensevoice tokenize`: texts → SentencePiece ids and pieces with the model's own tokenizer (issue #16).

import ArgumentParser
import Foundation
import SenseVoiceEngine

/// Encodes texts with a model's tokenizer exactly as the `sentencepiece` library does.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Encode texts into the model's SentencePiece ids and pieces.",
        discussion: """
        Prints one JSON line per text, {"text": …, "ids": […], "pieces": […]}, or with --format text \
        one "TEXT<TAB>IDS<TAB>PIECES" line (ids and pieces space-separated). The encoding is that of \
        the sentencepiece library for the model's .bpe.model (tokens.txt: BPE merges by rank). This is \
        how hotwords are turned into tokens. Exit status: 0 ok, 2 bad options, 3 model problem.
        """
    )

    /// Output formats of this command.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, text
    }

    @Argument(help: "Texts to encode.")
    var texts: [String]

    @Option(help: "SenseVoiceSmall model directory (default: $SENSEVOICE_MODEL, then the usual caches).")
    var model: String?

    @Option(help: "Output format: json or text.")
    var format: Format = .json

    func run() throws {
        let tokenizer: SentencePieceModel
        do {
            let directory = try EngineConfiguration(modelDirectory: model).resolvedModelDirectory()
            let configPath = URL(fileURLWithPath: directory).appendingPathComponent("config.yaml").path
            let bpeModel = FileManager.default.fileExists(atPath: configPath) ? try SenseVoiceConfig(path: configPath).bpeModel : nil
            tokenizer = try SenseVoice.loadTokenizer(modelDirectory: directory, bpeModel: bpeModel)
            for text in texts {
                print(try render(text: text, pieces: tokenizer.encode(text)))
            }
        } catch let e as SenseVoiceError { throw CLIError(e) }
    }

    /// One text's line in the chosen format.
    func render(text: String, pieces: [SentencePieceModel.EncodedPiece]) throws -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            let line = TokenizedText(text: text, ids: pieces.map(\.id), pieces: pieces.map(\.piece))
            return String(decoding: try encoder.encode(line), as: UTF8.self)
        case .text:
            return "\(text)\t\(pieces.map { String($0.id) }.joined(separator: " "))\t\(pieces.map(\.piece).joined(separator: " "))"
        }
    }
}

/// The JSON line of one text: `{"text": …, "ids": […], "pieces": […]}`.
struct TokenizedText: Codable, Equatable {
    let text: String
    let ids: [Int]
    let pieces: [String]
}
