// Follows the SenseVoiceSmall config.yaml layout (funasr/models/sense_voice/model.py: SenseVoiceEncoderSmall).

import Foundation
import Yams

/// Encoder hyper-parameters from `config.yaml` `encoder_conf` (plus `input_size`).
public struct EncoderConfig: Sendable, Equatable {
    /// Model width d (512 for SenseVoiceSmall).
    public var outputSize: Int
    public var attentionHeads: Int
    /// FFN hidden size (2048).
    public var linearUnits: Int
    /// Number of main SAN-M blocks including `encoders0` (50).
    public var numBlocks: Int
    /// Number of `tp_encoders` blocks (20).
    public var tpBlocks: Int
    /// FSMN memory kernel size (11).
    public var kernelSize: Int
    /// FSMN shift (`sanm_shfit`, 0): extra left padding.
    public var sanmShift: Int
    /// Feature width fed to the encoder (`input_size`, 560 = 80 × 7).
    public var inputSize: Int

    public init(outputSize: Int = 512, attentionHeads: Int = 4, linearUnits: Int = 2048, numBlocks: Int = 50,
                tpBlocks: Int = 20, kernelSize: Int = 11, sanmShift: Int = 0, inputSize: Int = 560) {
        self.outputSize = outputSize
        self.attentionHeads = attentionHeads
        self.linearUnits = linearUnits
        self.numBlocks = numBlocks
        self.tpBlocks = tpBlocks
        self.kernelSize = kernelSize
        self.sanmShift = sanmShift
        self.inputSize = inputSize
    }

    /// Left padding of the FSMN memory convolution.
    public var fsmnLeftPadding: Int { (kernelSize - 1) / 2 + sanmShift }
    /// Per-head width d_k.
    public var headSize: Int { outputSize / attentionHeads }
}

/// The parts of a SenseVoiceSmall `config.yaml` the engine needs. Every dimension comes from here.
public struct SenseVoiceConfig: Sendable, Equatable {
    public var encoder: EncoderConfig
    /// `frontend_conf` (fbank, LFR; CMVN comes from `cmvnFile`).
    public var frontend: FrontendConfig
    public var vocabSize: Int
    /// Tokenizer file named by `tokenizer_conf.bpemodel`, when set.
    public var bpeModel: String?
    /// CMVN file named by `frontend_conf.cmvn_file`, when set.
    public var cmvnFile: String?

    public init(encoder: EncoderConfig = .init(), frontend: FrontendConfig = .senseVoiceSmall, vocabSize: Int = 25055,
                bpeModel: String? = nil, cmvnFile: String? = nil) {
        self.encoder = encoder
        self.frontend = frontend
        self.vocabSize = vocabSize
        self.bpeModel = bpeModel
        self.cmvnFile = cmvnFile
    }

