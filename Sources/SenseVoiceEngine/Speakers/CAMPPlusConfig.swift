// Follows the CAM++ config.yaml layout (funasr/models/campplus/model.py: CAMPPlus.__init__ arguments).

import Foundation
import SenseVoiceTensor

/// The widths of a CAM++ speaker-embedding model, read from its `config.yaml` `model_conf`.
///
/// The layer counts are fixed by the architecture (an FCM head of 32 channels with two residual
/// stages, dense blocks of 12/24/16 layers with kernel 3 and dilations 1/2/2); every width comes
/// from the file, so a model with other widths loads without code changes.
public struct CAMPPlusConfig: Sendable, Equatable {
    /// Mel bins per frame (`feat_dim`).
    public var featDim: Int
    /// Size of the output embedding (`embedding_size`).
    public var embeddingSize: Int
    /// Channels each dense layer adds (`growth_rate`).
    public var growthRate: Int
    /// Bottleneck width of a dense layer, as a multiple of `growthRate` (`bn_size`).
    public var bnSize: Int
    /// Channels of the first TDNN layer (`init_channels`).
    public var initChannels: Int

    /// Channels of the FCM head (fixed in the architecture).
    public static let headChannels = 32
    /// Layers per dense block, their kernel and dilation (fixed in the architecture).
    public static let blocks: [(layers: Int, kernel: Int, dilation: Int)] = [(12, 3, 1), (24, 3, 2), (16, 3, 2)]

    /// Channels the head hands the TDNN layer: 32 · featDim/8.
    public var headOutputChannels: Int { Self.headChannels * (featDim / 8) }
    /// Bottleneck channels of each dense layer.
    public var bottleneckChannels: Int { bnSize * growthRate }
    /// Channels entering each dense block and each transit layer's output, in order; the last is
    /// the width the statistics pooling sees.
    public var blockInputChannels: [Int] {
        var c = initChannels
        var list: [Int] = []
        for b in Self.blocks {
            list.append(c)
            c = (c + b.layers * growthRate) / 2
        }
        list.append(c)
        return list
    }
}

// In an extension, so that the struct keeps its synthesised memberwise initialiser.
extension CAMPPlusConfig: YAMLConfigFile {
    public static let fileDescription = "speaker model config"

    /// Parses `config.yaml` text; `path` names the file in errors. Missing keys take the defaults of
    /// FunASR's `CAMPPlus` (80, 192, 32, 4, 128).
    public init(yaml text: String, path: String = "config.yaml") throws {
        var reader = try ConfigReader(yaml: text, source: path, model: "CAMPPlus", "expected CAMPPlus (the cam++ speaker model)")
        let mc = reader.section(reader.root, "model_conf")
        let s = "model_conf"
        self.init(featDim: reader.int(mc, "feat_dim", in: s, default: 80, .positive),
                  embeddingSize: reader.int(mc, "embedding_size", in: s, default: 192, .positive),
                  growthRate: reader.int(mc, "growth_rate", in: s, default: 32, .positive),
                  bnSize: reader.int(mc, "bn_size", in: s, default: 4, .positive),
                  initChannels: reader.int(mc, "init_channels", in: s, default: 128, .positive))
        let configStr = reader.string(mc, "config_str", in: s, default: "batchnorm-relu")
        if configStr != "batchnorm-relu" {
            reader.report("model_conf.config_str \(configStr) is not supported (only batchnorm-relu)")
        }
        let level = reader.string(mc, "output_level", in: s, default: "segment")
        if level != "segment" {
            reader.report("model_conf.output_level \(level) is not supported (only segment)")
        }
        if reader.problems.isEmpty, featDim % 8 != 0 {
            reader.report("model_conf.feat_dim \(featDim) must be a multiple of 8 (the head halves it three times)")
        }
        if reader.problems.isEmpty, (bnSize * growthRate) % 2 != 0 {
            reader.report("model_conf.bn_size × growth_rate must be even (the context layer halves it)")
        }
        try reader.finish("CAM++ config")
    }
}
