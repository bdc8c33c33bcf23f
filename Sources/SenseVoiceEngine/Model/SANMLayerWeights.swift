// Follows funasr/models/sense_voice/model.py: EncoderLayerSANM + MultiHeadedAttentionSANM (weights only).

/// The 13 tensors of one SAN-M encoder layer, named as in the checkpoint.
public struct SANMLayerWeights: Sendable {
    /// Width of the layer input (560 for `encoders0`, else d).
    public let inputSize: Int
    public let norm1Weight: Tensor, norm1Bias: Tensor          // [in]
    public let qkvWeight: Tensor, qkvBias: Tensor              // [3d, in], [3d]
    public let outWeight: Tensor, outBias: Tensor              // [d, d], [d]
    /// FSMN depthwise kernel, stored `[d, 1, K]`, read as `[d, K]`.
    public let fsmnWeight: Tensor
    /// The same kernel transposed to `[K, d]` (tap-major) for the memory loop.
    public let fsmnTaps: Tensor
    public let norm2Weight: Tensor, norm2Bias: Tensor          // [d]
    public let w1Weight: Tensor, w1Bias: Tensor                // [units, d], [units]
    public let w2Weight: Tensor, w2Bias: Tensor                // [d, units], [d]
    /// The four weight-linear layers in the precision the encoder computes with (fp32 unless converted).
    public private(set) var qkv: LinearWeights, out: LinearWeights, ffn1: LinearWeights, ffn2: LinearWeights

    /// Checkpoint tensor names and shapes of the layer at `prefix` (e.g. `encoder.encoders.3`).
    public static func specs(prefix: String, inputSize: Int, config: EncoderConfig) -> [(name: String, shape: [Int])] {
        let d = config.outputSize
        let u = config.linearUnits
        return [
            ("\(prefix).self_attn.linear_q_k_v.weight", [3 * d, inputSize]),
            ("\(prefix).self_attn.linear_q_k_v.bias", [3 * d]),
            ("\(prefix).self_attn.linear_out.weight", [d, d]),
            ("\(prefix).self_attn.linear_out.bias", [d]),
            ("\(prefix).self_attn.fsmn_block.weight", [d, 1, config.kernelSize]),
            ("\(prefix).feed_forward.w_1.weight", [u, d]),
            ("\(prefix).feed_forward.w_1.bias", [u]),
            ("\(prefix).feed_forward.w_2.weight", [d, u]),
            ("\(prefix).feed_forward.w_2.bias", [d]),
            ("\(prefix).norm1.weight", [inputSize]),
            ("\(prefix).norm1.bias", [inputSize]),
            ("\(prefix).norm2.weight", [d]),
            ("\(prefix).norm2.bias", [d]),
        ]
    }

    /// Picks the layer's tensors out of a loaded set (names as in `specs`).
    init(prefix: String, inputSize: Int, tensors t: [String: Tensor]) {
        func w(_ s: String) -> Tensor {
            guard let x = t["\(prefix).\(s)"] else { preconditionFailure("missing \(prefix).\(s) after validation") }
            return x
        }
        self.inputSize = inputSize
        norm1Weight = w("norm1.weight"); norm1Bias = w("norm1.bias")
        qkvWeight = w("self_attn.linear_q_k_v.weight"); qkvBias = w("self_attn.linear_q_k_v.bias")
        outWeight = w("self_attn.linear_out.weight"); outBias = w("self_attn.linear_out.bias")
        let f = w("self_attn.fsmn_block.weight")
        let fw = f.reshaped([f.shape[0], f.shape[2]])
        fsmnWeight = fw
        let (d, k) = (fw.shape[0], fw.shape[1])
        fsmnTaps = Tensor(shape: [k, d]) { out in
            for c in 0..<d { for j in 0..<k { out[j * d + c] = fw.pointer[c * k + j] } }
        }
        norm2Weight = w("norm2.weight"); norm2Bias = w("norm2.bias")
        w1Weight = w("feed_forward.w_1.weight"); w1Bias = w("feed_forward.w_1.bias")
        w2Weight = w("feed_forward.w_2.weight"); w2Bias = w("feed_forward.w_2.bias")
        qkv = LinearWeights(weight: qkvWeight, bias: qkvBias)
        out = LinearWeights(weight: outWeight, bias: outBias)
        ffn1 = LinearWeights(weight: w1Weight, bias: w1Bias)
        ffn2 = LinearWeights(weight: w2Weight, bias: w2Bias)
    }

    /// The layer with its linear layers converted to `precision` (norms and FSMN stay float32);
    /// the attention projections (Q/K/V and output) to `attention`, by default the same.
    public func converted(to precision: Precision, attention: Precision? = nil) throws -> SANMLayerWeights {
        var c = self
        c.qkv = try qkv.converted(to: attention ?? precision)
        c.out = try out.converted(to: attention ?? precision)
        c.ffn1 = try ffn1.converted(to: precision)
        c.ffn2 = try ffn2.converted(to: precision)
        return c
    }
}
