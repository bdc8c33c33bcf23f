import Foundation
import SenseVoiceAudio
import SenseVoiceTestSupport
import Testing

/// The example recordings shipped with SenseVoiceSmall (../shared/fixtures/audio/real, not
/// committed): MP3 at 48 or 32 kHz mono.
@Suite(.enabled(if: Fixtures.shared != nil, "needs ../shared/fixtures"))
struct RealRecordingTests {
    /// Durations reported by ffprobe.
    static let expected: [(String, Int, Double)] = [
        ("real_en.mp3", 48_000, 7.18), ("real_ja.mp3", 48_000, 7.22), ("real_ko.mp3", 32_000, 4.64),
        ("real_yue.mp3", 32_000, 5.18), ("real_zh.mp3", 48_000, 5.62),
    ]

    @Test func realMP3sDecode() throws {
        let dir = Fixtures.shared!.appendingPathComponent("audio/real")
        for (name, rate, seconds) in Self.expected {
            let stream = try AudioStream(path: dir.appendingPathComponent(name).path)
            let samples = try stream.readAll()
            #expect(stream.formatName == "mp3")
            #expect(stream.sourceSampleRate == rate, "\(name)")
            #expect(abs(Double(samples.count) / 16_000 - seconds) < 0.06, "\(name): \(samples.count) samples")
            let rms = (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)).squareRoot()
            #expect(rms > 0.01, "\(name) should contain speech (rms \(rms))")
            #expect(samples.allSatisfy { abs($0) <= 1.5 })
        }
    }

    @Test func realWavMatchesTestReader() throws {
        let url = Fixtures.shared!.appendingPathComponent("audio/real/sample.wav")
        let expected = try TestWAV.readPCM16(url)
        #expect(expected.sampleRate == 16_000)
        #expect(try AudioDecoder().decode(path: url.path).samples == expected.samples)
    }
}
