import Foundation
import SenseVoiceAudio
import Testing

/// The WAV writer's files read back through the project's own WAV decoder.
@Suite struct WAVWriterTests {
    static let tone: [Float] = (0..<1_600).map { Float(sin(Double($0) * 0.05) * 0.8) }

    @Test func float32MonoReadsBackExactly() throws {
        let bytes = WAVWriter.bytes(interleaved: Self.tone, sampleRate: 16_000, format: .float32)
        #expect(bytes.count == 44 + 4 * Self.tone.count)
        let decoded = try AudioDecoder().decode(data: bytes, filenameHint: nil)
        #expect(decoded.sampleRate == 16_000)
        #expect(decoded.samples == Self.tone)
    }

    @Test func pcm16StereoKeepsEachChannel() throws {
        let left = Self.tone, right = Self.tone.map { -$0 / 2 }
        let bytes = WAVWriter.bytes(interleaved: zip(left, right).flatMap { [$0, $1] }, channels: 2, sampleRate: 16_000, format: .pcm16)
        #expect(bytes.count == 44 + 2 * 2 * left.count)
        for (channel, expected) in [(0, left), (1, right)] {
            var options = AudioDecodingOptions()
            options.channel = channel
            let decoded = try AudioDecoder(options: options).decode(data: bytes, filenameHint: nil)
            // 16-bit quantisation: within half a step of the written value.
            let worst = zip(decoded.samples, expected).map { abs($0 - $1) }.max() ?? 1
            #expect(decoded.samples.count == expected.count)
            #expect(worst <= 0.5 / 32768 + 1e-7, "channel \(channel): \(worst)")
        }
    }
}
