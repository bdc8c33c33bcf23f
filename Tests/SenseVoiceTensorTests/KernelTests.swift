import Testing
import SenseVoiceTensor

@Suite struct KernelTests {
    @Test func gemmNTMatchesNaiveProduct() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]          // [2, 3]
        let w = Tensor(shape: [2, 3], values: [1, 0, -1, 2, 1, 0])   // [out 2, in 3]
        let b = Tensor(shape: [2], values: [0.5, -0.5])
        var y = [Float](repeating: 0, count: 4)
        a.withUnsafeBufferPointer { ap in
            y.withUnsafeMutableBufferPointer { yp in
                BLAS.linear(rows: 2, input: ap.baseAddress!, inFeatures: 3, weight: w, bias: b, output: yp.baseAddress!, threads: 1)
            }
        }
        let expected: [Float] = [-1.5, 3.5, -1.5, 12.5]
        #expect(y == expected)
    }

    @Test func layerNormIsZeroMeanUnitVariance() {
        var x: [Float] = [1, 2, 3, 4]
        let g: [Float] = [1, 1, 1, 1], b: [Float] = [0, 0, 0, 0]
        x.withUnsafeMutableBufferPointer { p in
            Kernels.layerNorm(rows: 1, cols: 4, x: p.baseAddress!, gamma: g, beta: b, eps: 0, y: p.baseAddress!)
        }
        let mean = x.reduce(0, +) / 4
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
        #expect(abs(mean) < 1e-6)
        #expect(abs(variance - 1) < 1e-5)
    }

    @Test func logSoftmaxNormalises() {
        var x: [Float] = [1, 2, 3]
        x.withUnsafeMutableBufferPointer { Kernels.logSoftmaxInPlace($0.baseAddress!, count: 3) }
        let total = x.map { expf($0) }.reduce(0, +)
        #expect(abs(total - 1) < 1e-6)
    }
}

#if canImport(Glibc)
import Glibc
#endif
