// Follows the SenseVoiceSmall config.yaml layout (funasr/models/sense_voice/model.py: SenseVoiceEncoderSmall).

import Foundation

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
public struct SenseVoiceConfig: Sendable, Equatable, YAMLConfigFile {
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

    public static let fileDescription = "model config"

    /// Parses `config.yaml` text; `path` is used in error messages.
    /// - Throws: `SenseVoiceError(.configInvalid)` naming the file and every missing or malformed key.
    public init(yaml text: String, path: String = "config.yaml") throws {
        var reader = try ConfigReader(yaml: text, source: path, model: "SenseVoiceSmall", "this engine runs SenseVoiceSmall")
        let top = reader.root
        if let enc = reader.optionalString(top, "encoder"), enc != "SenseVoiceEncoderSmall" {
            reader.report("encoder is \(enc), expected SenseVoiceEncoderSmall")
        }
        let ec = reader.section(top, "encoder_conf")
        if let t = reader.optionalString(ec, "selfattention_layer_type"), t != "sanm" {
            reader.report("encoder_conf.selfattention_layer_type \(t) is not supported (only sanm)")
        }
        if let nb = ec?["normalize_before"] as? Bool, !nb {
            reader.report("encoder_conf.normalize_before false is not supported")
        }
        // Missing frontend keys keep SenseVoiceSmall's values; dither stays 0 unless the file names
        // one (FunASR would default to 1.0, which makes its own output random).
        let fc = reader.section(top, "frontend_conf", required: false)
        let fe = FrontendConfig(fc, reader: &reader)
        let cmvnFile = reader.optionalString(fc, "cmvn_file")
        let tc = reader.section(top, "tokenizer_conf", required: false)
        let bpeModel = reader.optionalString(tc, "bpemodel")

        let e = "encoder_conf"
        let enc = EncoderConfig(
            outputSize: reader.int(ec, "output_size", in: e, .positive),
            attentionHeads: reader.int(ec, "attention_heads", in: e, .positive),
            linearUnits: reader.int(ec, "linear_units", in: e, .positive),
            numBlocks: reader.int(ec, "num_blocks", in: e, .positive),
            tpBlocks: reader.int(ec, "tp_blocks", in: e, default: 0, .nonNegative),
            kernelSize: reader.int(ec, "kernel_size", in: e, default: 11, .positive),
            sanmShift: reader.int(ec, "sanm_shfit", in: e, default: 0, .nonNegative),
            inputSize: reader.int(top, "input_size", in: "", default: fe.numMelBins * fe.lfrM, .positive))
        let vocabSize = reader.int(top, "vocab_size", in: "", .positive)
        if reader.problems.isEmpty {
            if enc.outputSize % enc.attentionHeads != 0 {
                reader.report("encoder_conf.output_size \(enc.outputSize) is not divisible by attention_heads \(enc.attentionHeads)")
            }
            if enc.kernelSize % 2 != 1 || enc.sanmShift >= enc.kernelSize {
                reader.report("encoder_conf.kernel_size \(enc.kernelSize) must be odd and larger than sanm_shfit")
            }
            if enc.inputSize != fe.numMelBins * fe.lfrM {
                reader.report("input_size \(enc.inputSize) ≠ n_mels \(fe.numMelBins) × lfr_m \(fe.lfrM)")
            }
        }
        try reader.finish("SenseVoiceSmall config")
        self.init(encoder: enc, frontend: fe, vocabSize: vocabSize, bpeModel: bpeModel, cmvnFile: cmvnFile)
    }
}
