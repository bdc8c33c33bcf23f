// Follows funasr/models/sense_voice/model.py: SenseVoiceSmall (embed, SenseVoiceEncoderSmall, CTC head).

/// Immutable SenseVoiceSmall weights, shared by every inference session.
public struct SenseVoiceModel: Sendable {
    public let config: SenseVoiceConfig
    /// Prompt embeddings `[16, input_size]` (language / emotion / event / text-norm rows, spec §3.2).
    public let embed: Tensor
    /// `encoders0` followed by `encoders.0 … encoders.(numBlocks-2)`.
    public private(set) var encoders: [SANMLayerWeights]
    public let afterNormWeight: Tensor, afterNormBias: Tensor
    public private(set) var tpEncoders: [SANMLayerWeights]
    public let tpNormWeight: Tensor, tpNormBias: Tensor
    public let ctcWeight: Tensor, ctcBias: Tensor              // [vocab, d], [vocab]
    /// The CTC head in the precision the encoder computes with.
    public private(set) var ctc: LinearWeights
    /// Arithmetic of the linear layers (``converted(to:)``); fp32 as loaded.
    public private(set) var precision: Precision = .fp32
    /// Whether attention's Q·Kᵀ and P·V run in bf16 (reduced precisions on CPUs with AVX512_BF16).
    public private(set) var attentionInBF16 = false

    /// Number of prompt embedding rows (7 languages + 7 emotion/event + 2 text-norm).
    public static let promptRows = 16

    /// Every checkpoint tensor of a model with `config`, with its expected shape.
    public static func tensorSpecs(config: SenseVoiceConfig) -> [(name: String, shape: [Int])] {
        let e = config.encoder
        let d = e.outputSize
        var specs: [(name: String, shape: [Int])] = [("embed.weight", [promptRows, e.inputSize])]
        specs += SANMLayerWeights.specs(prefix: "encoder.encoders0.0", inputSize: e.inputSize, config: e)
        for i in 0..<(e.numBlocks - 1) {
            specs += SANMLayerWeights.specs(prefix: "encoder.encoders.\(i)", inputSize: d, config: e)
        }
        specs += [("encoder.after_norm.weight", [d]), ("encoder.after_norm.bias", [d])]
        for i in 0..<e.tpBlocks {
            specs += SANMLayerWeights.specs(prefix: "encoder.tp_encoders.\(i)", inputSize: d, config: e)
        }
        specs += [("encoder.tp_norm.weight", [d]), ("encoder.tp_norm.bias", [d]),
                  ("ctc.ctc_lo.weight", [config.vocabSize, d]), ("ctc.ctc_lo.bias", [config.vocabSize])]
        return specs
    }

    /// Builds the model from validated tensors (names and shapes as in `tensorSpecs`).
    public init(config: SenseVoiceConfig, tensors t: [String: Tensor]) {
        func w(_ n: String) -> Tensor {
            guard let x = t[n] else { preconditionFailure("missing \(n) after validation") }
            return x
        }
        let e = config.encoder
        self.config = config
        embed = w("embed.weight")
        var enc = [SANMLayerWeights(prefix: "encoder.encoders0.0", inputSize: e.inputSize, tensors: t)]
        for i in 0..<(e.numBlocks - 1) {
            enc.append(SANMLayerWeights(prefix: "encoder.encoders.\(i)", inputSize: e.outputSize, tensors: t))
        }
        encoders = enc
        afterNormWeight = w("encoder.after_norm.weight"); afterNormBias = w("encoder.after_norm.bias")
        tpEncoders = (0..<e.tpBlocks).map {
            SANMLayerWeights(prefix: "encoder.tp_encoders.\($0)", inputSize: e.outputSize, tensors: t)
        }
        tpNormWeight = w("encoder.tp_norm.weight"); tpNormBias = w("encoder.tp_norm.bias")
        ctcWeight = w("ctc.ctc_lo.weight"); ctcBias = w("ctc.ctc_lo.bias")
        ctc = LinearWeights(weight: ctcWeight, bias: ctcBias)
    }

    /// The model with its weight-linear layers converted to `precision`; the float32 tensors are
    /// kept. Converting to fp32 restores the reference path.
    ///
    /// bf16 converts every linear layer (Q/K/V, output, FFN, CTC head) and runs attention's Q·Kᵀ and
    /// P·V in bf16. int8 quantises the FFN and the CTC head (two thirds of the FLOPs and the
    /// largest layer) but keeps the attention projections in bf16 (float32 on CPUs without
    /// AVX512_BF16): Q/K/V errors are amplified by the softmax, and all-int8 misses the 1e-2
    /// relative-RMS target (2.1e-2 on the full-size synthetic model against 0.94e-2 this way;
    /// docs/performance.md).
    /// - Throws: `SenseVoiceError` `.invalidOption` when this CPU cannot run `precision`
    ///   (bf16 without AVX512_BF16) or oneDNN cannot take a layer.
    public func converted(to precision: Precision) throws -> SenseVoiceModel {
        if precision == self.precision { return self }
        try precision.checkSupported()
        var m = self
        let attention: Precision = precision == .int8 ? (CPUFeatures.current.avx512BF16 ? .bf16 : .fp32) : precision
        m.encoders = try encoders.map { try $0.converted(to: precision, attention: attention) }
        m.tpEncoders = try tpEncoders.map { try $0.converted(to: precision, attention: attention) }
        m.ctc = try ctc.converted(to: precision)
        m.precision = precision
        m.attentionInBF16 = precision != .fp32 && CPUFeatures.current.avx512BF16
        return m
    }

    /// Total parameter count.
    public var parameterCount: Int {
        Self.tensorSpecs(config: config).reduce(0) { $0 + $1.shape.reduce(1, *) }
    }
}