    /// Reads and validates `config.yaml`.
    /// - Throws: `SenseVoiceError(.fileNotFound)` or `.configInvalid` naming the file and key.
    public init(path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SenseVoiceError(.fileNotFound, "cannot read model config \(path): \(error.localizedDescription)")
        }
        try self.init(yaml: text, path: path)
    }

    /// Parses `config.yaml` text; `path` is used in error messages.
    public init(yaml text: String, path: String = "config.yaml") throws {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw SenseVoiceError(.configInvalid, "\(path) is not valid YAML: \(error)")
        }
        guard let top = root as? [String: Any] else {
            throw SenseVoiceError(.configInvalid, "\(path) is not a YAML mapping")
        }
        let reader = ConfigReader(path: path)
        if let model = top["model"] as? String, model != "SenseVoiceSmall" {
            throw SenseVoiceError(.configInvalid, "\(path): model is \(model), this engine runs SenseVoiceSmall")
        }
        if let enc = top["encoder"] as? String, enc != "SenseVoiceEncoderSmall" {
            throw SenseVoiceError(.configInvalid, "\(path): encoder is \(enc), expected SenseVoiceEncoderSmall")
        }
        guard let ec = top["encoder_conf"] as? [String: Any] else {
            throw SenseVoiceError(.configInvalid, "\(path): missing encoder_conf")
        }
        if let t = ec["selfattention_layer_type"] as? String, t != "sanm" {
            throw SenseVoiceError(.configInvalid, "\(path): encoder_conf.selfattention_layer_type \(t) is not supported (only sanm)")
        }
        if let nb = ec["normalize_before"] as? Bool, !nb {
            throw SenseVoiceError(.configInvalid, "\(path): encoder_conf.normalize_before false is not supported")
        }
        let fc = top["frontend_conf"] as? [String: Any] ?? [:]
        // Missing keys keep SenseVoiceSmall's values; dither stays 0 unless the file names one
        // (FunASR would default to 1.0, which makes its own output random).
        let fe: FrontendConfig
        do { fe = try FrontendConfig(frontendConf: fc) } catch let e as SenseVoiceError {
            throw SenseVoiceError(.configInvalid, "\(path): \(e.message)")
        }
        cmvnFile = fc["cmvn_file"] as? String
        if let tc = top["tokenizer_conf"] as? [String: Any] { bpeModel = tc["bpemodel"] as? String }

        let inputSize = try reader.int(top, "input_size", default: fe.numMelBins * fe.lfrM, in: "top level")
        let enc = EncoderConfig(
            outputSize: try reader.int(ec, "output_size", default: nil, in: "encoder_conf"),
            attentionHeads: try reader.int(ec, "attention_heads", default: nil, in: "encoder_conf"),
            linearUnits: try reader.int(ec, "linear_units", default: nil, in: "encoder_conf"),
            numBlocks: try reader.int(ec, "num_blocks", default: nil, in: "encoder_conf"),
            tpBlocks: try reader.int(ec, "tp_blocks", default: 0, in: "encoder_conf", allowZero: true),
            kernelSize: try reader.int(ec, "kernel_size", default: 11, in: "encoder_conf"),
            sanmShift: try reader.int(ec, "sanm_shfit", default: 0, in: "encoder_conf", allowZero: true),
            inputSize: inputSize)
        guard enc.outputSize % enc.attentionHeads == 0 else {
            throw SenseVoiceError(.configInvalid, "\(path): encoder_conf.output_size \(enc.outputSize) is not divisible by attention_heads \(enc.attentionHeads)")
        }
        guard enc.kernelSize % 2 == 1, enc.sanmShift < enc.kernelSize else {
            throw SenseVoiceError(.configInvalid, "\(path): encoder_conf.kernel_size \(enc.kernelSize) must be odd and larger than sanm_shfit")
        }
        guard inputSize == fe.numMelBins * fe.lfrM else {
            throw SenseVoiceError(.configInvalid, "\(path): input_size \(inputSize) ≠ n_mels \(fe.numMelBins) × lfr_m \(fe.lfrM)")
        }
        encoder = enc
        frontend = fe
        vocabSize = try reader.int(top, "vocab_size", default: nil, in: "top level")
    }
}

/// Typed access to YAML values with errors that name the file and key.
private struct ConfigReader {
    let path: String

    func int(_ dict: [String: Any], _ key: String, default def: Int?, in section: String,
             allowZero: Bool = false) throws -> Int {
        guard let raw = dict[key], !(raw is NSNull) else {
            if let def { return def }
            throw SenseVoiceError(.configInvalid, "\(path): missing \(section).\(key)")
        }
        let value: Int?
        switch raw {
        case let i as Int: value = i
        case let d as Double where d == d.rounded(): value = Int(exactly: d)
        case let s as String: value = Int(s)
        default: value = nil
        }
        guard let v = value, v > 0 || (allowZero && v == 0), v < 1_000_000 else {
            throw SenseVoiceError(.configInvalid, "\(path): \(section).\(key) must be a positive integer, found \(raw)")
        }
        return v
    }

    func double(_ dict: [String: Any], _ key: String, default def: Double, in section: String) throws -> Double {
        guard let raw = dict[key], !(raw is NSNull) else { return def }
        switch raw {
        case let i as Int: return Double(i)
        case let d as Double where d.isFinite && d >= 0: return d
        default:
            throw SenseVoiceError(.configInvalid, "\(path): \(section).\(key) must be a non-negative number, found \(raw)")
        }
    }
}
