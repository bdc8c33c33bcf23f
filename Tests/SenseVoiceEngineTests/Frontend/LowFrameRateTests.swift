// Unit tests of LFR stacking (spec §2.2) against a hand-made matrix and FunASR's loop.

import SenseVoiceEngine
import Testing

@Suite struct FrontendLowFrameRateTests {
    /// A `[rows, cols]` tensor whose element (r, c) is `r + c / 10`.
    static func ramp(rows: Int, cols: Int) -> Tensor {
        Tensor(shape: [rows, cols], values: (0..<rows * cols).map { Float($0 / cols) + Float($0 % cols) / 10 })
    }

    /// FunASR's `apply_lfr`, transcribed as a loop over padded rows (test oracle).
    static func funasrLoop(_ x: [[Float]], m: Int, n: Int) -> [[Float]] {
        let t = x.count
        let pad = (m - 1) / 2
        let padded = Array(repeating: x[0], count: pad) + x
        let tp = t + pad
        return (0..<((t + n - 1) / n)).map { i in
            if m <= tp - i * n { return padded[(i * n)..<(i * n + m)].flatMap { $0 } }
            var row = padded[(i * n)...].flatMap { $0 }
            for _ in 0..<(m - (tp - i * n)) { row += padded[tp - 1] }
            return row
        }
    }

    @Test func handMadeMatrix() {
        // 8 frames of 2 values: frame r = [r, r + 0.1].
        let out = LowFrameRate(m: 7, n: 6).apply(Self.ramp(rows: 8, cols: 2))
        #expect(out.shape == [2, 14])
        let frames: [[Int]] = [[0, 0, 0, 0, 1, 2, 3], [3, 4, 5, 6, 7, 7, 7]]
        let expected = frames.flatMap { $0.flatMap { [Float($0), Float($0) + 0.1] } }
        #expect(out.array == expected)
    }

    @Test func singleFrame() {
        let out = LowFrameRate(m: 7, n: 6).apply(Self.ramp(rows: 1, cols: 3))
        #expect(out.shape == [1, 21])
        #expect(out.array == Array([[Float]](repeating: [0, 0.1, 0.2], count: 7).joined()))
    }

    @Test func emptyInput() {
        let out = LowFrameRate(m: 7, n: 6).apply(Tensor(shape: [0, 80], values: []))
        #expect(out.shape == [0, 560])
        let vad = LowFrameRate(m: 5, n: 1).apply(Tensor(shape: [0, 80], values: []))
        #expect(vad.shape == [0, 400])
    }

    @Test func identityWhenOneByOne() {
        let x = Self.ramp(rows: 5, cols: 4)
        #expect(LowFrameRate(m: 1, n: 1).apply(x).array == x.array)
    }

    @Test(arguments: [(7, 6), (5, 1), (3, 2), (4, 3), (1, 2), (6, 6)])
    func matchesFunASRLoop(m: Int, n: Int) {
        let lfr = LowFrameRate(m: m, n: n)
        for t in 1...40 {
            let x = Self.ramp(rows: t, cols: 2)
            let rows = (0..<t).map { Array(x.array[2 * $0 ..< 2 * $0 + 2]) }
            let expected = Self.funasrLoop(rows, m: m, n: n)
            let out = lfr.apply(x)
            #expect(out.shape == [expected.count, 2 * m], "T = \(t)")
            #expect(out.array == expected.flatMap { $0 }, "m \(m), n \(n), T \(t)")
        }
    }

    @Test func counts() {
        let lfr = LowFrameRate(m: 7, n: 6)
        #expect(lfr.leftPadding == 3)
        #expect(LowFrameRate(m: 5, n: 1).leftPadding == 2)
        #expect([0, 1, 6, 7, 98, 998, 2998].map(lfr.outputFrameCount) == [0, 1, 1, 2, 17, 167, 500])
    }
}
