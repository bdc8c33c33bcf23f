import Foundation
import SenseVoiceAudio
import SenseVoiceTestSupport
import Testing

/// The same speech (en.wav) in every compressed format, made by scripts/make-audio-fixtures.sh.
@Suite struct FormatDecodingTests {
    static let reference = try! TestWAV.readPCM16(Fixtures.audio("en.wav")).samples
    static func path(_ name: String) -> String {
        Fixtures.root.appendingPathComponent("audio-formats/\(name)").path
    }

    /// One 10 ms feature frame at 16 kHz: the duration tolerance.
    static let frame = 160

    @Test("lossless formats decode to exactly the WAV's samples", arguments: ["en.flac", "en_alac.m4a"])
    func lossless(name: String) throws {
        let decoded = try AudioDecoder().decode(path: Self.path(name))
        #expect(decoded.sampleRate == 16_000)
        #expect(decoded.samples.count == Self.reference.count)
        #expect(decoded.samples == Self.reference)
    }

    @Test func aiffIsLossless() throws {
        let decoded = try AudioDecoder().decode(path: Self.path("en.aiff"))
        #expect(decoded.samples == Array(Self.reference.prefix(24_000)))
    }

    @Test("lossless pairs at 44.1 kHz stereo and 48 kHz 24-bit: FLAC equals WAV after resampling",
          arguments: ["en_44k_stereo_1s", "en_48k_s24_1s"])
    func losslessPairs(name: String) throws {
        let wav = try AudioStream(path: Self.path(name + ".wav"))
        let flac = try AudioStream(path: Self.path(name + ".flac"))
        #expect(wav.formatName == "wav")
        #expect(flac.formatName == "flac")
        #expect(wav.sourceSampleRate == flac.sourceSampleRate)
        let a = try wav.readAll(), b = try flac.readAll()
        #expect(a.count == 16_000)
        #expect(a == b)
        // And it is the speech of en.wav from 1 s on (resampled twice, so only close).
        let (lag, c) = AudioTestMath.bestLag(Array(Self.reference[16_000..<32_000]), a, maxLag: 4)
        #expect(abs(lag) <= 1 && c > 0.99, "lag \(lag) correlation \(c)")
    }

    @Test("lossy formats keep duration (±1 frame) and the speech",
          arguments: ["en.mp3", "en.ogg", "en.opus", "en.m4a", "en.mp4", "en.mov", "en.webm", "en.mkv",
                      "en_48k_stereo.mp3"])
    func lossy(name: String) throws {
        let stream = try AudioStream(path: Self.path(name))
        let samples = try stream.readAll()
        let count = samples.count, expected = Self.reference.count
        // AAC in MP4/M4A/MOV and Vorbis in Matroska keep the encoder's padding of the last
        // codec frame (as `ffmpeg` and torchaudio do): allow up to one frame of near-silence.
        let endPadding = name.hasSuffix(".m4a") || name.hasSuffix(".mp4") || name.hasSuffix(".mov") || name.hasSuffix(".mkv")
        #expect(count >= expected - Self.frame && count <= expected + (endPadding ? 1_024 : Self.frame),
                "\(name) (\(stream.formatName), \(stream.codecName)): \(count) samples vs \(expected)")
        if count > expected + Self.frame {
            #expect(AudioTestMath.power(samples, expected..<count) < 1e-4, "\(name): the padding should be silent")
        }
        // The speech is there and in place (2 s of it, to keep the debug build quick).
        let (lag, c) = AudioTestMath.bestLag(Array(Self.reference[8_000..<40_000]), Array(samples[8_000..<40_000]), maxLag: 80)
        #expect(abs(lag) <= 40 && c > 0.9, "\(name): lag \(lag) correlation \(c)")
    }

    @Test("decoding from memory equals decoding from the path",
          arguments: ["en.flac", "en.mp3", "en.opus", "en.m4a", "en.mp4", "en.webm", "en_mulaw.wav"])
    func memoryEqualsPath(name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path(name))))
        let decoder = AudioDecoder()
        let fromPath = try decoder.decode(path: Self.path(name))
        // The name is only a hint: a misleading one changes nothing.
        let fromData = try decoder.decode(data: bytes, filenameHint: "upload.wav")
        #expect(fromData == fromPath)
        var stream = try decoder.openStream(data: bytes, filenameHint: nil)
        var chunks: [Float] = []
        while let c = try stream.nextChunk(maxSamples: 4_000) { chunks += c }
        #expect(chunks == fromPath.samples)
    }

    @Test func formatAndCodecNames() throws {
        let cases: [(String, String, String)] = [
            ("en.mp3", "mp3", "mp3float"), ("en.flac", "flac", "flac"), ("en.ogg", "ogg", "vorbis"),
            ("en.opus", "ogg", "libopus"), ("en.m4a", "mov,mp4,m4a,3gp,3g2,mj2", "aac"),
            ("en.webm", "matroska,webm", "libopus"),
        ]
        for (file, format, codec) in cases {
            let s = try AudioStream(path: Self.path(file))
            #expect(s.formatName == format, "\(file)")
            #expect(s.codecName == codec || (codec == "libopus" && s.codecName == "opus"), "\(file): \(s.codecName)")
            #expect(s.sampleRate == 16_000)
            if let d = s.durationHint { #expect(abs(d - 6.4) < 0.25, "\(file): \(d)") }
        }
    }
}

