// FSMN-VAD end to end against funasr's segments (Tests/Fixtures/golden/*/result.json, spec §6).

import Foundation
import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

/// The real FSMN-VAD model, loaded once (scripts/fetch-test-models.sh fetches it; the tests fail without it).
enum RealVAD {
    private static let loaded: Result<FSMNVAD, any Error>? = Fixtures.vadModel.map { dir in
        Result { try FSMNVAD(modelDirectory: dir.path) }
    }

    /// The loaded model; throws (recording why) when it is missing or does not load.
    static func vad(sourceLocation: SourceLocation = #_sourceLocation) throws -> FSMNVAD {
        _ = try Fixtures.requireVADModel(sourceLocation: sourceLocation)
        return try #require(loaded, sourceLocation: sourceLocation).get()
    }

    static func samples(_ url: URL) throws -> [Float] {
        let wav = try TestWAV.readPCM16(url)
        #expect(wav.sampleRate == 16000)
        return wav.samples
    }

    /// Golden segments of `key` in a clip's result.json.
    static func golden(_ clip: String, _ key: String) throws -> [[Int]] {
        let any = try #require(try Fixtures.result(clip)[key] as? [Any], "\(clip): no \(key)")
        return try any.map { try #require($0 as? [Int], "\(clip): \(key) entry \($0)") }
    }

    /// The same segments, boundary for boundary: funasr's VAD segments are exact reference values
    /// (Tests/Fixtures/golden/README.md), and a boundary one 10 ms frame off is a defect.
    static func expectExact(_ actual: [[Int]], _ expected: [[Int]], _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let firstDifference = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }
        let at = firstDifference.map { "; first difference at segment \($0.offset): \($0.element.0) vs \($0.element.1)" } ?? ""
        #expect(actual == expected, "\(what): got \(actual), expected \(expected)\(at)", sourceLocation: sourceLocation)
    }
}

@Suite
struct FSMNVADGoldenTests {
    @Test func loads() throws {
        let vad = try FSMNVAD(modelDirectory: try Fixtures.requireVADModel().path)
        #expect(vad.config.encoder.fsmnLayers == 4)
        #expect(vad.cmvn.dimension == 400)
    }

