// Follows funasr/models/sense_voice/model.py: SenseVoiceSmall (embed, SenseVoiceEncoderSmall, CTC head).

/// Immutable SenseVoiceSmall weights, shared by every inference session.
///
/// Weights are held once: float32 weights stay zero-copy views of the checkpoint's memory map;
/// a bf16 / int8 model holds the converted linear layers only, converted layer by layer while it
/// is read, with the mapped pages of the float32 weights they replaced handed back to the kernel.
public struct SenseVoiceModel: Sendable {
    public let config: SenseVoiceConfig
    /// Prompt embeddings `[16, input_size]` (language / emotion / event / text-norm rows, spec §3.2).
    public let embed: Tensor
    /// `encoders0` followed by `encoders.0 … encoders.(numBlocks-2)`.
    public private(set) var encoders: [SANMLayerWeights]
    public let afterNormWeight: Tensor, afterNormBias: Tensor
    public private(set) var tpEncoders: [SANMLayerWeights]
    public let tpNormWeight: Tensor, tpNormBias: Tensor
    /// The CTC head `[vocab, d]` in the precision the encoder computes with.
    public private(set) var ctc: LinearWeights
    /// Arithmetic of the linear layers; fp32 as loaded.
    public private(set) var precision: Precision = .fp32
    /// Whether attention's Q·Kᵀ and P·V run in bf16 (reduced precisions on CPUs with AVX512_BF16).
    public private(set) var attentionInBF16 = false

    /// Number of prompt embedding rows (7 languages + 7 emotion/event + 2 text-norm).
    public static let promptRows = 16

    /// The model's own tensors, outside its SAN-M layers.
    struct Tensors {
        var embed = Tensor.placeholder
        var afterNormWeight = Tensor.placeholder, afterNormBias = Tensor.placeholder
        var tpNormWeight = Tensor.placeholder, tpNormBias = Tensor.placeholder
        var ctcWeight = Tensor.placeholder, ctcBias = Tensor.placeholder
    }

    /// One step of the checkpoint layout: some of the model's own tensors, or a SAN-M layer.
    enum Part {
        case tensors([TensorField<Tensors>])
        case layer(prefix: String, inputSize: Int, tp: Bool)
    }

    /// The whole checkpoint, declared once in file order: what ``tensorSpecs(config:)`` lists and
    /// what the model is built from, part by part.
    static func layout(_ config: SenseVoiceConfig) -> [Part] {
        let e = config.encoder
        let d = e.outputSize
        var parts: [Part] = [.tensors([TensorField(\.embed, "embed.weight", [promptRows, e.inputSize])])]
        parts.append(.layer(prefix: "encoder.encoders0.0", inputSize: e.inputSize, tp: false))
        for i in 0..<(e.numBlocks - 1) {
            parts.append(.layer(prefix: "encoder.encoders.\(i)", inputSize: d, tp: false))
        }
        parts.append(.tensors([TensorField(\.afterNormWeight, "encoder.after_norm.weight", [d]),
                               TensorField(\.afterNormBias, "encoder.after_norm.bias", [d])]))
        for i in 0..<e.tpBlocks {
            parts.append(.layer(prefix: "encoder.tp_encoders.\(i)", inputSize: d, tp: true))
        }
        parts.append(.tensors([TensorField(\.tpNormWeight, "encoder.tp_norm.weight", [d]),
                               TensorField(\.tpNormBias, "encoder.tp_norm.bias", [d]),
                               TensorField(\.ctcWeight, "ctc.ctc_lo.weight", [config.vocabSize, d]),
                               TensorField(\.ctcBias, "ctc.ctc_lo.bias", [config.vocabSize])]))
        return parts
    }

    /// Every checkpoint tensor of a model with `config`, with its expected shape, in file order.
    public static func tensorSpecs(config: SenseVoiceConfig) -> [TensorSpec] {
        layout(config).flatMap { part -> [TensorSpec] in
            switch part {
            case .tensors(let fields): TensorField.specs(fields, prefix: "")
            case .layer(let prefix, let inputSize, _):
                SANMLayerWeights.specs(prefix: prefix, inputSize: inputSize, config: config.encoder)
            }
        }
    }

    /// Reads the model from a checkpoint, converting its linear layers to `precision` as they are read.
    ///
    /// The checkpoint is checked against ``tensorSpecs(config:)`` before anything is read. With
    /// bf16 / int8, the mapped pages of the float32 weights each converted layer replaced are
    /// released right after it, so the process never holds the float32 model and its conversion
    /// at once.
    /// - Throws: `SenseVoiceError` `.checkpointMismatch` naming every missing, unexpected or
    ///   mis-shaped tensor; `.modelFileCorrupt` for unreadable data; `.invalidOption` when this
    ///   CPU cannot run `precision` or oneDNN cannot take a layer.
    public init(config: SenseVoiceConfig, checkpoint: TorchCheckpoint, precision: Precision = .fp32) throws {
        try checkpoint.check(Self.tensorSpecs(config: config), allowUnexpected: false)
        try self.init(config: config, precision: precision, source: .checkpoint(checkpoint))
    }

