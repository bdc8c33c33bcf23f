// `--denoise off|afftdn|rnnoise:MODEL_FILE`: which optional denoiser runs before recognition.

import Foundation
import SenseVoiceTensor

/// The optional denoising front end, off by default: SenseVoice was trained on noisy speech, and
/// denoising can help or hurt recognition (see the README's measurements).
public enum DenoiseMethod: Sendable, Equatable, Codable {
    /// No denoising: the decoder's samples, bit for bit.
    case off
    /// FFmpeg's FFT denoiser (`afftdn`, its default settings: 12 dB reduction, -50 dB noise floor).
    case afftdn
    /// FFmpeg's RNNoise filter (`arnndn`) with a model file the user supplies.
    case rnnoise(modelFile: String)

    /// Parses `off`, `afftdn` or `rnnoise:MODEL_FILE` (the file must exist and be readable).
    /// - Parameter option: how the caller names the option in messages (`--denoise`, `denoise`).
    /// - Throws: `SenseVoiceError(.invalidOption)` saying what is accepted, or that the model file is missing.
    public init(parsing text: String, option: String = "--denoise") throws {
        let value = text.trimmingCharacters(in: .whitespaces)
        switch value.lowercased() {
        case "", "off", "none": self = .off
        case "afftdn": self = .afftdn
        default:
            guard value.lowercased().hasPrefix("rnnoise:") else {
                throw SenseVoiceError(.invalidOption, "\(option) '\(value.prefix(60))' is not supported; use off, afftdn or rnnoise:MODEL_FILE (an RNNoise model file, e.g. from the rnnoise-models collection)")
            }
            let path = String(value.dropFirst("rnnoise:".count))
            guard !path.isEmpty else {
                throw SenseVoiceError(.invalidOption, "\(option) rnnoise: needs a model file: rnnoise:/path/to/model.rnnn")
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
                throw SenseVoiceError(.invalidOption, "\(option): RNNoise model file \(path) not found; give the path of a .rnnn model file")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw SenseVoiceError(.invalidOption, "\(option): RNNoise model file \(path) is not readable")
            }
            self = .rnnoise(modelFile: path)
        }
    }

    /// The option's text (`off`, `afftdn`, `rnnoise:/path`).
    public var description: String {
        switch self {
        case .off: "off"
        case .afftdn: "afftdn"
        case .rnnoise(let file): "rnnoise:\(file)"
        }
    }
}
