// Where the tensors of a model being built come from, and what becomes of those conversion replaced.

import SenseVoiceTensor

/// Hands a model's layers their tensors while the model is built, one layer at a time.
///
/// Layers read their fields (``read(_:prefix:into:)``), convert what the precision asks for and
/// give back the float32 tensors conversion replaced (``release``), so that a reduced-precision
/// model never holds the whole float32 model: from a checkpoint, the mapped pages of those tensors
/// leave the resident set; generated tensors are simply dropped.
struct TensorSource {
    /// The tensor `name`, which has `shape` (checked before the model is built).
    let tensor: (_ name: String, _ shape: [Int]) throws -> Tensor
    /// Called with each tensor the model no longer needs once its layer is built.
    let release: (Tensor) -> Void

    /// Fills `fields` of `parts` with the tensors under `prefix`.
    func read<Parts>(_ fields: [TensorField<Parts>], prefix: String, into parts: inout Parts) throws {
        for field in fields {
            parts[keyPath: field.keyPath] = try tensor(field.fullName(prefix: prefix), field.shape)
        }
    }

    /// The tensors of a checkpoint whose names and shapes have been checked: zero-copy views of
    /// its memory map where possible; released tensors give their mapped pages back to the kernel.
    static func checkpoint(_ checkpoint: TorchCheckpoint) -> TensorSource {
        TensorSource(tensor: { name, _ in try checkpoint.tensor(name) },
                     release: { $0.storage.releaseMappedPages() })
    }
}
