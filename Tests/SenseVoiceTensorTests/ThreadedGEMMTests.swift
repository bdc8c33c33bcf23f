import Testing
import SenseVoiceTensor
import SenseVoiceTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The encoder's own threading around single-threaded GEMM calls (issue #6): column-split OpenBLAS,
/// row-split oneDNN, fused epilogues, the spinning hand-off of `Parallel`, and greedy CTC ids
/// taken straight from the logits.
@Suite(.serialized) struct ThreadedGEMMTests {
    static func values(_ n: Int, lo: Float, hi: Float, seed: UInt64) -> [Float] {
        FastKernelTests.values(n, lo: lo, hi: hi, seed: seed)
    }

    /// `x · Wᵀ + b` in double precision.
    static func reference(_ x: [Float], rows: Int, k: Int, _ w: [Float], n: Int, _ b: [Float]) -> [Double] {
        var y = [Double](repeating: 0, count: rows * n)
        for r in 0..<rows {
            for c in 0..<n {
                var s = Double(b[c])
                for i in 0..<k { s += Double(x[r * k + i]) * Double(w[c * k + i]) }
                y[r * n + c] = s
            }
        }
        return y
    }

    @Test(arguments: [1, 2])
    func linearEpiloguesMatchSeparatePasses(threads: Int) throws {
        let (rows, k, n) = (67, 96, 200)   // n not a multiple of 16: a ragged last column block
        let x = Self.values(rows * k, lo: -1, hi: 1, seed: 31)
        let wv = Self.values(n * k, lo: -0.2, hi: 0.2, seed: 32)
        let bv = Self.values(n, lo: -0.5, hi: 0.5, seed: 33)
        let residual0 = Self.values(rows * n, lo: -1, hi: 1, seed: 34)
        let reference = Self.reference(x, rows: rows, k: k, wv, n: n, bv)
        let weight = Tensor(shape: [n, k], values: wv), bias = Tensor(shape: [n], values: bv)
        for backend in ["onednn", "openblas"] {
            let layer = backend == "onednn"
                ? LinearWeights(weight: weight, bias: bias)
                : LinearWeights(weight: weight, bias: bias, fp32Backend: .openblas)
            var plain = [Float](repeating: 0, count: rows * n)
            var relu = plain
            var proj = plain
            var residual = residual0
            try x.withUnsafeBufferPointer { xp in
                try layer.apply(rows: rows, input: xp.baseAddress!, output: &plain, threads: threads)
                try layer.apply(rows: rows, input: xp.baseAddress!, output: &relu, epilogue: .relu, threads: threads)
                try residual.withUnsafeMutableBufferPointer { rp in
                    try layer.apply(rows: rows, input: xp.baseAddress!, output: &proj, epilogue: .addInto(rp.baseAddress!),
                                    threads: threads)
                }
            }
            let diff = MaxDifference(plain, reference.map { Float($0) })
            #expect(diff.value <= 1e-5, "\(backend), \(threads) threads: \(diff)")
            #expect(relu == plain.map { max($0, 0) }, "\(backend): ReLU epilogue")
            #expect(proj == plain, "\(backend): addInto keeps the product in y")
            #expect(residual == zip(residual0, plain).map { $0 + $1 }, "\(backend): residual += y")
        }
    }

    /// Thousands of tiny regions back to back: a lost wake-up would hang here, a torn hand-off
    /// would miscount.
    @Test func parallelHandOffsNeitherLoseNorRepeatWork() {
        var counts = [Int32](repeating: 0, count: 64)
        counts.withUnsafeMutableBufferPointer { c in
            let p = c.baseAddress!
            for round in 0..<20_000 {
                Parallel.rows(64, cols: 1, minWork: 0, threads: 2) { lo, hi in
                    for i in lo..<hi { p[i] += 1 }
                }
                if round % 5_000 == 0 { usleep(2_000) }   // let the helper fall asleep now and then
            }
        }
        #expect(counts.allSatisfy { $0 == 20_000 })
    }

    /// The argmax of each log-softmax row, found without writing the row, equals the argmax of
    /// the written row (first index on ties, banned ids skipped).
    @Test(arguments: [17, 512, 25055])
    func logSoftmaxArgmaxEqualsArgmaxOfLogSoftmax(cols: Int) {
        let rows = 12
        var x = Self.values(rows * cols, lo: -12, hi: 12, seed: UInt64(cols))
        // Ties: row 1's maximum repeated later; row 2 entirely equal; row 3's best is banned.
        let m1 = x[cols..<(2 * cols)].max()!
        x[cols + cols - 1] = m1
        for c in 0..<cols { x[2 * cols + c] = 0.25 }
        let best3 = (0..<cols).max { x[3 * cols + $0] < x[3 * cols + $1] }!
        for banned: Set<Int> in [[], [best3, 1]] {
            var logp = x
            logp.withUnsafeMutableBufferPointer { FastKernels.logSoftmaxRows($0.baseAddress!, rows: rows, cols: cols, threads: 2) }
            for r in 0..<rows {
                var expected = -1
                for c in 0..<cols where !banned.contains(c) && (expected < 0 || logp[r * cols + c] > logp[r * cols + expected]) {
                    expected = c
                }
                let got = x.withUnsafeBufferPointer {
                    FastKernels.logSoftmaxArgmax($0.baseAddress! + r * cols, count: cols, banned: banned)
                }
                #expect(got == expected, "row \(r), \(cols) columns, banned \(banned)")
            }
        }
    }
}
