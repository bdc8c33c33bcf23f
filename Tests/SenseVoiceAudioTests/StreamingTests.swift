import Foundation
import SenseVoiceAudio
import SenseVoiceTestSupport
import Testing

@Suite struct StreamingTests {
    @Test func chunksConcatenateToTheWholeDecode() throws {
        let decoder = AudioDecoder()
        for name in ["en_48k_stereo.mp3", "en_44k_stereo_1s.wav", "en.opus"] {
            let path = Fixtures.root.appendingPathComponent("audio-formats/\(name)").path
            let whole = try decoder.decode(path: path)
            for size in [1, 999, 16_000] {
                var stream = try decoder.openStream(path: path)
                #expect(stream.sampleRate == 16_000)
                var all: [Float] = []
                var sizes: [Int] = []
                while let c = try stream.nextChunk(maxSamples: size) {
                    all += c
                    sizes.append(c.count)
                }
                #expect(all == whole.samples, "\(name) in chunks of \(size)")
                #expect(sizes.dropLast().allSatisfy { $0 == size }, "only the last chunk may be short")
                #expect(try stream.nextChunk(maxSamples: size) == nil)
            }
        }
    }

    /// 30 s of 48 kHz stereo read in 1 s chunks: the stream never holds more than a few blocks.
    @Test func memoryStaysBounded() throws {
        let rate = 48_000, seconds = 30
        var b = WAVBuilder()
        b.channels = 2
        b.sampleRate = rate
        let frames = rate * seconds
        var data = [UInt8]()
        data.reserveCapacity(frames * 4)
        for i in 0..<frames {
            let v = Int16(truncatingIfNeeded: (i * 131) % 20_000 - 10_000)
            let u = UInt16(bitPattern: v)
            data += [UInt8(u & 0xFF), UInt8(u >> 8), UInt8(u & 0xFF), UInt8(u >> 8)]
        }
        let dir = try TemporaryDirectory()
        let path = try dir.write("long.wav", b.build(data: data))
        let stream = try AudioStream(path: path)
        #expect(stream.durationHint == Double(seconds))
        var total = 0
        var peak = 0
        while let c = try stream.nextChunk(maxSamples: 16_000) {
            total += c.count
            peak = max(peak, stream.bufferedSampleCount)
        }
        #expect(total == 16_000 * seconds)
        // One WAV block (32768 frames at 48 kHz), the resampler's state, and output not yet
        // handed out (under one chunk plus one block's output): independent of the length.
        #expect(peak < 32_768 + 16_000 + 32_768 / 3 + 1_000, "peak \(peak)")
    }

    @Test func bufferChunkSourceForFakes() throws {
        var s = BufferChunkSource(AudioBuffer(samples: (0..<10).map(Float.init), sampleRate: 16_000))
        #expect(try s.nextChunk(maxSamples: 4) == [0, 1, 2, 3])
        #expect(try s.nextChunk(maxSamples: 4) == [4, 5, 6, 7])
        #expect(try s.nextChunk(maxSamples: 4) == [8, 9])
        #expect(try s.nextChunk(maxSamples: 4) == nil)
    }
}
