// Tolerance helpers for golden comparisons: report the worst index, not just "not equal".

/// The largest absolute difference between two equally long arrays and where it is.
public struct MaxDifference: Sendable, CustomStringConvertible {
    public let value: Float
    public let index: Int
    public let actual: Float
    public let expected: Float

    public var description: String {
        "max |diff| \(value) at flat index \(index) (actual \(actual), expected \(expected))"
    }

    /// Compares `actual` with `expected`; NaN anywhere counts as an infinite difference.
    public init(_ actual: [Float], _ expected: [Float]) {
        precondition(actual.count == expected.count, "length \(actual.count) vs \(expected.count)")
        var worst: Float = 0
        var at = 0
        for i in 0..<actual.count {
            let d = abs(actual[i] - expected[i])
            let dd = d.isNaN ? Float.infinity : d
            if dd > worst { worst = dd; at = i }
        }
        value = worst
        index = at
        self.actual = actual.isEmpty ? 0 : actual[at]
        self.expected = expected.isEmpty ? 0 : expected[at]
    }

    /// Row/column of the worst element for a 2-D array with `cols` columns.
    public func position(cols: Int) -> String { "row \(index / max(cols, 1)), col \(index % max(cols, 1))" }
}
