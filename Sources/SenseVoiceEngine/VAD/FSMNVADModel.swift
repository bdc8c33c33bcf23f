// Follows funasr/models/fsmn_vad_streaming/encoder.py: FSMN, BasicBlock, FSMNBlock, LinearTransform,
// AffineTransform (spec §6.1, §6.2).

public import SenseVoiceTensor

/// The FSMN-VAD acoustic network: the silence probability of every 10 ms frame.
///
/// `[frames, 400]` features → `in_linear1` → `in_linear2` + ReLU → `fsmn_layers` FSMN blocks
/// (projection without bias, causal depthwise memory, affine + ReLU) → `out_linear1` →
/// `out_linear2` → softmax; the silence probability is the sum over `sil_pdf_ids` (class 0).
///
/// The weights are immutable and shared; the per-recording memory lives in a ``State`` the caller
/// owns, so a recording can be run chunk by chunk with bounded memory and the same result as one
/// pass over the whole file.
public struct FSMNVADModel: Sendable {
    /// One FSMN block's weights.
    struct Block: Sendable {
        /// `linear.linear.weight` `[projDim, linearDim]` (no bias).
        let projection: Tensor
        /// `fsmn_block.conv_left.weight` re-laid tap-major: `[lorder, projDim]`, row k = tap k.
        let taps: Tensor
        /// `affine.linear.weight` `[linearDim, projDim]` and its bias `[linearDim]`.
        let affineWeight: Tensor
        let affineBias: Tensor
    }

    /// The network's dimensions.
    public let config: VADConfig.Encoder
    /// Output classes summed into the silence probability.
    public let silencePdfIds: [Int]

    let inLinear1Weight: Tensor, inLinear1Bias: Tensor
    let inLinear2Weight: Tensor, inLinear2Bias: Tensor
    let blocks: [Block]
    let outLinear1Weight: Tensor, outLinear1Bias: Tensor
    let outLinear2Weight: Tensor, outLinear2Bias: Tensor

    /// The checkpoint tensors this network reads, with their shapes (all float32).
    ///
    /// `conv_left` is stored non-contiguously in the released checkpoint (strides
    /// `(1, 128, 128, 1)`, tap-major); the loader must honour strides.
    public static func tensorShapes(_ c: VADConfig.Encoder) -> [(name: String, shape: [Int])] {
        var list: [(name: String, shape: [Int])] = [
            ("encoder.in_linear1.linear.weight", [c.inputAffineDim, c.inputDim]),
            ("encoder.in_linear1.linear.bias", [c.inputAffineDim]),
            ("encoder.in_linear2.linear.weight", [c.linearDim, c.inputAffineDim]),
            ("encoder.in_linear2.linear.bias", [c.linearDim]),
        ]
        for l in 0..<c.fsmnLayers {
            list.append(("encoder.fsmn.\(l).linear.linear.weight", [c.projDim, c.linearDim]))
            list.append(("encoder.fsmn.\(l).fsmn_block.conv_left.weight", [c.projDim, 1, c.lorder, 1]))
            list.append(("encoder.fsmn.\(l).affine.linear.weight", [c.linearDim, c.projDim]))
            list.append(("encoder.fsmn.\(l).affine.linear.bias", [c.linearDim]))
        }
        list += [
            ("encoder.out_linear1.linear.weight", [c.outputAffineDim, c.linearDim]),
            ("encoder.out_linear1.linear.bias", [c.outputAffineDim]),
            ("encoder.out_linear2.linear.weight", [c.outputDim, c.outputAffineDim]),
            ("encoder.out_linear2.linear.bias", [c.outputDim]),
        ]
        return list
    }

