// Which tokenizer file of a model directory is read: shared by model loading and `sensevoice tokenize`.

internal import Foundation

extension SenseVoice {
    /// Loads the tokenizer of a model directory: the `.bpe.model` that `config.yaml` names, else any
    /// `*.bpe.model`, else `tokens.txt`.
    ///
    /// - Parameters:
    ///   - modelDirectory: the model folder.
    ///   - bpeModel: `config.yaml`'s `tokenizer_conf.bpemodel` (only its file name is used), if any.
    /// - Throws: `SenseVoiceError(.modelNotFound)` when the folder has no tokenizer, and the
    ///   tokenizer's own errors.
    public static func loadTokenizer(modelDirectory: String, bpeModel: String? = nil) throws -> SentencePieceModel {
        let dir = URL(fileURLWithPath: modelDirectory)
        func file(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let bpeName = bpeModel.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "chn_jpn_yue_eng_ko_spectok.bpe.model"
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        if FileManager.default.fileExists(atPath: file(bpeName)) {
            return try SentencePieceModel(contentsOf: file(bpeName))
        } else if let any = listing.sorted().first(where: { $0.hasSuffix(".bpe.model") }) {
            return try SentencePieceModel(contentsOf: file(any))
        } else if FileManager.default.fileExists(atPath: file("tokens.txt")) {
            return try SentencePieceModel(tokensFile: file("tokens.txt"))
        }
        throw SenseVoiceError(.modelNotFound, "\(modelDirectory) has no tokenizer (\(bpeName) or tokens.txt)")
    }
}
