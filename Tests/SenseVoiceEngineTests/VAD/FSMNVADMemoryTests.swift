import Testing
import SenseVoiceEngine

@Suite struct FSMNVADMemoryTests {
    /// m[t, c] = z[t, c] + Σ_k taps[k, c] · z[t − (L−1−k)·s, c], written out for L = 3, s = 2.
    @Test func causalDilatedMemoryByHand() {
        let channels = 2, lorder = 3, lstride = 2
        // z[t, c] = 10·t + c + 1
        let frames = 6
        let z: [Float] = (0..<frames).flatMap { t in (0..<channels).map { c in Float(10 * t + c + 1) } }
        // taps[k, c]: tap 2 is the current frame.
        let taps: [Float] = [0.5, -1.0,   // k = 0 → frame t − 4
                             0.25, 2.0,   // k = 1 → frame t − 2
                             1.0, 0.125]  // k = 2 → frame t
        func zAt(_ t: Int, _ c: Int) -> Float { t < 0 ? 0 : z[t * channels + c] }
        var expected = [Float](repeating: 0, count: frames * channels)
        for t in 0..<frames {
            for c in 0..<channels {
                expected[t * channels + c] = zAt(t, c)
                    + taps[0 * channels + c] * zAt(t - 4, c)
                    + taps[1 * channels + c] * zAt(t - 2, c)
                    + taps[2 * channels + c] * zAt(t, c)
            }
        }
        // One call.
        var cache = [Float](repeating: 0, count: (lorder - 1) * lstride * channels)
        var out = [Float](repeating: .nan, count: frames * channels)
        z.withUnsafeBufferPointer { zp in taps.withUnsafeBufferPointer { tp in out.withUnsafeMutableBufferPointer { op in
            FSMNVADModel.applyMemory(zp.baseAddress!, frames: frames, channels: channels, taps: tp.baseAddress!,
                                     lorder: lorder, lstride: lstride, cache: &cache, output: op.baseAddress!)
        } } }
        #expect(out == expected)
        // Frame 5, channel 1 by hand: 52 + (−1)·12 + 2·32 + 0.125·52 = 110.5
        #expect(out[5 * channels + 1] == 110.5)
        // The cache now holds the last (L−1)·s = 4 frames.
        #expect(cache == Array(z[(2 * channels)...]))

        // Chunked: 1 + 2 + 3 frames with the carried cache give the same result.
        var cache2 = [Float](repeating: 0, count: (lorder - 1) * lstride * channels)
        var chunked: [Float] = []
        var start = 0
        for n in [1, 2, 3] {
            var part = [Float](repeating: .nan, count: n * channels)
            z.withUnsafeBufferPointer { zp in taps.withUnsafeBufferPointer { tp in part.withUnsafeMutableBufferPointer { op in
                FSMNVADModel.applyMemory(zp.baseAddress! + start * channels, frames: n, channels: channels,
                                         taps: tp.baseAddress!, lorder: lorder, lstride: lstride,
                                         cache: &cache2, output: op.baseAddress!)
            } } }
            chunked += part
            start += n
        }
        #expect(chunked == expected)
    }
}
