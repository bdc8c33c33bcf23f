// How a layer declares the checkpoint tensors it reads: once, as (field, name, shape).

import SenseVoiceTensor

/// A checkpoint tensor's name and the shape a model expects it to have.
public typealias TensorSpec = (name: String, shape: [Int])

/// One tensor a layer reads from a checkpoint: the field of the layer's raw tensors it fills, its
/// name under the layer's prefix and its expected shape.
///
/// Each layer lists its fields once (`SANMLayerWeights.Tensors.fields`, …). The same list gives the
/// names and shapes the checkpoint is checked against before anything is read (every missing,
/// unexpected or mis-shaped tensor, ``TorchCheckpoint/check(_:allowUnexpected:)``) and tells
/// ``TensorSource/read(_:prefix:into:)`` which field each tensor goes to.
struct TensorField<Parts> {
    let keyPath: WritableKeyPath<Parts, Tensor>
    /// The name under the layer's prefix, e.g. `norm1.weight`.
    let name: String
    let shape: [Int]

    init(_ keyPath: WritableKeyPath<Parts, Tensor>, _ name: String, _ shape: [Int]) {
        self.keyPath = keyPath
        self.name = name
        self.shape = shape
    }

    /// The full checkpoint name under `prefix` (`prefix.name`, or `name` when `prefix` is empty).
    func fullName(prefix: String) -> String {
        prefix.isEmpty ? name : "\(prefix).\(name)"
    }

    /// The checkpoint names and shapes of `fields` under `prefix`, in order.
    static func specs(_ fields: [TensorField], prefix: String) -> [TensorSpec] {
        fields.map { ($0.fullName(prefix: prefix), $0.shape) }
    }
}

extension Tensor {
    /// An empty tensor standing in for a field of a layer's raw tensors until it is read.
    static let placeholder = Tensor.zeros([0])
}
