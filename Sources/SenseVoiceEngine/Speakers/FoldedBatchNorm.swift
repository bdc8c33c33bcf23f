// Follows torch.nn.BatchNorm1d/2d in eval mode (running statistics, eps 1e-5).

import SenseVoiceTensor

/// An inference-time batch norm folded into one scale and shift per channel:
/// `y = x · γ/√(var + ε) + (β − mean · γ/√(var + ε))`, optionally followed by ReLU.
struct FoldedBatchNorm: Sendable {
    let scale: [Float]
    let shift: [Float]

    /// torch's default epsilon.
    static let epsilon = 1e-5

    /// The checkpoint tensors of a batch norm of `channels` under a prefix (`affine` false: no
    /// weight or bias, as CAM++'s last layer).
    static func specs(_ prefix: String, channels: Int, affine: Bool = true) -> [TensorSpec] {
        var names = ["running_mean", "running_var"]
        if affine { names = ["weight", "bias"] + names }
        return names.map { ("\(prefix).\($0)", [channels]) }
    }

    /// Reads and folds the batch norm under `prefix`.
    init(_ prefix: String, channels: Int, affine: Bool = true, from tensor: (String) throws -> Tensor) throws {
        let mean = try tensor("\(prefix).running_mean").array
        let variance = try tensor("\(prefix).running_var").array
        let gamma = affine ? try tensor("\(prefix).weight").array : [Float](repeating: 1, count: channels)
        let beta = affine ? try tensor("\(prefix).bias").array : [Float](repeating: 0, count: channels)
        var scale = [Float](repeating: 0, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let s = Double(gamma[c]) / (Double(variance[c]) + Self.epsilon).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
        }
        self.scale = scale
        self.shift = shift
    }

    /// Applies the norm (and ReLU when `relu`) to `x[channel, count]`, channel-major, from `src` into `dst`
    /// (which may be the same buffer).
    func apply(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int, relu: Bool) {
        for c in 0..<scale.count {
            let s = scale[c], b = shift[c]
            let x = src + c * count, y = dst + c * count
            if relu {
                for t in 0..<count { y[t] = max(x[t] * s + b, 0) }
            } else {
                for t in 0..<count { y[t] = x[t] * s + b }
            }
        }
    }
}
