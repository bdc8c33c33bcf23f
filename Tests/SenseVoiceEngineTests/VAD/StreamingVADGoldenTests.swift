// The online FSMN-VAD against funasr's chunked generate() (Tests/Fixtures/golden/streaming_vad.json).

import Foundation
import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

/// `streaming_vad.json`: per file and chunk size, the events funasr's online mode returned per call.
enum StreamingVADGolden {
    struct Call: Equatable, Decodable, CustomStringConvertible {
        var chunk: Int
        var value: [[Int]]
        var description: String { "chunk \(chunk): \(value)" }
    }

    struct File: Decodable {
        var samples: Int
        var offline: [[Int]]
        var chunked: [String: [Call]]
    }

    struct Document: Decodable {
        var files: [String: File]
    }

    static func calls(_ file: String, chunkMs: Int) throws -> [Call] {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("golden/streaming_vad.json"))
        let document = try JSONDecoder().decode(Document.self, from: data)
        let entry = try #require(document.files[file], "streaming_vad.json has no \(file)")
        return try #require(entry.chunked[String(chunkMs)], "\(file): no chunk size \(chunkMs)")
    }

    /// The events of `samples` fed in FunASR's chunks of `chunkMs`, per call.
    static func run(_ vad: FSMNVAD, samples: [Float], chunkMs: Int) throws -> [Call] {
        try StreamingVAD.run(samples, vad: vad, chunkMs: chunkMs, options: VADOptions(maxSingleSegmentMs: 30000))
            .map { Call(chunk: $0.chunk, value: $0.events.map(\.value)) }
    }
}

/// Irregular chunk bounds over `count` samples: from 1 sample to about `largest`.
func irregularChunks(_ count: Int, largest: Int) -> [Range<Int>] {
    var chunks: [Range<Int>] = []
    var start = 0
    var size = 1
    while start < count {
        let end = min(count, start + size)
        chunks.append(start..<end)
        start = end
        size = size * 7 % largest + 1
    }
    return chunks
}

@Suite
struct StreamingVADGoldenTests {
    static let clips = ["en", "zh", "ja", "ko", "yue", "silence_2s", "long_mixed"]

    @Test(arguments: clips, [200, 600])
    func reproducesFunASROnline(clip: String, chunkMs: Int) throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("\(clip).wav"))
        let expected = try StreamingVADGolden.calls("\(clip).wav", chunkMs: chunkMs)
        let actual = try StreamingVADGolden.run(vad, samples: samples, chunkMs: chunkMs)
        #expect(actual == expected, "\(clip) @ \(chunkMs) ms: got \(actual), expected \(expected)")
    }

    /// The real recording of the goldens (`../shared/fixtures/audio/real/sample.wav`), when present.
    @Test(arguments: [200, 600])
    func realRecording(chunkMs: Int) throws {
        guard let shared = Fixtures.shared else { return }
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(shared.appendingPathComponent("audio/real/sample.wav"))
        let expected = try StreamingVADGolden.calls("sample.wav", chunkMs: chunkMs)
        #expect(try StreamingVADGolden.run(vad, samples: samples, chunkMs: chunkMs) == expected)
    }

    /// Chunks of any size: the same stride events whatever the caller's chunking, only the call
    /// that completes a stride differs.
    @Test func chunkingDoesNotChangeEvents() throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("long_mixed.wav"))
        var reference = try StreamingVAD(vad: vad, chunkMs: 200, options: VADOptions(maxSingleSegmentMs: 30000))
        let expected = reference.feed(samples) + reference.finish()
        var stream = try StreamingVAD(vad: vad, chunkMs: 200, options: VADOptions(maxSingleSegmentMs: 30000))
        var events: [StreamingVADEvent] = []
        for chunk in irregularChunks(samples.count, largest: 9973) { events += stream.feed(Array(samples[chunk])) }
        events += stream.finish()
        #expect(events == expected)
        #expect(expected.count == 12)
    }

    @Test func rejectsBadChunk() throws {
        let vad = try RealVAD.vad()
        #expect(throws: SenseVoiceError.self) { try StreamingVAD(vad: vad, chunkMs: 0, options: VADOptions()) }
        #expect(throws: SenseVoiceError.self) {
            try StreamingVAD(vad: vad, chunkMs: 200, options: VADOptions(maxSingleSegmentMs: 0))
        }
    }

    @Test func eventValues() {
        #expect(StreamingVADEvent.start(ms: 910).value == [910, -1])
        #expect(StreamingVADEvent.end(ms: 19570).value == [-1, 19570])
        #expect(StreamingVADEvent.segment(startMs: 1, endMs: 2).value == [1, 2])
        #expect(StreamingVADEvent(value: [-1, 5]) == .end(ms: 5))
        #expect(StreamingVADEvent(value: [-1, -1]) == nil)
    }
}