/// Formats the fixture script cannot make (Debian's FFmpeg has no AMR encoder) and streams that
/// change their parameters mid-way.
@Suite struct SyntheticFormatTests {
    /// An AMR storage file (RFC 4867 §5): magic, then 20 ms frames of one mode. Any payload bit
    /// pattern is a decodable frame, so random payloads make a valid file of known length.
    static func amr(wideband: Bool, frames: Int) -> [UInt8] {
        var rng = SeededGenerator(seed: wideband ? 2 : 1)
        // NB mode 7 (12.2 kbit/s, 31 bytes); WB mode 8 (23.85 kbit/s, 60 bytes); quality bit set.
        let (mode, payload): (UInt8, Int) = wideband ? (8, 60) : (7, 31)
        var out = Array((wideband ? "#!AMR-WB\n" : "#!AMR\n").utf8)
        for _ in 0..<frames {
            out.append(mode << 3 | 0x04)
            for _ in 0..<payload { out.append(UInt8.random(in: 0...255, using: &rng)) }
        }
        return out
    }

    @Test("AMR-NB and AMR-WB", arguments: [false, true])
    func amr(wideband: Bool) throws {
        let stream = try AudioStream(data: Self.amr(wideband: wideband, frames: 50), filenameHint: "voice.amr")
        let samples = try stream.readAll()
        #expect(stream.formatName == "amr")
        #expect(stream.sourceSampleRate == (wideband ? 16_000 : 8_000))
        #expect(samples.count == 16_000, "50 frames of 20 ms")
        #expect(samples.allSatisfy { $0.isFinite })
    }

    @Test func sampleRateChangeMidStream() throws {
        // Two MP3s glued together (16 kHz mono, then 48 kHz stereo): the resampler is finished
        // and restarted at the new rate, and nothing is lost.
        func bytes(_ name: String) throws -> [UInt8] {
            [UInt8](try Data(contentsOf: Fixtures.root.appendingPathComponent("audio-formats/\(name)")))
        }
        let decoder = AudioDecoder()
        let a = try decoder.decode(data: bytes("en.mp3"), filenameHint: nil)
        let b = try decoder.decode(data: bytes("en_48k_stereo.mp3"), filenameHint: nil)
        let stream = try AudioStream(data: try bytes("en.mp3") + bytes("en_48k_stereo.mp3"))
        let both = try stream.readAll()
        #expect(stream.sourceSampleRate == 48_000)
        #expect(abs(both.count - (a.samples.count + b.samples.count)) <= 2 * 1_152, "\(both.count)")
        // The second file's speech is all there. Its Xing frame and encoder delay, and the first
        // file's end padding, are not trimmed mid-stream (as with `ffmpeg`), so it sits up to
        // ~1400 samples later — never earlier. The search reaches 2000 samples each way, so a
        // lag outside [0, 1400] is found and reported, not clipped to the search limit.
        let tail = Array(b.samples[16_000..<28_000])
        let (lag, c) = AudioTestMath.bestLag(tail, Array(both[(a.samples.count + 16_000)..<(a.samples.count + 28_000)]), maxLag: 2_000)
        #expect((0...1_400).contains(lag) && c > 0.99, "lag \(lag) correlation \(c)")
    }
}