    @Test(arguments: Fixtures.clips, VADMode.allCases)
    func reproducesFunASR(clip: String, mode: VADMode) throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("\(clip).wav"))
        let expected = try RealVAD.golden(clip, mode == .dynamic ? "vad_segments_ms" : "vad_segments_ms_classic")
        let actual = try vad.segments(samples, options: VADOptions(mode: mode, maxSingleSegmentMs: 60000))
        RealVAD.expectExact(actual, expected, "\(clip) \(mode)")
    }

    @Test func longMixedPipelineWithMax30s() throws {
        let vad = try RealVAD.vad()
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("golden/long_mixed_pipeline.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["vad_max_single_segment_time_ms"] as? Int == 30000)
        let expected = try #require(json["vad_segments_ms"] as? [[Int]])
        let samples = try RealVAD.samples(Fixtures.audio("long_mixed.wav"))
        let actual = try vad.segments(samples, options: VADOptions(mode: .dynamic, maxSingleSegmentMs: 30000))
        RealVAD.expectExact(actual, expected, "long_mixed pipeline (max 30 s)")
    }

    @Test(.enabled(if: Fixtures.shared != nil, "../shared/fixtures not present"), arguments: [
        (VADMode.dynamic, [[770, 5980]]),
        (VADMode.classic, [[770, 2400], [3380, 5980]]),
    ])
    func realSample(mode: VADMode, expected: [[Int]]) throws {
        let vad = try RealVAD.vad()
        let url = try #require(Fixtures.shared).appendingPathComponent("audio/real/sample.wav")
        let samples = try RealVAD.samples(url)
        #expect(samples.count == 96000)
        RealVAD.expectExact(try vad.segments(samples, options: VADOptions(mode: mode)), expected, "sample.wav \(mode)")
    }

    /// Chunked running (6000-frame chunks with carried memory) equals one pass over the file.
    @Test func chunksMatchOnePass() throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("long_mixed.wav"))
        let chunked = vad.silenceProbabilities(samples)
        let frontend = WavFrontend(config: .fsmnVAD, cmvn: vad.cmvn, shortInputQuirk: false)
        let features = frontend.features(samples)
        #expect(features.rows > FSMNVAD.chunkFrames, "long_mixed must span several chunks")
        var state = vad.model.makeState()
        let onePass = features.withUnsafeBufferPointer { vad.model.silenceProbabilities(features: $0, state: &state) }
        #expect(chunked.count == onePass.count)
        let diff = MaxDifference(chunked, onePass)
        #expect(diff.value <= 1e-5, "\(diff)")
    }

    /// The checkpoint stores `conv_left` tap-major (strides (1, 128, 128, 1)); the memory must use
    /// `c_l[c, k] = storage[k·128 + c]`. Block 0's memory output against a hand computation that
    /// reads the raw storage bytes from the zip.
    @Test func stridedConvLeftMemory() throws {
        let vad = try RealVAD.vad()
        let dir = try Fixtures.requireVADModel()
        let checkpoint = try TorchCheckpoint(path: dir.appendingPathComponent("model.pt").path)
        let name = "encoder.fsmn.0.fsmn_block.conv_left.weight"
        let info = try #require(checkpoint.info(name))
        #expect(info.shape == [128, 1, 20, 1] && info.strides == [1, 128, 128, 1])
        let raw = try RawZipEntry.floats(zip: dir.appendingPathComponent("model.pt"),
                                         entrySuffix: "data/\(info.storageKey)")
        #expect(raw.count == 128 * 20)

        // Random-ish z over 30 frames, all 128 channels.
        let frames = 30, p = 128, lorder = 20
        let z: [Float] = (0..<(frames * p)).map { i in Float((i * 7919) % 1009) / 1009 - 0.5 }
        var expected = [Float](repeating: 0, count: frames * p)
        for t in 0..<frames {
            for c in 0..<p {
                var acc: Float = 0
                for k in 0..<lorder {
                    let src = t - (lorder - 1) + k
                    if src >= 0 { acc += raw[k * p + c] * z[src * p + c] }
                }
                expected[t * p + c] = z[t * p + c] + acc
            }
        }
        let taps = vad.model.memoryTaps(layer: 0)
        #expect(taps.shape == [20, 128])
        var cache = [Float](repeating: 0, count: 19 * p)
        var out = [Float](repeating: .nan, count: frames * p)
        z.withUnsafeBufferPointer { zp in out.withUnsafeMutableBufferPointer { op in
            FSMNVADModel.applyMemory(zp.baseAddress!, frames: frames, channels: p, taps: taps.pointer,
                                     lorder: lorder, lstride: 1, cache: &cache, output: op.baseAddress!)
        } }
        let diff = MaxDifference(out, expected)
        #expect(diff.value <= 1e-5, "\(diff) \(diff.position(cols: p))")
    }
}

/// Reads a stored (uncompressed) zip entry's bytes straight from the central directory, to check
/// tensor layouts independently of the checkpoint loader.
enum RawZipEntry {
    static func floats(zip url: URL, entrySuffix: String) throws -> [Float] {
        let d = [UInt8](try Data(contentsOf: url))
        func u16(_ o: Int) -> Int { Int(d[o]) | Int(d[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        var pos = 0
        while pos + 46 <= d.count {
            if d[pos] == 0x50, d[pos + 1] == 0x4B, d[pos + 2] == 1, d[pos + 3] == 2 {
                let size = u32(pos + 20), nameLen = u16(pos + 28), extraLen = u16(pos + 30)
                let commentLen = u16(pos + 32), local = u32(pos + 42)
                let name = String(decoding: d[(pos + 46)..<(pos + 46 + nameLen)], as: UTF8.self)
                if name.hasSuffix("/" + entrySuffix) {
                    let start = local + 30 + u16(local + 26) + u16(local + 28)
                    return (0..<(size / 4)).map { i in Float(bitPattern: UInt32(u32(start + 4 * i))) }
                }
                pos += 46 + nameLen + extraLen + commentLen
            } else {
                pos += 1
            }
        }
        throw SenseVoiceError(.modelFileCorrupt, "no zip entry ending in \(entrySuffix) in \(url.path)")
    }
}