    /// Builds the model part by part from `source` (names and shapes as in ``layout(_:)``),
    /// converting each SAN-M layer and the CTC head to `precision` as soon as it is read.
    init(config: SenseVoiceConfig, precision: Precision, source: TensorSource) throws {
        try precision.checkSupported()
        let attention = Self.attentionPrecision(for: precision)
        var own = Tensors()
        var encoders: [SANMLayerWeights] = []
        var tpEncoders: [SANMLayerWeights] = []
        for part in Self.layout(config) {
            switch part {
            case .tensors(let fields):
                try source.read(fields, prefix: "", into: &own)
            case .layer(let prefix, let inputSize, let tp):
                let layer = try SANMLayerWeights(prefix: prefix, inputSize: inputSize, config: config.encoder,
                                                 precision: precision, attention: attention, source: source)
                if tp { tpEncoders.append(layer) } else { encoders.append(layer) }
            }
        }
        self.config = config
        embed = own.embed
        self.encoders = encoders
        afterNormWeight = own.afterNormWeight; afterNormBias = own.afterNormBias
        self.tpEncoders = tpEncoders
        tpNormWeight = own.tpNormWeight; tpNormBias = own.tpNormBias
        ctc = try LinearWeights(weight: own.ctcWeight, bias: own.ctcBias, precision: precision)
        if precision != .fp32 { [own.ctcWeight, own.ctcBias].forEach(source.release) }
        self.precision = precision
        attentionInBF16 = precision != .fp32 && CPUFeatures.current.avx512BF16
    }

    /// The precision of the attention projections (Q/K/V, output) for a model in `precision`:
    /// int8 keeps them in bf16 (float32 on CPUs without AVX512_BF16); see ``converted(to:)``.
    static func attentionPrecision(for precision: Precision) -> Precision {
        precision == .int8 ? (CPUFeatures.current.avx512BF16 ? .bf16 : .fp32) : precision
    }

    /// The model with its weight-linear layers converted to `precision`; this model is unchanged
    /// (the result shares its float32 norms and embeddings, not its linear weights).
    ///
    /// bf16 converts every linear layer (Q/K/V, output, FFN, CTC head) and runs attention's Q·Kᵀ and
    /// P·V in bf16. int8 quantises the FFN and the CTC head (two thirds of the FLOPs and the
    /// largest layer) but keeps the attention projections in bf16 (float32 on CPUs without
    /// AVX512_BF16): Q/K/V errors are amplified by the softmax, and all-int8 misses the 1e-2
    /// relative-RMS target (2.1e-2 on the full-size synthetic model against 0.94e-2 this way;
    /// docs/performance.md).
    ///
    /// Loading straight into a precision (``init(config:checkpoint:precision:)``,
    /// `SyntheticModel.make(config:precision:seed:)`) holds less memory than converting a loaded model.
    /// - Throws: `SenseVoiceError` `.invalidOption` when this CPU cannot run `precision` (bf16
    ///   without AVX512_BF16), this model is already in another reduced precision (it keeps no
    ///   float32 weights), or oneDNN cannot take a layer.
    public func converted(to precision: Precision) throws -> SenseVoiceModel {
        if precision == self.precision { return self }
        try precision.checkSupported()
        var m = self
        let attention = Self.attentionPrecision(for: precision)
        m.encoders = try encoders.map { try $0.converted(to: precision, attention: attention) }
        m.tpEncoders = try tpEncoders.map { try $0.converted(to: precision, attention: attention) }
        m.ctc = try ctc.converted(to: precision)
        m.precision = precision
        m.attentionInBF16 = precision != .fp32 && CPUFeatures.current.avx512BF16
        return m
    }

    /// The CTC head's weight as the checkpoint holds it: name and `[vocab, d]` shape (its values
    /// live in ``ctc``, in the model's precision).
    public var ctcWeight: TensorSpec {
        for case .tensors(let fields) in Self.layout(config) {
            if let f = fields.first(where: { $0.keyPath == \Tensors.ctcWeight }) { return (f.name, f.shape) }
        }
        preconditionFailure("the layout declares ctc.ctc_lo.weight")
    }

    /// Total parameter count.
    public var parameterCount: Int {
        Self.tensorSpecs(config: config).reduce(0) { $0 + $1.shape.reduce(1, *) }
    }
}
