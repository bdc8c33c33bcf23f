// Random-weight SenseVoiceSmall models of any size, for benchmarks (`sensevoice bench --synthetic`).

/// Builds models with random weights in memory: the real architecture, no checkpoint needed.
public enum SyntheticModel {
    /// The named sizes: `full` is SenseVoiceSmall (512 wide, 50 + 20 layers, vocab 25055);
    /// `small` matches the tiny test fixture (64 wide, 3 + 2 layers).
    public static func config(named name: String) throws -> SenseVoiceConfig {
        switch name {
        case "full":
            return SenseVoiceConfig()
        case "small":
            return SenseVoiceConfig(encoder: EncoderConfig(outputSize: 64, attentionHeads: 4, linearUnits: 192,
                                                           numBlocks: 3, tpBlocks: 2))
        default:
            throw SenseVoiceError(.invalidOption, "unknown synthetic model '\(name)': use small or full")
        }
    }

    /// A named synthetic model ready for ``Transcriber/init(bundle:vad:configuration:)``: random
    /// weights at `precision` (converted layer by layer, see ``make(config:precision:seed:)``), no
    /// CMVN, and a placeholder vocabulary (there is no tokenizer file).
    /// - Throws: `SenseVoiceError(.invalidOption)` for an unknown name or a precision this CPU lacks.
    public static func bundle(named name: String, precision: Precision = .fp32) throws -> SenseVoice {
        let config = try config(named: name)
        return SenseVoice(model: try make(config: config, precision: precision),
                          tokenizer: try SentencePieceModel.placeholder(count: config.vocabSize), cmvn: nil,
                          directory: "synthetic-\(name)")
    }

    /// A float32 model with deterministic pseudo-random weights (uniform ±1/√fan_in, norms ≈ 1,
    /// small biases).
    public static func make(config: SenseVoiceConfig, seed: UInt64 = 0x5EED) -> SenseVoiceModel {
        do {
            return try make(config: config, precision: .fp32, seed: seed)
        } catch {
            // Generated float32 tensors of the declared shapes cannot fail to assemble.
            preconditionFailure("synthetic fp32 model: \(error)")
        }
    }

    /// The same weights as ``make(config:seed:)``, each layer converted to `precision` as soon as it
    /// is generated, so the float32 model is never held whole (the memory of a reduced-precision run).
    /// - Throws: `SenseVoiceError` `.invalidOption` when this CPU cannot run `precision`.
    public static func make(config: SenseVoiceConfig, precision: Precision, seed: UInt64 = 0x5EED) throws -> SenseVoiceModel {
        var rng = SplitMix64(seed: seed)
        // Tensors are generated in the order the model asks for them, which is checkpoint order
        // (`SenseVoiceModel.tensorSpecs`), so the weights do not depend on the precision.
        let source = TensorSource(tensor: { name, shape in
            let isNormWeight = name.hasSuffix("norm1.weight") || name.hasSuffix("norm2.weight") || name.hasSuffix("_norm.weight")
            let isBias = name.hasSuffix(".bias")
            let fanIn = shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1
            let bound: Float = isNormWeight ? 0.1 : (isBias ? 0.02 : 1 / Float(Double(fanIn).squareRoot()))
            let center: Float = isNormWeight ? 1 : 0
            return Tensor(shape: shape) { buf in
                for i in 0..<buf.count { buf[i] = center + bound * rng.nextSignedUnit() }
            }
        }, release: { _ in })
        return try SenseVoiceModel(config: config, precision: precision, source: source)
    }
}

/// SplitMix64: a small, fast, deterministic generator for synthetic weights and test data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    public mutating func nextSignedUnit() -> Float {
        Float(next() >> 40) * (2.0 / Float(1 << 24)) - 1
    }

    /// Uniform in [0, 1), with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// An index in 0..<n (n > 0), by remainder.
    public mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
