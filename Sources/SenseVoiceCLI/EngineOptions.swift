// The engine options transcribe, serve, worker and bench share, and the EngineConfiguration they make.

import ArgumentParser
import Foundation
import SenseVoiceEngine

/// `--model`, `--vad-model`, `--no-vad`, `--max-no-vad-s`, `--precision` and `--denoise`
/// (`@OptionGroup(title: "Models") var engine: EngineOptions`).
///
/// `$SENSEVOICE_MODEL`, `$SENSEVOICE_VAD_MODEL` and the other variables reach these options through
/// ``ConfigResolver`` like every other option; nothing here reads the environment.
struct EngineOptions: ParsableArguments {
    @Option(help: "SenseVoiceSmall model directory (default: $SENSEVOICE_MODEL, then the usual caches).")
    var model: String?

    @Option(help: "FSMN-VAD model directory for long audio (default: $SENSEVOICE_VAD_MODEL).")
    var vadModel: String?

    @Flag(help: "Transcribe each file, upload or job in one pass, without VAD segmentation.")
    var noVad: Bool = false

    @Option(name: .customLong("max-no-vad-s"),
            help: "Longest audio transcribed without VAD, in seconds (default: \(Int(EngineConfiguration.defaultMaxNoVADSeconds)) for transcribe, \(Int(EngineConfiguration.serviceMaxNoVADSeconds)) for serve and worker).")
    var maxNoVADSeconds: Double?

    @Option(help: PrecisionOption.help)
    var precision: String = EngineConfiguration.defaultPrecision.rawValue

    @Option(help: "CAM++ speaker model directory for --diarize (default: $SENSEVOICE_SPEAKER_MODEL, then the usual caches).")
    var speakerModel: String?

    @Option(help: ArgumentHelp("Denoise before recognition: off, afftdn (FFmpeg's FFT denoiser) or rnnoise:MODEL_FILE (FFmpeg's arnndn with an RNNoise model file).",
                               discussion: "Off by default: SenseVoice was trained on noisy speech, and denoising can help or hurt recognition. For serve and worker, the default of requests that do not send a denoise field; their rnnoise uses this model file."))
    var denoise: String = "off"

    func validate() throws {
        if noVad && vadModel != nil { throw ValidationError("--no-vad and --vad-model exclude each other") }
        if let maxNoVADSeconds, !(maxNoVADSeconds > 0) { throw ValidationError("--max-no-vad-s must be positive") }
        _ = try PrecisionOption.parse(precision)
        do { _ = try DenoiseMethod(parsing: denoise) } catch let e as SenseVoiceError { throw ValidationError(e.message) }
    }

    /// The FSMN-VAD directory, or nil with `--no-vad` or without `--vad-model`.
    var vadModelDirectory: String? { noVad ? nil : vadModel }

    /// The parsed `--precision`.
    func parsedPrecision() throws -> Precision {
        try PrecisionOption.parse(precision)
    }

    /// The engine configuration these options describe, with the model directory resolved
    /// (`--model`, else `$SENSEVOICE_MODEL` and the usual caches).
    /// - Parameters:
    ///   - maxNoVADSeconds: the command's default for `--max-no-vad-s`.
    ///   - threads: compute threads per session; `nil`: the cores shared out over `workers`.
    ///   - workers: concurrent sessions.
    /// - Throws: `CLIError` (exit 3) when no model is found.
    /// - Parameter speakers: load the CAM++ speaker model (`--speaker-model`, else the caches; exit 3
    ///   when none is found); without it only an explicit `--speaker-model` is loaded.
    func configuration(maxNoVADSeconds defaultMaxNoVAD: Double, threads: Int?, workers: Int = 1,
                       speakers: Bool = false) throws -> EngineConfiguration {
        var configuration = EngineConfiguration(modelDirectory: model, vadModelDirectory: vadModelDirectory,
                                                precision: try parsedPrecision(), threads: threads, workers: workers,
                                                maxNoVADSeconds: maxNoVADSeconds ?? defaultMaxNoVAD)
        do {
            configuration.modelDirectory = try configuration.resolvedModelDirectory()
            configuration.speakerModelDirectory = speakers ? try ModelLocator.speakerModel(explicit: speakerModel) : speakerModel
            // Build the denoiser once now, so a model file FFmpeg cannot load fails before any audio.
            configuration.denoise = try DenoiseMethod(parsing: denoise)
            try Denoiser.check(configuration.denoise)
        } catch let e as SenseVoiceError { throw CLIError(e) }
        return configuration
    }
}
