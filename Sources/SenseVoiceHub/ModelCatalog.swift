// The models this tool can pull: their hub ids, the files the engine needs and how to load them.

import SenseVoiceEngine

/// Which hub a model comes from.
public enum HubKind: String, Sendable, CaseIterable, Codable {
    case modelscope
    case huggingface
}

/// One model the engine can use, as published on the hubs.
public struct HubModel: Sendable, Hashable {
    /// The CLI name (`sensevoice-small`, `fsmn-vad`) and the folder name in the sensevoice cache.
    public let name: String
    /// A one-line description for `models list`.
    public let summary: String
    /// The ModelScope model id (`iic/SenseVoiceSmall`).
    public let modelScopeID: String
    /// The Hugging Face repository (`FunAudioLLM/SenseVoiceSmall`).
    public let huggingFaceRepo: String
    /// Files the engine cannot do without.
    public let requiredFiles: [String]
    /// Small metadata files downloaded when the hub has them.
    public let optionalFiles: [String]

    /// The repository id on a hub.
    public func repositoryID(on hub: HubKind) -> String {
        switch hub {
        case .modelscope: modelScopeID
        case .huggingface: huggingFaceRepo
        }
    }

    /// Loads a folder with the engine's own loader, so a model that verifies is one `transcribe` can use.
    /// - Throws: the engine's `SenseVoiceError` naming the file and the problem.
    public func load(directory: String) throws {
        switch name {
        case ModelCatalog.senseVoiceSmall.name: _ = try SenseVoice(modelDirectory: directory)
        case ModelCatalog.fsmnVAD.name: _ = try FSMNVAD(modelDirectory: directory)
        case ModelCatalog.campPlus.name: _ = try CAMPPlusModel(directory: directory)
        default: preconditionFailure("no loader for catalog model \(name)")
        }
    }
}

/// The models `sensevoice models pull` knows.
public enum ModelCatalog {
    /// SenseVoiceSmall (see `SenseVoice.init(modelDirectory:)` for the files it reads).
    public static let senseVoiceSmall = HubModel(
        name: "sensevoice-small",
        summary: "SenseVoiceSmall speech recognition",
        modelScopeID: "iic/SenseVoiceSmall",
        huggingFaceRepo: "FunAudioLLM/SenseVoiceSmall",
        requiredFiles: ["model.pt", "config.yaml", "am.mvn", "chn_jpn_yue_eng_ko_spectok.bpe.model"],
        // The five example recordings the model ships with (a few hundred KB), so a first run has
        // real speech to transcribe: `transcribe <folder>/example/en.mp3`.
        optionalFiles: ["configuration.json"] + ["en", "zh", "yue", "ja", "ko"].map { "example/\($0).mp3" })

    /// FunASR's FSMN-VAD (see `FSMNVAD.init(modelDirectory:)`).
    public static let fsmnVAD = HubModel(
        name: "fsmn-vad",
        summary: "FSMN voice activity detection",
        modelScopeID: "iic/speech_fsmn_vad_zh-cn-16k-common-pytorch",
        huggingFaceRepo: "funasr/fsmn-vad",
        requiredFiles: ["model.pt", "config.yaml", "am.mvn"],
        optionalFiles: ["configuration.json"])

    /// FunASR's `cam++` speaker-embedding model for `--diarize` (see `CAMPPlusModel.init(directory:)`).
    public static let campPlus = HubModel(
        name: "cam++",
        summary: "CAM++ speaker embeddings (speaker diarization)",
        modelScopeID: "iic/speech_campplus_sv_zh-cn_16k-common",
        huggingFaceRepo: "funasr/campplus",
        requiredFiles: [CAMPPlusModel.defaultModelFile, "config.yaml"],
        optionalFiles: ["configuration.json"])

    /// Every known model.
    public static let all = [senseVoiceSmall, fsmnVAD, campPlus]

    /// The file whose presence marks a folder of `model` (its weights).
    static func weightsFile(of model: HubModel) -> String {
        model.name == campPlus.name ? CAMPPlusModel.defaultModelFile : "model.pt"
    }

    /// The environment variable naming a folder of `model`.
    static func environmentOverride(of model: HubModel) -> String {
        switch model.name {
        case fsmnVAD.name: "SENSEVOICE_VAD_MODEL"
        case campPlus.name: "SENSEVOICE_SPEAKER_MODEL"
        default: "SENSEVOICE_MODEL"
        }
    }

    /// The model called `name`.
    /// - Throws: `HubError(.invalidArgument)` listing the known names.
    public static func model(named name: String) throws -> HubModel {
        if let model = all.first(where: { $0.name == name }) { return model }
        throw HubError(.invalidArgument, "unknown model '\(name)'; known models: \(all.map(\.name).joined(separator: ", "))")
    }
}
