// Follows funasr/models/sense_voice/model.py: EncoderLayerSANM + MultiHeadedAttentionSANM (weights only).

/// One SAN-M encoder layer: its norms and FSMN taps in float32, its four linear layers in the
/// precision the encoder computes with.
public struct SANMLayerWeights: Sendable {
    /// Width of the layer input (560 for `encoders0`, else d).
    public let inputSize: Int
    public let norm1Weight: Tensor, norm1Bias: Tensor          // [in]
    public let norm2Weight: Tensor, norm2Bias: Tensor          // [d]
    /// The FSMN depthwise kernel (stored `[d, 1, K]`) transposed to `[K, d]` (tap-major) for the memory loop.
    public let fsmnTaps: Tensor
    /// Q/K/V `[3d, in]`, output `[d, d]`, FFN `[units, d]` and `[d, units]`, each with its bias.
    public private(set) var qkv: LinearWeights, out: LinearWeights, ffn1: LinearWeights, ffn2: LinearWeights

    /// The layer's tensors as the checkpoint holds them, before the layer is assembled.
    struct Tensors {
        var qkvWeight = Tensor.placeholder, qkvBias = Tensor.placeholder
        var outWeight = Tensor.placeholder, outBias = Tensor.placeholder
        var fsmnWeight = Tensor.placeholder
        var w1Weight = Tensor.placeholder, w1Bias = Tensor.placeholder
        var w2Weight = Tensor.placeholder, w2Bias = Tensor.placeholder
        var norm1Weight = Tensor.placeholder, norm1Bias = Tensor.placeholder
        var norm2Weight = Tensor.placeholder, norm2Bias = Tensor.placeholder

        /// Every tensor of a layer whose input is `inputSize` wide: field, name under the layer's
        /// prefix (e.g. `encoder.encoders.3`), shape. Checkpoint order.
        static func fields(inputSize: Int, config: EncoderConfig) -> [TensorField<Tensors>] {
            let d = config.outputSize
            let u = config.linearUnits
            return [
                TensorField(\.qkvWeight, "self_attn.linear_q_k_v.weight", [3 * d, inputSize]),
                TensorField(\.qkvBias, "self_attn.linear_q_k_v.bias", [3 * d]),
                TensorField(\.outWeight, "self_attn.linear_out.weight", [d, d]),
                TensorField(\.outBias, "self_attn.linear_out.bias", [d]),
                TensorField(\.fsmnWeight, "self_attn.fsmn_block.weight", [d, 1, config.kernelSize]),
                TensorField(\.w1Weight, "feed_forward.w_1.weight", [u, d]),
                TensorField(\.w1Bias, "feed_forward.w_1.bias", [u]),
                TensorField(\.w2Weight, "feed_forward.w_2.weight", [d, u]),
                TensorField(\.w2Bias, "feed_forward.w_2.bias", [d]),
                TensorField(\.norm1Weight, "norm1.weight", [inputSize]),
                TensorField(\.norm1Bias, "norm1.bias", [inputSize]),
                TensorField(\.norm2Weight, "norm2.weight", [d]),
                TensorField(\.norm2Bias, "norm2.bias", [d]),
            ]
        }
    }

    /// Checkpoint tensor names and shapes of the layer at `prefix` (e.g. `encoder.encoders.3`).
    public static func specs(prefix: String, inputSize: Int, config: EncoderConfig) -> [TensorSpec] {
        TensorField.specs(Tensors.fields(inputSize: inputSize, config: config), prefix: prefix)
    }

    /// Reads the layer at `prefix` from `source` and converts its linear layers: Q/K/V and output to
    /// `attention`, the FFN to `precision`. Every float32 tensor the layer no longer needs (the FSMN
    /// kernel, converted weights) goes back to `source.release` before this returns.
    /// - Throws: what `source` throws; `SenseVoiceError` `.invalidOption` when oneDNN cannot take a layer.
    init(prefix: String, inputSize: Int, config: EncoderConfig, precision: Precision, attention: Precision,
         source: TensorSource) throws {
        var t = Tensors()
        try source.read(Tensors.fields(inputSize: inputSize, config: config), prefix: prefix, into: &t)
        self.inputSize = inputSize
        norm1Weight = t.norm1Weight; norm1Bias = t.norm1Bias
        norm2Weight = t.norm2Weight; norm2Bias = t.norm2Bias
        let (d, k) = (t.fsmnWeight.shape[0], t.fsmnWeight.shape[2])
        let f = t.fsmnWeight.pointer
        fsmnTaps = Tensor(shape: [k, d]) { out in
            for c in 0..<d { for j in 0..<k { out[j * d + c] = f[c * k + j] } }
        }
        qkv = try LinearWeights(weight: t.qkvWeight, bias: t.qkvBias, precision: attention)
        out = try LinearWeights(weight: t.outWeight, bias: t.outBias, precision: attention)
        ffn1 = try LinearWeights(weight: t.w1Weight, bias: t.w1Bias, precision: precision)
        ffn2 = try LinearWeights(weight: t.w2Weight, bias: t.w2Bias, precision: precision)
        var replaced = [t.fsmnWeight]
        if attention != .fp32 { replaced += [t.qkvWeight, t.qkvBias, t.outWeight, t.outBias] }
        if precision != .fp32 { replaced += [t.w1Weight, t.w1Bias, t.w2Weight, t.w2Bias] }
        replaced.forEach(source.release)
    }

    /// The layer with its linear layers converted to `precision` (norms and FSMN stay float32);
    /// the attention projections (Q/K/V and output) to `attention`, by default the same.
    /// - Throws: `SenseVoiceError` `.invalidOption` when a layer is already converted to another
    ///   precision or oneDNN cannot take it.
    public func converted(to precision: Precision, attention: Precision? = nil) throws -> SANMLayerWeights {
        var c = self
        c.qkv = try qkv.converted(to: attention ?? precision)
        c.out = try out.converted(to: attention ?? precision)
        c.ffn1 = try ffn1.converted(to: precision)
        c.ffn2 = try ffn2.converted(to: precision)
        return c
    }
}
