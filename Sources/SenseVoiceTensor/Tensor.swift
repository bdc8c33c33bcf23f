// Tensor: an immutable, shaped, row-major float32 array (weights, features, golden data).

/// An immutable row-major float32 tensor.
///
/// Weights read from a checkpoint are views into the memory-mapped file when their layout allows
/// it; everything else owns its memory. Copying a `Tensor` shares the storage.
public struct Tensor: Sendable {
    public let shape: [Int]
    public let storage: FloatStorage

    /// Number of elements (product of `shape`).
    public var count: Int { storage.count }
    /// Base pointer; valid as long as this tensor (or any copy) is alive.
    public var pointer: UnsafePointer<Float> { storage.pointer }
    /// Rows of a 2-D view: the first dimension (1 for scalars).
    public var rows: Int { shape.first ?? 1 }
    /// Columns of a 2-D view: the product of all dimensions after the first.
    public var cols: Int { shape.dropFirst().reduce(1, *) }

    public init(shape: [Int], storage: FloatStorage) {
        precondition(shape.reduce(1, *) == storage.count, "shape \(shape) does not match \(storage.count) elements")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor filled by `initialize` (called once with uninitialised memory of `count` floats).
    public init(shape: [Int], initialize: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let n = shape.reduce(1, *)
        self.shape = shape
        self.storage = try FloatStorage(count: n, initialize: initialize)
    }

    /// A tensor holding a copy of `values`.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        self.init(shape: shape) { buf in
            values.withUnsafeBufferPointer { src in
                if let d = buf.baseAddress, let s = src.baseAddress { d.update(from: s, count: src.count) }
            }
        }
    }

    /// A zero-filled tensor.
    public static func zeros(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape) { buf in buf.initialize(repeating: 0) }
    }

    /// Reads the elements through a buffer pointer.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// A copy of the elements as an array (tests and small tensors).
    public var array: [Float] { withUnsafeBufferPointer { Array($0) } }

    /// Element at a 2-D index (tests and debugging; not for hot loops).
    public subscript(row: Int, col: Int) -> Float {
        precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index (\(row), \(col)) out of \(shape)")
        return storage.pointer[row * cols + col]
    }

    /// The same data seen with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }
}
