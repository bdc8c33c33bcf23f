// Follows funasr/models/campplus/model.py (CAMPPlus) and components.py (FCM, TDNNLayer,
// CAMDenseTDNNBlock, TransitLayer, StatsPool, DenseLayer) in eval mode.

import Foundation
import SenseVoiceTensor

/// The CAM++ speaker-embedding network (FunASR's `cam++`, ModelScope
/// `iic/speech_campplus_sv_zh-cn_16k-common`) with its weights, on the tensor runtime's BLAS.
///
/// Input: mean-normalised fbank features `[T, featDim]` of one window (``SpeakerFeatures``).
/// Output: the `embeddingSize` embedding FunASR's clustering receives (not L2-normalised).
///
/// The network: an FCM head (3×3 convolutions over mel bins × frames, two residual stages that
/// halve the mel axis, a last convolution that halves it again), a TDNN layer (kernel 5,
/// stride 2), three densely connected blocks of context-aware-masked TDNN layers each followed by a
/// transit layer that halves the channels, batch norm + ReLU, mean and standard-deviation pooling
/// over time and a dense layer with an affine-free batch norm. Every batch norm is folded into a
/// scale and shift at load time. The weights are immutable; ``embed(_:)`` allocates its own
/// scratch, so one model serves any number of threads.
public struct CAMPPlusModel: Sendable {
    public let config: CAMPPlusConfig

    /// One residual block of the head.
    struct ResidualBlock: Sendable {
        let conv1: Convolution
        let bn1: FoldedBatchNorm
        let conv2: Convolution
        let bn2: FoldedBatchNorm
        let shortcut: (conv: Convolution, bn: FoldedBatchNorm)?
    }

    /// One layer of a dense block.
    struct DenseLayer: Sendable {
        let norm1: FoldedBatchNorm
        let linear1: Convolution
        let norm2: FoldedBatchNorm
        let local: Convolution
        /// The context-aware mask's two layers (`cam_layer.linear1`, `linear2`), each with its bias.
        let context1: (conv: Convolution, bias: [Float])
        let context2: (conv: Convolution, bias: [Float])
        let inChannels: Int
    }

    /// A dense block and the transit layer after it.
    struct Block: Sendable {
        let layers: [DenseLayer]
        let transitNorm: FoldedBatchNorm
        let transit: Convolution
    }

    /// Each convolution with the batch norm after it (as ``ResidualBlock/shortcut``).
    let head1: (conv: Convolution, bn: FoldedBatchNorm)
    let headBlocks: [ResidualBlock]
    let head2: (conv: Convolution, bn: FoldedBatchNorm)
    let tdnn: (conv: Convolution, bn: FoldedBatchNorm)
    let blocks: [Block]
    let outBN: FoldedBatchNorm
    let dense: (conv: Convolution, bn: FoldedBatchNorm)

    /// Frames of the segment pooling inside each context-aware mask (FunASR's `seg_len`).
    static let segmentLength = 100

    /// The name of the weights file when `configuration.json` names none.
    public static let defaultModelFile = "campplus_cn_common.bin"

