// One channel decoded on its own (`--channels split`): the Swift WAV reader and FFmpeg agree,
// each channel is the one written, and the mix is unchanged.

import Foundation
import SenseVoiceAudio
import SenseVoiceTensor
import SenseVoiceTestSupport
import Testing

@Suite struct ChannelDecodingTests {
    static func path(_ name: String) -> String { Fixtures.root.appendingPathComponent("audio-formats/\(name)").path }

    @Test("each channel of the stereo call is the clip written to it, sample for sample")
    func wavChannelsAreTheWrittenSamples() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sv-call-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        let turns = try StereoCall.write(to: url)
        let decoder = AudioDecoder()
        for channel in 0..<2 {
            let decoded = try decoder.decode(path: url.path, displayName: "call.wav", channel: channel)
            #expect(decoded.channel == channel)
            #expect(decoded.channelCount == 2)
            #expect(decoded.audio.sampleRate == 16_000)
            #expect(decoded.audio.samples.count == StereoCall.durationMs * 16)
            var expected = [Float](repeating: 0, count: decoded.audio.samples.count)
            for turn in turns where turn.channel == channel {
                let clip = try TestWAV.readPCM16(Fixtures.audio(turn.clip)).samples
                for (i, v) in clip.enumerated() { expected[turn.startMs * 16 + i] = v }
            }
            #expect(decoded.audio.samples == expected, "channel \(channel)")
        }
        // The mix is still the mean of the channels.
        let mix = try decoder.decode(path: url.path)
        let left = try decoder.decode(path: url.path, displayName: "call.wav", channel: 0).audio.samples
        let right = try decoder.decode(path: url.path, displayName: "call.wav", channel: 1).audio.samples
        #expect(mix.samples == zip(left, right).map { ($0 + $1) / 2 })
        // From memory too (a job in a store without files).
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(try decoder.decode(data: bytes, filenameHint: "call.wav", channel: 1).audio.samples == right)
    }

    @Test("FFmpeg's channel equals the WAV reader's after resampling (44.1 kHz stereo FLAC)")
    func ffmpegChannelsEqualWAVChannels() throws {
        let decoder = AudioDecoder()
        var channels: [[Float]] = []
        for channel in 0..<2 {
            let wav = try decoder.decode(path: Self.path("en_44k_stereo_1s.wav"), displayName: "a.wav", channel: channel)
            let flac = try decoder.decode(path: Self.path("en_44k_stereo_1s.flac"), displayName: "a.flac", channel: channel)
            #expect(wav.channelCount == 2 && flac.channelCount == 2)
            #expect(wav.audio.samples.count == 16_000)
            #expect(wav.audio.samples == flac.audio.samples, "channel \(channel)")
            channels.append(flac.audio.samples)
        }
        #expect(channels[0] != channels[1], "the fixture's channels differ")
        // Resampling is linear: the mix equals the mean of the resampled channels up to rounding.
        let mix = try decoder.decode(path: Self.path("en_44k_stereo_1s.flac")).samples
        let worst = zip(mix, zip(channels[0], channels[1])).map { abs($0 - ($1.0 + $1.1) / 2) }.max() ?? 1
        #expect(worst < 1e-5, "worst \(worst)")
        // A lossy stereo file decodes per channel too.
        let mp3 = try decoder.decode(path: Self.path("en_48k_stereo.mp3"), displayName: "b.mp3", channel: 1)
        #expect(mp3.channelCount == 2 && mp3.audio.samples.count > 16_000)
    }

    @Test func aChannelTheFileDoesNotHaveIsAnInvalidOption() throws {
        let decoder = AudioDecoder()
        for (path, name) in [(Fixtures.audio("en.wav").path, "en.wav"), (Self.path("en.flac"), "en.flac")] {
            let mono = try decoder.decode(path: path, displayName: name, channel: 0)
            #expect(mono.channelCount == 1)
            let error = #expect(throws: SenseVoiceError.self) { try decoder.decode(path: path, displayName: name, channel: 1) }
            #expect(error?.code == .invalidOption)
            #expect(error?.message.contains("\(name) has 1 channel; channel 1 (0-based) does not exist") == true, "\(error?.message ?? "")")
        }
    }
}
