// `--denoise off|afftdn|rnnoise:MODEL_FILE`: which optional denoiser runs before recognition.

import Foundation
import SenseVoiceTensor

/// The optional denoising front end, off by default: SenseVoice was trained on noisy speech, and
/// denoising can help or hurt recognition (see the README's measurements).
public enum DenoiseMethod: Sendable, Equatable, Codable {
    /// No denoising: the decoder's samples, bit for bit.
    case off
    /// FFmpeg's FFT denoiser (`afftdn`) with ``afftdnOptions`` and a noise floor that follows the
    /// recording (``NoiseFloorTracker``).
    case afftdn
    /// FFmpeg's RNNoise filter (`arnndn`) with a model file the user supplies.
    case rnnoise(modelFile: String)

    /// afftdn's fixed settings: FFmpeg's 12 dB reduction, white-noise profile and -50 dB starting
    /// floor. The floor then follows the recording (see ``NoiseFloorTracker``): measured on speech
    /// mixed with white and babble noise, a fixed floor helps only at one recording level and
    /// destroys speech at others (docs/decisions.md).
    public static let afftdnOptions = "nr=12:nf=-50:nt=w"

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
            try Self.checkModelFile(path, option: option)
            self = .rnnoise(modelFile: path)
        }
    }

    /// Checks that an RNNoise model file exists and is readable (whether FFmpeg can load it is
    /// checked when a ``Denoiser`` is built).
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the file.
    static func checkModelFile(_ path: String, option: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw SenseVoiceError(.invalidOption, "\(option): RNNoise model file \(path) not found; give the path of a .rnnn model file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SenseVoiceError(.invalidOption, "\(option): RNNoise model file \(path) is not readable")
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

    /// The method's name without a file (`off`, `afftdn`, `rnnoise`): what a server tells clients.
    public var name: String {
        switch self {
        case .off: "off"
        case .afftdn: "afftdn"
        case .rnnoise: "rnnoise"
        }
    }

    /// A client's choice (`off`, `afftdn`, `rnnoise`) on a server: a client never names a file,
    /// `rnnoise` runs the model of the server's own `--denoise rnnoise:FILE`.
    /// - Parameters:
    ///   - value: the request field; empty or absent: `serverDefault`.
    ///   - serverDefault: the server's `--denoise`.
    ///   - field: the field's name in messages.
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the field for an unknown method, a file
    ///   path, or `rnnoise` on a server without a model.
    public static func request(_ value: String?, serverDefault: DenoiseMethod, field: String = "denoise") throws -> DenoiseMethod {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return serverDefault }
        switch raw.lowercased() {
        case "off", "none": return .off
        case "afftdn": return .afftdn
        case "rnnoise":
            guard case .rnnoise = serverDefault else {
                throw SenseVoiceError(.invalidOption, "\(field)=rnnoise is not available: this server has no RNNoise model (its operator starts it with --denoise rnnoise:MODEL_FILE); use off or afftdn")
            }
            return serverDefault
        default:
            if raw.lowercased().hasPrefix("rnnoise:") {
                throw SenseVoiceError(.invalidOption, "\(field) cannot name a file on the server; send \(field)=rnnoise to use the server's RNNoise model")
            }
            throw SenseVoiceError(.invalidOption, "\(field) '\(raw.prefix(40))' is not supported; use off, afftdn or rnnoise")
        }
    }
}
