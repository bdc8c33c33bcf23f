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

        /// A block's tensors as the checkpoint holds them.
        struct Tensors {
            var projection = Tensor.placeholder, convLeft = Tensor.placeholder
            var affineWeight = Tensor.placeholder, affineBias = Tensor.placeholder

            /// Field, name under `encoder.fsmn.<l>`, shape. `conv_left` is stored non-contiguously
            /// in the released checkpoint (strides `(1, 128, 128, 1)`, tap-major); the loader
            /// honours strides.
            static func fields(_ c: VADConfig.Encoder) -> [TensorField<Tensors>] {
                [TensorField(\.projection, "linear.linear.weight", [c.projDim, c.linearDim]),
                 TensorField(\.convLeft, "fsmn_block.conv_left.weight", [c.projDim, 1, c.lorder, 1]),
                 TensorField(\.affineWeight, "affine.linear.weight", [c.linearDim, c.projDim]),
                 TensorField(\.affineBias, "affine.linear.bias", [c.linearDim])]
            }
        }
    }

    /// The network's dimensions.
    public let config: VADConfig.Encoder
    /// Output classes summed into the silence probability.
    public let silencePdfIds: [Int]

    /// The input and output layers: `[inputAffineDim, inputDim]`, `[linearDim, inputAffineDim]`,
    /// then `[outputAffineDim, linearDim]`, `[outputDim, outputAffineDim]`, each with its bias.
    let io: Tensors
    let blocks: [Block]

    /// The network's tensors outside its FSMN blocks, as the checkpoint holds them.
    struct Tensors {
        var inLinear1Weight = Tensor.placeholder, inLinear1Bias = Tensor.placeholder
        var inLinear2Weight = Tensor.placeholder, inLinear2Bias = Tensor.placeholder
        var outLinear1Weight = Tensor.placeholder, outLinear1Bias = Tensor.placeholder
        var outLinear2Weight = Tensor.placeholder, outLinear2Bias = Tensor.placeholder

        /// Field, name, shape of the layers before the blocks (`input`) and after them (`output`).
        static func fields(_ c: VADConfig.Encoder) -> (input: [TensorField<Tensors>], output: [TensorField<Tensors>]) {
            ([TensorField(\.inLinear1Weight, "encoder.in_linear1.linear.weight", [c.inputAffineDim, c.inputDim]),
              TensorField(\.inLinear1Bias, "encoder.in_linear1.linear.bias", [c.inputAffineDim]),
              TensorField(\.inLinear2Weight, "encoder.in_linear2.linear.weight", [c.linearDim, c.inputAffineDim]),
              TensorField(\.inLinear2Bias, "encoder.in_linear2.linear.bias", [c.linearDim])],
             [TensorField(\.outLinear1Weight, "encoder.out_linear1.linear.weight", [c.outputAffineDim, c.linearDim]),
              TensorField(\.outLinear1Bias, "encoder.out_linear1.linear.bias", [c.outputAffineDim]),
              TensorField(\.outLinear2Weight, "encoder.out_linear2.linear.weight", [c.outputDim, c.outputAffineDim]),
              TensorField(\.outLinear2Bias, "encoder.out_linear2.linear.bias", [c.outputDim])])
        }
    }

    /// The checkpoint tensors this network reads, with their shapes (all float32), in file order.
    public static func tensorSpecs(_ c: VADConfig.Encoder) -> [TensorSpec] {
        let io = Tensors.fields(c)
        return TensorField.specs(io.input, prefix: "")
            + (0..<c.fsmnLayers).flatMap { TensorField.specs(Block.Tensors.fields(c), prefix: "encoder.fsmn.\($0)") }
            + TensorField.specs(io.output, prefix: "")
    }

    /// Reads the network from a checkpoint.
    ///
    /// - Parameters:
    ///   - config: `encoder_conf` of the VAD's `config.yaml`.
    ///   - silencePdfIds: `model_conf.sil_pdf_ids`.
    ///   - checkpoint: the VAD's `model.pt`.
    /// - Throws: `SenseVoiceError(.checkpointMismatch)` naming every missing, unexpected or
    ///   mis-shaped tensor, `.configInvalid` for class ids outside the output or a look-ahead memory,
    ///   `.modelFileCorrupt` for unreadable data.
    public init(config: VADConfig.Encoder, silencePdfIds: [Int], checkpoint: TorchCheckpoint) throws {
        guard !silencePdfIds.isEmpty, silencePdfIds.allSatisfy({ $0 >= 0 && $0 < config.outputDim }) else {
            throw SenseVoiceError(.configInvalid, "sil_pdf_ids \(silencePdfIds) must name classes below \(config.outputDim)")
        }
        guard config.rorder == 0 else {
            throw SenseVoiceError(.configInvalid, "rorder \(config.rorder): only causal FSMN memories are implemented")
        }
        try checkpoint.check(Self.tensorSpecs(config), allowUnexpected: false)
        let source = TensorSource.checkpoint(checkpoint)
        self.config = config
        self.silencePdfIds = silencePdfIds
        let fields = Tensors.fields(config)
        var io = Tensors()
        try source.read(fields.input, prefix: "", into: &io)
        blocks = try (0..<config.fsmnLayers).map { l in
            var t = Block.Tensors()
            try source.read(Block.Tensors.fields(config), prefix: "encoder.fsmn.\(l)", into: &t)
            let conv = t.convLeft.pointer
            let p = config.projDim, L = config.lorder
            // [projDim, 1, lorder, 1] → [lorder, projDim] so the memory loop runs over channels.
            let taps = Tensor(shape: [L, p]) { out in
                for c in 0..<p { for k in 0..<L { out[k * p + c] = conv[c * L + k] } }
            }
            return Block(projection: t.projection, taps: taps, affineWeight: t.affineWeight, affineBias: t.affineBias)
        }
        try source.read(fields.output, prefix: "", into: &io)
        self.io = io
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
    ///   - threads: how many threads the products may use (the caller's budget; default 1).
    /// - Returns: the silence probability of each frame, `[frames]`.
    /// - Precondition: `features.count` is a multiple of `inputDim`.
    public func silenceProbabilities(features: UnsafeBufferPointer<Float>, state: inout State,
                                     threads: Int = 1) -> [Float] {
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
                            BLAS.linear(rows: n, input: x, inFeatures: c.inputDim, weight: io.inLinear1Weight,
                                        bias: io.inLinear1Bias, output: a, threads: threads)
                            BLAS.linear(rows: n, input: a, inFeatures: c.inputAffineDim, weight: io.inLinear2Weight,
                                        bias: io.inLinear2Bias, output: h, threads: threads)
                            Kernels.reluInPlace(h, count: n * c.linearDim)
                            for (l, block) in blocks.enumerated() {
                                BLAS.linear(rows: n, input: h, inFeatures: c.linearDim,
                                            weight: block.projection, bias: nil, output: z, threads: threads)
                                Self.applyMemory(z, frames: n, channels: c.projDim, taps: block.taps.pointer,
                                                 lorder: c.lorder, lstride: c.lstride,
                                                 cache: &state.caches[l], output: m)
                                BLAS.linear(rows: n, input: m, inFeatures: c.projDim,
                                            weight: block.affineWeight, bias: block.affineBias, output: h,
                                            threads: threads)
                                Kernels.reluInPlace(h, count: n * c.linearDim)
                            }
                            BLAS.linear(rows: n, input: h, inFeatures: c.linearDim, weight: io.outLinear1Weight,
                                        bias: io.outLinear1Bias, output: a, threads: threads)
                            BLAS.linear(rows: n, input: a, inFeatures: c.outputAffineDim, weight: io.outLinear2Weight,
                                        bias: io.outLinear2Bias, output: y, threads: threads)
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
