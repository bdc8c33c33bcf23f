// A stereo "call" for `--channels split` tests, built from the repo's speech clips: one voice per
// channel, with overlapping turns.

public import Foundation
import SenseVoiceAudio

/// Builds a 22 s, 16 kHz, 16-bit stereo WAV: the English clip on the left channel at 0.5 s and
/// again at 15 s (the agent), the Mandarin clip on the right at 5 s (the customer), so each
/// right-channel turn overlaps a left-channel one by about 1.9 s. The samples of each clip are
/// copied unchanged, so a channel decoded alone equals the clip at its offset.
public enum StereoCall {
    /// One clip placed on one channel.
    public struct Turn: Sendable {
        public let channel: Int
        public let clip: String
        /// Where the clip starts and ends in the call, in ms.
        public let startMs: Int
        public let endMs: Int
    }

    public static let sampleRate = 16_000
    public static let durationMs = 22_000
    /// (channel, clip, start in ms).
    static let placements: [(Int, String, Int)] = [(0, "en.wav", 500), (1, "zh.wav", 5_000), (0, "en.wav", 15_000)]

    /// Writes the call to `url` and returns its turns in time order.
    @discardableResult
    public static func write(to url: URL) throws -> [Turn] {
        let frames = durationMs * sampleRate / 1000
        var channels = [[Float]](repeating: [Float](repeating: 0, count: frames), count: 2)
        var turns: [Turn] = []
        for (channel, clip, startMs) in placements {
            let (samples, rate) = try TestWAV.readPCM16(Fixtures.audio(clip))
            precondition(rate == sampleRate, "\(clip) is not at 16 kHz")
            let first = startMs * sampleRate / 1000
            precondition(first + samples.count <= frames, "\(clip) does not fit")
            for (i, v) in samples.enumerated() { channels[channel][first + i] = v }
            turns.append(Turn(channel: channel, clip: clip, startMs: startMs, endMs: startMs + samples.count * 1000 / sampleRate))
        }
        try stereoPCM16(left: channels[0], right: channels[1], sampleRate: sampleRate).write(to: url)
        return turns
    }

    /// A canonical 16-bit stereo PCM WAV of two equally long channels in [-1, 1).
    public static func stereoPCM16(left: [Float], right: [Float], sampleRate: Int) -> Data {
        precondition(left.count == right.count, "channels of different lengths")
        let interleaved = zip(left, right).flatMap { [$0, $1] }
        return Data(WAVWriter.bytes(interleaved: interleaved, channels: 2, sampleRate: sampleRate, format: .pcm16))
    }
}