    /// Loads a CAM++ model folder (`config.yaml`, `configuration.json` naming the weights file,
    /// the `torch.save` state dict).
    /// - Throws: `SenseVoiceError` `.modelNotFound` when the folder or a file is missing,
    ///   `.configInvalid`, `.modelFileCorrupt` or `.checkpointMismatch` when they do not load.
    public init(directory: String) throws {
        let dir = URL(fileURLWithPath: directory)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw SenseVoiceError(.modelNotFound, "speaker model folder \(directory) does not exist; "
                                  + "run `sensevoice models pull cam++` or pass --speaker-model DIR")
        }
        let configPath = dir.appendingPathComponent("config.yaml").path
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw SenseVoiceError(.modelNotFound, "\(directory) has no config.yaml, so it is not a CAM++ model folder")
        }
        let config = try CAMPPlusConfig(path: configPath)
        var modelFile = Self.defaultModelFile
        let metaURL = dir.appendingPathComponent("configuration.json")
        if let data = try? Data(contentsOf: metaURL) {
            guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw SenseVoiceError(.configInvalid, "\(metaURL.path) is not a JSON object")
            }
            if let name = json["model_file"] as? String, !name.isEmpty, !name.contains("/") { modelFile = name }
        }
        let weightsPath = dir.appendingPathComponent(modelFile).path
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw SenseVoiceError(.modelNotFound, "\(directory) has no \(modelFile) (the CAM++ weights)")
        }
        let checkpoint = try TorchCheckpoint(path: weightsPath)
        try self.init(config: config, checkpoint: checkpoint)
    }

    /// Builds the network from a checkpoint whose tensors are checked against `config` first.
    /// - Throws: `.checkpointMismatch` naming every missing, mis-shaped or unexpected tensor.
    public init(config: CAMPPlusConfig, checkpoint: TorchCheckpoint) throws {
        let specs = Self.tensorSpecs(config)
        // BatchNorm's step counters are bookkeeping; accept them where the file has them.
        let counters: [TensorSpec] = checkpoint.names.filter { $0.hasSuffix(".num_batches_tracked") }.map { ($0, []) }
        try checkpoint.check(specs + counters, allowUnexpected: false)
        func t(_ name: String) throws -> Tensor { try checkpoint.tensor(name) }
        func bn(_ p: String, _ c: Int, affine: Bool = true) throws -> FoldedBatchNorm {
            try FoldedBatchNorm(p, channels: c, affine: affine, from: t)
        }
        self.config = config
        let hc = CAMPPlusConfig.headChannels
        head1 = (Convolution(conv2d: try t("head.conv1.weight"), strideH: 1, padding: 1), try bn("head.bn1", hc))
        var head: [ResidualBlock] = []
        for (stage, index, stride) in Self.headBlockLayout {
            let p = "head.layer\(stage).\(index)"
            var shortcut: (Convolution, FoldedBatchNorm)?
            if stride != 1 {
                shortcut = (Convolution(conv2d: try t("\(p).shortcut.0.weight"), strideH: stride, padding: 0),
                            try bn("\(p).shortcut.1", hc))
            }
            head.append(ResidualBlock(conv1: Convolution(conv2d: try t("\(p).conv1.weight"), strideH: stride, padding: 1),
                                      bn1: try bn("\(p).bn1", hc),
                                      conv2: Convolution(conv2d: try t("\(p).conv2.weight"), strideH: 1, padding: 1),
                                      bn2: try bn("\(p).bn2", hc), shortcut: shortcut))
        }
        headBlocks = head
        head2 = (Convolution(conv2d: try t("head.conv2.weight"), strideH: 2, padding: 1), try bn("head.bn2", hc))
        tdnn = (Convolution(conv1d: try t("xvector.tdnn.linear.weight"), stride: 2, padding: 2),
                try bn("xvector.tdnn.nonlinear.batchnorm", config.initChannels))
        let widths = config.blockInputChannels
        let g = config.growthRate, bnC = config.bottleneckChannels
        var blocks: [Block] = []
        for (b, shape) in CAMPPlusConfig.blocks.enumerated() {
            var layers: [DenseLayer] = []
            for i in 0..<shape.layers {
                let p = "xvector.block\(b + 1).tdnnd\(i + 1)"
                let cin = widths[b] + i * g
                layers.append(DenseLayer(
                    norm1: try bn("\(p).nonlinear1.batchnorm", cin),
                    linear1: Convolution(conv1d: try t("\(p).linear1.weight")),
                    norm2: try bn("\(p).nonlinear2.batchnorm", bnC),
                    local: Convolution(conv1d: try t("\(p).cam_layer.linear_local.weight"),
                                       padding: (shape.kernel - 1) / 2 * shape.dilation, dilation: shape.dilation),
                    context1: (Convolution(conv1d: try t("\(p).cam_layer.linear1.weight")),
                               try t("\(p).cam_layer.linear1.bias").array),
                    context2: (Convolution(conv1d: try t("\(p).cam_layer.linear2.weight")),
                               try t("\(p).cam_layer.linear2.bias").array),
                    inChannels: cin))
            }
            let total = widths[b] + shape.layers * g
            blocks.append(Block(layers: layers,
                                transitNorm: try bn("xvector.transit\(b + 1).nonlinear.batchnorm", total),
                                transit: Convolution(conv1d: try t("xvector.transit\(b + 1).linear.weight"))))
        }
        self.blocks = blocks
        outBN = try bn("xvector.out_nonlinear.batchnorm", widths.last!)
        dense = (Convolution(conv1d: try t("xvector.dense.linear.weight")),
                 try bn("xvector.dense.nonlinear.batchnorm", config.embeddingSize, affine: false))
    }

    /// The head's residual blocks: (stage, index in stage, mel-axis stride).
    static let headBlockLayout: [(Int, Int, Int)] = [(1, 0, 2), (1, 1, 1), (2, 0, 2), (2, 1, 1)]

    /// Every float tensor the network reads, with the shape `config` implies.
    public static func tensorSpecs(_ config: CAMPPlusConfig) -> [TensorSpec] {
        let hc = CAMPPlusConfig.headChannels
        var specs: [TensorSpec] = [("head.conv1.weight", [hc, 1, 3, 3])]
        specs += FoldedBatchNorm.specs("head.bn1", channels: hc)
        for (stage, index, stride) in headBlockLayout {
            let p = "head.layer\(stage).\(index)"
            specs.append(("\(p).conv1.weight", [hc, hc, 3, 3]))
            specs += FoldedBatchNorm.specs("\(p).bn1", channels: hc)
            specs.append(("\(p).conv2.weight", [hc, hc, 3, 3]))
            specs += FoldedBatchNorm.specs("\(p).bn2", channels: hc)
            if stride != 1 {
                specs.append(("\(p).shortcut.0.weight", [hc, hc, 1, 1]))
                specs += FoldedBatchNorm.specs("\(p).shortcut.1", channels: hc)
            }
        }
        specs.append(("head.conv2.weight", [hc, hc, 3, 3]))
        specs += FoldedBatchNorm.specs("head.bn2", channels: hc)
        specs.append(("xvector.tdnn.linear.weight", [config.initChannels, config.headOutputChannels, 5]))
        specs += FoldedBatchNorm.specs("xvector.tdnn.nonlinear.batchnorm", channels: config.initChannels)
        let widths = config.blockInputChannels
        let g = config.growthRate, bnC = config.bottleneckChannels
        for (b, shape) in CAMPPlusConfig.blocks.enumerated() {
            for i in 0..<shape.layers {
                let p = "xvector.block\(b + 1).tdnnd\(i + 1)"
                let cin = widths[b] + i * g
                specs += FoldedBatchNorm.specs("\(p).nonlinear1.batchnorm", channels: cin)
                specs.append(("\(p).linear1.weight", [bnC, cin, 1]))
                specs += FoldedBatchNorm.specs("\(p).nonlinear2.batchnorm", channels: bnC)
                specs.append(("\(p).cam_layer.linear_local.weight", [g, bnC, shape.kernel]))
                specs.append(("\(p).cam_layer.linear1.weight", [bnC / 2, bnC, 1]))
                specs.append(("\(p).cam_layer.linear1.bias", [bnC / 2]))
                specs.append(("\(p).cam_layer.linear2.weight", [g, bnC / 2, 1]))
                specs.append(("\(p).cam_layer.linear2.bias", [g]))
            }
            let total = widths[b] + shape.layers * g
            specs += FoldedBatchNorm.specs("xvector.transit\(b + 1).nonlinear.batchnorm", channels: total)
            specs.append(("xvector.transit\(b + 1).linear.weight", [total / 2, total, 1]))
        }
        specs += FoldedBatchNorm.specs("xvector.out_nonlinear.batchnorm", channels: widths.last!)
        specs.append(("xvector.dense.linear.weight", [config.embeddingSize, 2 * widths.last!, 1]))
        specs += FoldedBatchNorm.specs("xvector.dense.nonlinear.batchnorm", channels: config.embeddingSize, affine: false)
        return specs
    }

    /// The embedding of one window's features `[T, featDim]` (T ≥ 1).
    public func embed(_ features: Tensor) -> [Float] {
        precondition(features.shape.count == 2 && features.shape[1] == config.featDim,
                     "CAM++ expects [T, \(config.featDim)] features, found \(features.shape)")
        let frames = features.shape[0]
        precondition(frames > 0, "CAM++ needs at least one frame")
        let hc = CAMPPlusConfig.headChannels
        var height = config.featDim
        // x[1, F, T]: the features transposed (mel bins × frames).
        var x = [Float](repeating: 0, count: height * frames)
        features.withUnsafeBufferPointer { f in
            for t in 0..<frames { for m in 0..<height { x[m * frames + t] = f[t * height + m] } }
        }
        (x, height) = Self.convolved(x, height: height, frames: frames, head1, channels: hc)
        for block in headBlocks {
            let hOut = block.conv1.outputHeight(height)
            let n = hOut * frames
            var a = [Float](repeating: 0, count: hc * n)
            var b = [Float](repeating: 0, count: hc * n)
            x.withUnsafeBufferPointer { xb in
                a.withUnsafeMutableBufferPointer { ab in
                    b.withUnsafeMutableBufferPointer { bb in
                        let ap = ab.baseAddress!, bp = bb.baseAddress!
                        block.conv1.run2D(xb.baseAddress!, height: height, width: frames, into: ap)
                        block.bn1.apply(ap, into: ap, count: n, relu: true)
                        block.conv2.run2D(ap, height: hOut, width: frames, into: bp)
                        block.bn2.apply(bp, into: bp, count: n, relu: false)
                        if let shortcut = block.shortcut {
                            shortcut.conv.run2D(xb.baseAddress!, height: height, width: frames, into: ap)
                            shortcut.bn.apply(ap, into: ap, count: n, relu: false)
                            for i in 0..<(hc * n) { bp[i] = max(bp[i] + ap[i], 0) }
                        } else {
                            for i in 0..<(hc * n) { bp[i] = max(bp[i] + xb[i], 0) }
                        }
                    }
                }
            }
            x = b
            height = hOut
        }
        (x, height) = Self.convolved(x, height: height, frames: frames, head2, channels: hc)
        // [hc, F/8, T] is already the [hc·F/8, T] the TDNN layer reads.
        precondition(hc * height == config.headOutputChannels)
        let length = tdnn.conv.outputLength(frames)
        var channels = config.initChannels
        var h = [Float](repeating: 0, count: channels * length)
        x.withUnsafeBufferPointer { xb in
            h.withUnsafeMutableBufferPointer { hb in
                tdnn.conv.run1D(xb.baseAddress!, length: frames, into: hb.baseAddress!)
                tdnn.bn.apply(hb.baseAddress!, into: hb.baseAddress!, count: length, relu: true)
            }
        }
        for block in blocks {
            let total = channels + block.layers.count * config.growthRate
            var buffer = [Float](repeating: 0, count: total * length)
            buffer.withUnsafeMutableBufferPointer { bb in
                h.withUnsafeBufferPointer { hb in _ = bb.initialize(fromContentsOf: hb) }
                for layer in block.layers {
                    run(layer, on: bb.baseAddress!, length: length)
                }
            }
            let out = total / 2
            var next = [Float](repeating: 0, count: out * length)
            buffer.withUnsafeMutableBufferPointer { bb in
                next.withUnsafeMutableBufferPointer { nb in
                    block.transitNorm.apply(bb.baseAddress!, into: bb.baseAddress!, count: length, relu: true)
                    block.transit.run1D(bb.baseAddress!, length: length, into: nb.baseAddress!)
                }
            }
            h = next
            channels = out
        }
        // Batch norm + ReLU, then mean and unbiased standard deviation over time.
        var stats = [Float](repeating: 0, count: 2 * channels)
        h.withUnsafeMutableBufferPointer { hb in
            let p = hb.baseAddress!
            outBN.apply(p, into: p, count: length, relu: true)
            for c in 0..<channels {
                let row = p + c * length
                var sum = 0.0
                for t in 0..<length { sum += Double(row[t]) }
                let mean = sum / Double(length)
                var sq = 0.0
                for t in 0..<length { let d = Double(row[t]) - mean; sq += d * d }
                stats[c] = Float(mean)
                stats[channels + c] = Float((sq / Double(max(length - 1, 1))).squareRoot())
            }
        }
        var embedding = [Float](repeating: 0, count: config.embeddingSize)
        stats.withUnsafeBufferPointer { sb in
            embedding.withUnsafeMutableBufferPointer { eb in
                dense.conv.run1D(sb.baseAddress!, length: 1, into: eb.baseAddress!)
                dense.bn.apply(eb.baseAddress!, into: eb.baseAddress!, count: 1, relu: false)
            }
        }
        return embedding
    }

    /// One dense layer: reads the first `layer.inChannels` rows of `x[·, length]` and writes its
    /// `growthRate` new rows right after them (the concatenation of the dense block).
    private func run(_ layer: DenseLayer, on x: UnsafeMutablePointer<Float>, length: Int) {
        let cin = layer.inChannels
        let bnC = config.bottleneckChannels
        let g = config.growthRate
        var normed = [Float](repeating: 0, count: cin * length)
        var bottleneck = [Float](repeating: 0, count: bnC * length)
        normed.withUnsafeMutableBufferPointer { nb in
            bottleneck.withUnsafeMutableBufferPointer { bb in
                let n = nb.baseAddress!, b = bb.baseAddress!
                layer.norm1.apply(x, into: n, count: length, relu: true)
                layer.linear1.run1D(n, length: length, into: b)
                layer.norm2.apply(b, into: b, count: length, relu: true)
                let y = x + cin * length
                layer.local.run1D(b, length: length, into: y)
                // Context: the mean over the whole window plus the mean of each 100-frame segment.
                let seg = Self.segmentLength
                let segments = (length + seg - 1) / seg
                var context = [Float](repeating: 0, count: bnC * segments)
                for c in 0..<bnC {
                    let row = b + c * length
                    var total = 0.0
                    for t in 0..<length { total += Double(row[t]) }
                    let mean = total / Double(length)
                    for s in 0..<segments {
                        let lo = s * seg, hi = min(lo + seg, length)
                        var part = 0.0
                        for t in lo..<hi { part += Double(row[t]) }
                        context[c * segments + s] = Float(mean + part / Double(hi - lo))
                    }
                }
                var hidden = [Float](repeating: 0, count: (bnC / 2) * segments)
                var mask = [Float](repeating: 0, count: g * segments)
                context.withUnsafeBufferPointer { cb in
                    hidden.withUnsafeMutableBufferPointer { hb in
                        layer.context1.conv.run1D(cb.baseAddress!, length: segments, into: hb.baseAddress!)
                        for o in 0..<(bnC / 2) {
                            for s in 0..<segments {
                                hb[o * segments + s] = max(hb[o * segments + s] + layer.context1.bias[o], 0)
                            }
                        }
                        mask.withUnsafeMutableBufferPointer { mb in
                            layer.context2.conv.run1D(hb.baseAddress!, length: segments, into: mb.baseAddress!)
                            for o in 0..<g {
                                for s in 0..<segments {
                                    let v = mb[o * segments + s] + layer.context2.bias[o]
                                    mb[o * segments + s] = 1 / (1 + Foundation.exp(-v))
                                }
                            }
                        }
                    }
                }
                for o in 0..<g {
                    let row = y + o * length
                    for t in 0..<length { row[t] *= mask[o * segments + t / seg] }
                }
            }
        }
    }

    /// One 2-D convolution of the head, its batch norm and ReLU: `channels` × (new height) × `frames`.
    private static func convolved(_ x: [Float], height: Int, frames: Int, _ layer: (conv: Convolution, bn: FoldedBatchNorm),
                                  channels: Int) -> ([Float], Int) {
        let (conv, bn) = layer
        let hOut = conv.outputHeight(height)
        var y = [Float](repeating: 0, count: channels * hOut * frames)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                conv.run2D(xb.baseAddress!, height: height, width: frames, into: yb.baseAddress!)
                bn.apply(yb.baseAddress!, into: yb.baseAddress!, count: hOut * frames, relu: true)
            }
        }
        return (y, hOut)
    }
}