    /// Builds the network from named tensors (as ``tensorShapes(_:)`` lists them).
    ///
    /// - Parameters:
    ///   - config: `encoder_conf` of the VAD's `config.yaml`.
    ///   - silencePdfIds: `model_conf.sil_pdf_ids`.
    ///   - tensors: contiguous row-major tensors by checkpoint name; extra names are ignored.
    /// - Throws: `SenseVoiceError(.checkpointMismatch)` naming every missing or mis-shaped tensor,
    ///   `.configInvalid` for class ids outside the output.
    public init(config: VADConfig.Encoder, silencePdfIds: [Int], tensors: [String: Tensor]) throws {
        var problems: [String] = []
        for (name, shape) in Self.tensorShapes(config) {
            guard let t = tensors[name] else {
                problems.append("missing \(name) \(shape)")
                continue
            }
            if t.shape != shape { problems.append("\(name) has shape \(t.shape), expected \(shape)") }
        }
        if !problems.isEmpty {
            throw SenseVoiceError(.checkpointMismatch,
                                  "FSMN-VAD checkpoint does not fit config.yaml: " + problems.joined(separator: "; "))
        }
        guard !silencePdfIds.isEmpty, silencePdfIds.allSatisfy({ $0 >= 0 && $0 < config.outputDim }) else {
            throw SenseVoiceError(.configInvalid, "sil_pdf_ids \(silencePdfIds) must name classes below \(config.outputDim)")
        }
        guard config.rorder == 0 else {
            throw SenseVoiceError(.configInvalid, "rorder \(config.rorder): only causal FSMN memories are implemented")
        }
        func t(_ name: String) -> Tensor { tensors[name]! }
        self.config = config
        self.silencePdfIds = silencePdfIds
        inLinear1Weight = t("encoder.in_linear1.linear.weight")
        inLinear1Bias = t("encoder.in_linear1.linear.bias")
        inLinear2Weight = t("encoder.in_linear2.linear.weight")
        inLinear2Bias = t("encoder.in_linear2.linear.bias")
        blocks = (0..<config.fsmnLayers).map { l in
            let conv = t("encoder.fsmn.\(l).fsmn_block.conv_left.weight")
            let p = config.projDim, L = config.lorder
            // [projDim, 1, lorder, 1] → [lorder, projDim] so the memory loop runs over channels.
            let taps = Tensor(shape: [L, p]) { out in
                for c in 0..<p { for k in 0..<L { out[k * p + c] = conv.pointer[c * L + k] } }
            }
            return Block(projection: t("encoder.fsmn.\(l).linear.linear.weight"), taps: taps,
                         affineWeight: t("encoder.fsmn.\(l).affine.linear.weight"),
                         affineBias: t("encoder.fsmn.\(l).affine.linear.bias"))
        }
        outLinear1Weight = t("encoder.out_linear1.linear.weight")
        outLinear1Bias = t("encoder.out_linear1.linear.bias")
        outLinear2Weight = t("encoder.out_linear2.linear.weight")
        outLinear2Bias = t("encoder.out_linear2.linear.bias")
    }

    /// Block `layer`'s memory weights, tap-major `[lorder, projDim]` (`conv_left[c, 0, k, 0]` at row k, column c).
    public func memoryTaps(layer: Int) -> Tensor { blocks[layer].taps }

    /// The per-recording memory: the last `(lorder − 1) · lstride` projected frames of every block.
    public struct State: Sendable {
        /// Per block, `[cacheFrames, projDim]` row-major; zeros before the first frame.
        var caches: [[Float]]
        /// Frames run through the network so far.
        public internal(set) var framesProcessed = 0
    }

    /// A fresh state for the start of a recording (zero memory).
    public func makeState() -> State {
        State(caches: Array(repeating: [Float](repeating: 0, count: config.cacheFrames * config.projDim),
                            count: config.fsmnLayers))
    }

