// The model options `serve` and `worker` share, and how they resolve to model directories.

import ArgumentParser
import Foundation
import SenseVoiceEngine

/// `--model`, `--vad-model`, `--no-vad`, `--max-no-vad-s` of the long-running commands
/// (`@OptionGroup var models: ServiceModelOptions`).
struct ServiceModelOptions: ParsableArguments {
    @Option(help: "SenseVoiceSmall model directory (default: $SENSEVOICE_MODEL, then the usual caches).")
    var model: String?

    @Option(help: "FSMN-VAD model directory for long audio (default: $SENSEVOICE_VAD_MODEL).")
    var vadModel: String?

    @Flag(help: "Transcribe each upload or job in one pass, without VAD segmentation.")
    var noVad: Bool = false

    @Option(name: .customLong("max-no-vad-s"), help: "Longest audio transcribed without VAD, in seconds.")
    var maxNoVADSeconds: Double = 300

    /// The SenseVoiceSmall directory: `--model`, else `$SENSEVOICE_MODEL` and the usual caches.
    func modelDirectory() throws -> String {
        do {
            return try ModelLocator.senseVoice(explicit: model)
        } catch let e as SenseVoiceError { throw CLIError(e) }
    }

    /// The FSMN-VAD directory, or nil with `--no-vad` or when neither the option nor
    /// `$SENSEVOICE_VAD_MODEL` names one.
    func vadModelDirectory(_ environment: [String: String]) -> String? {
        noVad ? nil : (vadModel ?? environment["SENSEVOICE_VAD_MODEL"].flatMap { $0.isEmpty ? nil : $0 })
    }
}
