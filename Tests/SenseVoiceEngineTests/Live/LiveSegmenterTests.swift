// LiveSegmenter: streaming VAD segments with their samples, partials due, resampling, bad input.

import Foundation
import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

/// Runs a segmenter over `samples` fed in `chunk`-sample pieces and collects every output.
func runSegmenter(_ segmenter: inout LiveSegmenter, _ samples: [Float], chunk: Int) throws -> [LiveSegmenterOutput] {
    var outputs: [LiveSegmenterOutput] = []
    var start = 0
    while start < samples.count {
        let end = min(samples.count, start + chunk)
        outputs += try segmenter.feed(Array(samples[start..<end]))
        start = end
    }
    return outputs + segmenter.finish()
}

/// The closed segments of a run.
func closedSegments(_ outputs: [LiveSegmenterOutput]) -> [LiveAudio] {
    outputs.compactMap { if case .segmentClosed(let a) = $0 { a } else { nil } }
}

@Suite
struct LiveSegmenterTests {
    /// The online VAD's segments of long_mixed.wav at 200 ms (streaming_vad.json), the 30 s
    /// maximum splitting [49120, 79130] from [79130, 98110].
    static let longMixedSegments = [[910, 19570], [21910, 22520], [26250, 46680], [49120, 79130],
                                    [79130, 98110], [99200, 104780]]

    @Test func segmentsCarryTheirSamples() throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("long_mixed.wav"))
        var segmenter = try LiveSegmenter(vad: vad, inputSampleRate: 16000, options: LiveOptions(partialIntervalMs: 0))
        let outputs = try runSegmenter(&segmenter, samples, chunk: 3200)
        let closed = closedSegments(outputs)
        #expect(closed.map { [$0.startMs, $0.endMs] } == Self.longMixedSegments)
        for segment in closed {
            let expected = Array(samples[(segment.startMs * 16)..<min(segment.endMs * 16, samples.count)])
            #expect(segment.samples == expected, "samples of [\(segment.startMs), \(segment.endMs)]")
            #expect(segment.streamMs >= segment.endMs)
        }
        #expect(!outputs.contains { if case .partialDue = $0 { true } else { false } })
        #expect(outputs.last == .done(durationMs: samples.count / 16))
        let starts = outputs.compactMap { if case .speechStarted(let ms) = $0 { ms } else { nil } }
        #expect(starts == Self.longMixedSegments.map { $0[0] })
    }

    @Test func partialsFallDueEveryInterval() throws {
        let vad = try RealVAD.vad()
        let samples = try RealVAD.samples(Fixtures.audio("long_mixed.wav"))
        var segmenter = try LiveSegmenter(vad: vad, inputSampleRate: 16000, options: LiveOptions(partialIntervalMs: 1000))
        let outputs = try runSegmenter(&segmenter, samples, chunk: 5000)
        var open: Int?
        var lastEnd = 0
        var partials = 0
        for output in outputs {
            switch output {
            case .speechStarted(let ms):
                #expect(open == nil)
                open = ms
            case .partialDue(let audio):
                let start = try #require(open, "a partial outside a segment")
                #expect(audio.startMs == start)
                #expect(audio.endMs > start && audio.endMs % 200 == 0, "partials end on stride boundaries")
                #expect(audio.samples == Array(samples[(start * 16)..<(audio.endMs * 16)]))
                if lastEnd > start { #expect(audio.endMs - lastEnd >= 1000) }
                lastEnd = audio.endMs
                partials += 1
            case .segmentClosed(let audio):
                #expect(audio.startMs == open)
                open = nil
            case .segmentEndLikely:
                Issue.record("likely ends are announced only when asked for")
            case .done:
                #expect(open == nil)
            }
        }
        // About one per second of the 89 s of speech, less the VAD's start latency per segment.
        #expect((70...95).contains(partials), "\(partials) partials")
    }

    /// PCM at 44.1 kHz fed in irregular chunks: resampled incrementally, the segments' samples
    /// equal those of resampling the whole recording at once.
    @Test func chunkedResamplingEqualsOneShot() throws {
        let vad = try RealVAD.vad()
        let original = try RealVAD.samples(Fixtures.audio("en.wav"))
        let input = SincResampler.resample(original, from: 16000, to: 44100)
        let oneShot = SincResampler.resample(input, from: 44100, to: 16000)
        var segmenter = try LiveSegmenter(vad: vad, inputSampleRate: 44100, options: LiveOptions(partialIntervalMs: 0))
        var outputs: [LiveSegmenterOutput] = []
        for chunk in irregularChunks(input.count, largest: 7919) { outputs += try segmenter.feed(Array(input[chunk])) }
        outputs += segmenter.finish()
        let closed = closedSegments(outputs)
        #expect(closed.count == 1)
        for segment in closed {
            #expect(segment.samples == Array(oneShot[(segment.startMs * 16)..<min(segment.endMs * 16, oneShot.count)]))
        }
        #expect(segmenter.receivedSamples == oneShot.count)
    }

    @Test func rejectsBadInput() throws {
        let vad = try RealVAD.vad()
        #expect(throws: SenseVoiceError.self) { try LiveSegmenter(vad: vad, inputSampleRate: 0, options: LiveOptions()) }
        #expect(throws: SenseVoiceError.self) {
            try LiveSegmenter(vad: vad, inputSampleRate: 16000, options: LiveOptions(partialIntervalMs: -1))
        }
        var segmenter = try LiveSegmenter(vad: vad, inputSampleRate: 8000, options: LiveOptions())
        let error = #expect(throws: SenseVoiceError.self) { try segmenter.feed([0, .nan]) }
        #expect(error?.code == .audioInvalidSamples)
        _ = try segmenter.feed([Float](repeating: 0, count: 800))
        #expect(segmenter.finish().last == .done(durationMs: 100))
        #expect(throws: SenseVoiceError.self) { try segmenter.feed([0]) }
    }

    @Test func pcmEncodings() throws {
        #expect(try PCMEncoding(name: "PCM_S16LE") == .s16le)
        #expect(throws: SenseVoiceError.self) { try PCMEncoding(name: "mulaw") }
        #expect(try PCMEncoding.s16le.decode([0x00, 0x80, 0xFF, 0x7F]) == [-1, 32767.0 / 32768])
        #expect(try PCMEncoding.f32le.decode([0x00, 0x00, 0x80, 0x3F]) == [1])
        let odd = #expect(throws: SenseVoiceError.self) { try PCMEncoding.s16le.decode([1, 2, 3]) }
        #expect(odd?.code == .audioTruncated)
    }
}
