import Testing
import SenseVoiceAudio

@Suite struct AudioBufferTests {
    @Test func durationFollowsRate() {
        let b = AudioBuffer(samples: [Float](repeating: 0, count: 24_000), sampleRate: 16_000)
        #expect(b.duration == 1.5)
        #expect(b.durationMs == 1500)
    }
}
