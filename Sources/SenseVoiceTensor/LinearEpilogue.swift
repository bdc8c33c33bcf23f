// LinearEpilogue: what a linear layer does to its output block right after the product.

/// What a linear layer does to its output `y` right after the product (and bias), fused into the
/// same pass over each block.
///
/// Not `Sendable`: `.addInto` carries a raw pointer. It lives only for one call, inside the
/// closures ``Parallel`` runs, each on its own rows.
public enum LinearEpilogue {
    /// `y` as computed.
    case none
    /// `y = max(y, 0)`.
    case relu
    /// `residual[r, c] += y[r, c]` (`residual` with the same shape and row stride as `y`); `y` keeps the product.
    case addInto(UnsafeMutablePointer<Float>)

    /// The same epilogue for a block starting at row `rows` of `y` (row stride `ldy`).
    func offset(rows: Int, ldy: Int) -> LinearEpilogue {
        if case .addInto(let p) = self { return .addInto(p + rows * ldy) }
        return self
    }
}