    /// Runs the next `frames` frames of a recording.
    ///
    /// - Parameters:
    ///   - features: `[frames, inputDim]` row-major (LFR + CMVN features).
    ///   - state: the recording's memory, updated in place.
    /// - Returns: the silence probability of each frame, `[frames]`.
    /// - Precondition: `features.count` is a multiple of `inputDim`.
    public func silenceProbabilities(features: UnsafeBufferPointer<Float>, state: inout State) -> [Float] {
        let c = config
        precondition(features.count % c.inputDim == 0, "features: \(features.count) is not a multiple of \(c.inputDim)")
        let n = features.count / c.inputDim
        guard n > 0, let x = features.baseAddress else { return [] }
        var a = [Float](repeating: 0, count: n * max(c.inputAffineDim, c.outputAffineDim))
        var h = [Float](repeating: 0, count: n * c.linearDim)
        var z = [Float](repeating: 0, count: n * c.projDim)
        var m = [Float](repeating: 0, count: n * c.projDim)
        var y = [Float](repeating: 0, count: n * c.outputDim)
        a.withUnsafeMutableBufferPointer { a in
            h.withUnsafeMutableBufferPointer { h in
                z.withUnsafeMutableBufferPointer { z in
                    m.withUnsafeMutableBufferPointer { m in
                        y.withUnsafeMutableBufferPointer { y in
                            let a = a.baseAddress!, h = h.baseAddress!, z = z.baseAddress!
                            let m = m.baseAddress!, y = y.baseAddress!
                            BLAS.linear(rows: n, input: x, inFeatures: c.inputDim,
                                        weight: inLinear1Weight, bias: inLinear1Bias, output: a)
                            BLAS.linear(rows: n, input: a, inFeatures: c.inputAffineDim,
                                        weight: inLinear2Weight, bias: inLinear2Bias, output: h)
                            Kernels.reluInPlace(h, count: n * c.linearDim)
                            for (l, block) in blocks.enumerated() {
                                BLAS.linear(rows: n, input: h, inFeatures: c.linearDim,
                                            weight: block.projection, bias: nil, output: z)
                                Self.applyMemory(z, frames: n, channels: c.projDim, taps: block.taps.pointer,
                                                 lorder: c.lorder, lstride: c.lstride,
                                                 cache: &state.caches[l], output: m)
                                BLAS.linear(rows: n, input: m, inFeatures: c.projDim,
                                            weight: block.affineWeight, bias: block.affineBias, output: h)
                                Kernels.reluInPlace(h, count: n * c.linearDim)
                            }
                            BLAS.linear(rows: n, input: h, inFeatures: c.linearDim,
                                        weight: outLinear1Weight, bias: outLinear1Bias, output: a)
                            BLAS.linear(rows: n, input: a, inFeatures: c.outputAffineDim,
                                        weight: outLinear2Weight, bias: outLinear2Bias, output: y)
                            Kernels.softmaxRowsInPlace(y, rows: n, cols: c.outputDim)
                        }
                    }
                }
            }
        }
        state.framesProcessed += n
        let ids = silencePdfIds
        let dim = c.outputDim
        return (0..<n).map { t in
            var p: Float = 0
            for id in ids { p += y[t * dim + id] }
            return p
        }
    }

    /// The causal FSMN memory of one block over `frames` new frames.
    ///
    /// `m[t, c] = z[t, c] + Σ_{k=0..L−1} taps[k, c] · z[t − (L−1−k)·lstride, c]`: tap `L − 1` is the
    /// current frame; frames before this call come from `cache` (`[(L−1)·lstride, channels]`,
    /// oldest first, zeros at the start of a recording), which is updated to the last frames seen.
    ///
    /// - Parameters:
    ///   - z: projected frames `[frames, channels]`.
    ///   - taps: memory weights tap-major `[lorder, channels]` (checkpoint `conv_left[c, 0, k, 0]`
    ///     at `taps[k · channels + c]`).
    ///   - output: `[frames, channels]`; must not alias `z`.
    public static func applyMemory(_ z: UnsafePointer<Float>, frames n: Int, channels p: Int,
                                   taps: UnsafePointer<Float>, lorder: Int, lstride: Int,
                                   cache: inout [Float], output out: UnsafeMutablePointer<Float>) {
        let past = (lorder - 1) * lstride
        precondition(cache.count == past * p, "FSMN cache holds \(cache.count) values, expected \(past * p)")
        guard n > 0 else { return }
        // ext = cache ++ z, so frame t of this call is row past + t, tap k reads row t + k·lstride.
        var ext = [Float](repeating: 0, count: (past + n) * p)
        ext.withUnsafeMutableBufferPointer { e in
            let e = e.baseAddress!
            cache.withUnsafeBufferPointer { if past > 0 { e.update(from: $0.baseAddress!, count: past * p) } }
            (e + past * p).update(from: z, count: n * p)
            for t in 0..<n {
                let o = out + t * p
                o.update(repeating: 0, count: p)
                for k in 0..<lorder {
                    let src = UnsafePointer(e + (t + k * lstride) * p)
                    let w = taps + k * p
                    for ch in 0..<p { o[ch] += w[ch] * src[ch] }
                }
                let cur = z + t * p
                for ch in 0..<p { o[ch] += cur[ch] }
            }
            if past > 0 {
                cache.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: e + n * p, count: past * p) }
            }
        }
    }
}
