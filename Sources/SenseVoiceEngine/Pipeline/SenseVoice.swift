// A loaded SenseVoiceSmall model directory: config, weights, frontend and tokenizer (a Transcriber's stages).

import Foundation

/// Everything read from an official SenseVoiceSmall model directory, loaded once and shared: the
/// stages ``Transcriber/init(bundle:vad:configuration:)`` is built from.
///
/// The directory holds `model.pt`, `config.yaml`, `am.mvn` and the SentencePiece model
/// (`chn_jpn_yue_eng_ko_spectok.bpe.model`, or `tokens.txt` as an alternative vocabulary).
public struct SenseVoice: Sendable {
    public let directory: String
    public let config: SenseVoiceConfig
    public let model: SenseVoiceModel
    public let frontend: WavFrontend
    public let tokenizer: SentencePieceModel
    /// Seconds spent loading (reading, validating, mapping, converting to `precision`).
    public let loadSeconds: Double

    /// Loads a model directory; with `precision` bf16 or int8 the linear layers' weights are
    /// converted after loading (counted in `loadSeconds`).
    /// - Throws: `SenseVoiceError` naming the file and the problem (`.modelNotFound`, `.configInvalid`,
    ///   `.modelFileCorrupt`, `.checkpointMismatch`, `.tokenizerInvalid`).
    public init(modelDirectory: String, precision: Precision = .fp32) throws {
        let clock = Stopwatch()
        let dir = URL(fileURLWithPath: modelDirectory)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw SenseVoiceError(.modelNotFound, "model directory \(modelDirectory) does not exist; pass --model DIR with the SenseVoiceSmall files (model.pt, config.yaml, am.mvn, *.bpe.model)")
        }
        func file(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func require(_ name: String) throws -> String {
            let p = file(name)
            guard FileManager.default.fileExists(atPath: p) else {
                throw SenseVoiceError(.modelNotFound, "\(modelDirectory) has no \(name); is this a SenseVoiceSmall model directory?")
            }
            return p
        }
        let config = try SenseVoiceConfig(path: try require("config.yaml"))

        // CMVN: config's cmvn_file, else am.mvn when present (as FunASR's hub download does).
        var cmvn: CMVN?
        let cmvnName = config.cmvnFile.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "am.mvn"
        if FileManager.default.fileExists(atPath: file(cmvnName)) {
            cmvn = try CMVN(amMvnPath: file(cmvnName))
            guard cmvn!.shift.count == config.encoder.inputSize else {
                throw SenseVoiceError(.configInvalid, "\(file(cmvnName)) has \(cmvn!.shift.count) dimensions, the model takes \(config.encoder.inputSize)")
            }
        }

        let tokenizer = try Self.loadTokenizer(modelDirectory: modelDirectory, bpeModel: config.bpeModel)
        guard tokenizer.count == config.vocabSize else {
            throw SenseVoiceError(.tokenizerInvalid, "tokenizer of \(modelDirectory) has \(tokenizer.count) pieces but config.yaml says vocab_size \(config.vocabSize)")
        }

        let checkpoint = try TorchCheckpoint(path: try require("model.pt"))
        self.directory = modelDirectory
        self.config = config
        self.model = try SenseVoiceModel(config: config, checkpoint: checkpoint, precision: precision)
        self.frontend = WavFrontend(config: config.frontend, cmvn: cmvn)
        self.tokenizer = tokenizer
        self.loadSeconds = clock.seconds
    }

    /// A bundle around an in-memory model (benchmarks, tests).
    public init(model: SenseVoiceModel, tokenizer: SentencePieceModel, cmvn: CMVN?, directory: String = "<memory>") {
        self.directory = directory
        self.config = model.config
        self.model = model
        self.frontend = WavFrontend(config: model.config.frontend, cmvn: cmvn)
        self.tokenizer = tokenizer
        self.loadSeconds = 0
    }

    /// Arithmetic of the encoder's linear layers.
    public var precision: Precision { model.precision }
}
