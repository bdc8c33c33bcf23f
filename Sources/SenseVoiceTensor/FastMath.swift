// FastMath: a vectorised float32 exp (Cephes `expf` polynomial) on SIMD16<Float>.
//
// Cephes expf: x = n·ln2 + r with n = round(x/ln2) and |r| ≤ ln2/2, ln2 split in two constants so
// n·ln2 is exact, exp(r) from a degree-7 polynomial, and 2ⁿ built from the exponent bits. Accuracy
// is within 2 ulp of the true value over the normal range (checked against double `exp` in
// `FastMathTests`). Inputs below −87.33 (where the result would be denormal) give 0, inputs above
// 88.72 give +inf, NaN gives NaN.

import CKernels

/// Vectorised transcendental functions.
public enum FastMath {
    /// `y = exp(x)` with the AVX-512 kernel of `CKernels` (same polynomial, with FMA); false, doing
    /// nothing, where the CPU lacks AVX-512.
    public static func expAVX512(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) -> Bool {
        guard svk_has_avx512() != 0 else { return false }
        svk_exp(x, y, count)
        return true
    }

    @usableFromInline static let log2e: Float = 1.442_695_040_888_963_4
    @usableFromInline static let ln2Hi: Float = 0.693_359_375
    @usableFromInline static let ln2Lo: Float = -2.121_944_400_546_905_8e-4
    @usableFromInline static let minInput: Float = -87.336_544_750_553_1     // ln(2^-126)
    @usableFromInline static let maxInput: Float = 88.722_839_052_068_35

    /// `exp(x)` lane-wise.
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        // Clamp so 2ⁿ stays a normal float; restore the out-of-range lanes at the end.
        // (`replacing(with:where:)` vectorises; `clamped`, `pointwiseMin/Max` compile to scalar loops.)
        let lo = SIMD16<Float>(repeating: minInput), hi = SIMD16<Float>(repeating: maxInput)
        let below = x .< lo, above = x .> hi
        let xc = x.replacing(with: lo, where: below).replacing(with: hi, where: above)
        // n = round(x·log2e) with the 1.5·2²³ trick (round to nearest even, no SSE4.1 needed).
        let magic = SIMD16<Float>(repeating: 12_582_912)
        let shifted = xc * log2e + magic
        let n = shifted - magic
        var r = xc - n * ln2Hi
        r = r - n * ln2Lo
        let r2 = r * r
        var p = SIMD16<Float>(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * r2 + r + 1
        // 2ⁿ: the low mantissa bits of `shifted` hold n + 2²², so (bits − 0x4B400000 + 127) << 23.
        let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self)
        let pow2 = unsafeBitCast((bits &- 0x4B40_0000 &+ 127) &<< 23, to: SIMD16<Float>.self)
        var y = p * pow2
        y.replace(with: 0, where: below)
        y.replace(with: .infinity, where: above)
        y.replace(with: x, where: x .!= x)
        return y
    }

    /// Lane-wise maximum (`a` where `a ≥ b` or `a` is NaN); vectorises, unlike `pointwiseMax`.
    @inlinable @inline(__always)
    public static func max(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: a .< b)
    }

    /// `exp(x)` of one float with the same polynomial as the vector version.
    @inlinable
    public static func exp(_ x: Float) -> Float {
        exp(SIMD16<Float>(repeating: x))[0]
    }
}
