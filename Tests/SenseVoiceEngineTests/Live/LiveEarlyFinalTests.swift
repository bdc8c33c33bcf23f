// What the live server's early finals and cheap partials rest on: likely ends that predict the
// VAD's real ends, windowed partials, and a wider thread budget that changes no result.

import Foundation
import SenseVoiceEngine
import SenseVoiceTensor
import SenseVoiceTestSupport
import Testing

@Suite
struct LiveEarlyFinalTests {
    /// long_mixed.wav in 200 ms chunks with likely ends announced.
    static func run(_ options: LiveOptions) throws -> (outputs: [LiveSegmenterOutput], samples: [Float]) {
        let samples = try RealVAD.samples(Fixtures.audio("long_mixed.wav"))
        var segmenter = try LiveSegmenter(vad: try RealVAD.vad(), inputSampleRate: 16000, options: options)
        return (try runSegmenter(&segmenter, samples, chunk: 3200), samples)
    }

    @Test func likelyEndsComeBeforeTheVADDecidesAndMatchMostEnds() throws {
        let (outputs, samples) = try Self.run(LiveOptions(partialIntervalMs: 0, announceLikelyEnds: true))
        // Announcing changes nothing else: the same segments with the same samples.
        let closed = closedSegments(outputs)
        #expect(closed.map { [$0.startMs, $0.endMs] } == LiveSegmenterTests.longMixedSegments)
        var likely: [LiveAudio] = []
        var hits: [[Int]] = []
        for output in outputs {
            switch output {
            case .speechStarted:
                likely = []
            case .segmentEndLikely(let audio):
                // The guessed segment's samples, as the stream had them.
                #expect(audio.samples == Array(samples[(audio.startMs * 16)..<(audio.endMs * 16)]))
                likely.append(audio)
            case .segmentClosed(let final):
                if let guess = likely.first(where: { $0.endMs == final.endMs }) {
                    #expect(guess.samples == final.samples && guess.startMs == final.startMs)
                    // Announced at least one stride before the VAD's decision: time to recognise it.
                    #expect(final.streamMs - guess.streamMs >= 200, "[\(final.startMs), \(final.endMs)]")
                    hits.append([final.startMs, final.endMs])
                }
                likely = []
            default:
                break
            }
        }
        // Every segment that ended in silence before the stream's end was foreseen; the one cut at
        // the 30 s maximum ([49120, 79130]) and the one the stream's end closed cannot be.
        #expect(hits == [[910, 19570], [21910, 22520], [26250, 46680], [79130, 98110]])
    }

    @Test func likelyEndsAreOffByDefault() throws {
        let (outputs, _) = try Self.run(LiveOptions(partialIntervalMs: 0))
        #expect(!outputs.contains { if case .segmentEndLikely = $0 { true } else { false } })
    }

    @Test func windowedPartialsRecogniseOnlyTheLastStretch() throws {
        let (outputs, samples) = try Self.run(LiveOptions(partialIntervalMs: 1000, partialWindowMs: 4000))
        var open: Int?
        var partials = 0
        var windowed = 0
        for output in outputs {
            switch output {
            case .speechStarted(let ms):
                open = ms
            case .partialDue(let audio):
                let start = try #require(open)
                partials += 1
                #expect(audio.startMs == max(start, audio.endMs - 4000))
                #expect(audio.samples == Array(samples[(audio.startMs * 16)..<(audio.endMs * 16)]))
                if audio.startMs > start { windowed += 1 }
            default:
                break
            }
        }
        #expect(partials > 50 && windowed > 30, "\(partials) partials, \(windowed) windowed")
        #expect(throws: SenseVoiceError.self) { try LiveOptions(partialWindowMs: -1).validate() }
    }

    /// A model wide enough that its passes split over threads (256 wide, 3 + 1 layers).
    static func midModel(precision: Precision) throws -> SenseVoice {
        let config = SenseVoiceConfig(encoder: EncoderConfig(outputSize: 256, attentionHeads: 4, linearUnits: 1024,
                                                             numBlocks: 3, tpBlocks: 1), vocabSize: 2000)
        return SenseVoice(model: try SyntheticModel.make(config: config, precision: precision),
                          tokenizer: try SentencePieceModel.placeholder(count: config.vocabSize), cmvn: nil, directory: "mid")
    }

    @Test(.enabled(if: Parallel.maxThreads > 1, "needs two cores"), arguments: [Precision.fp32, .int8])
    func aWiderThreadBudgetGivesTheSameResult(precision: Precision) throws {
        let bundle = try Self.midModel(precision: precision)
        let samples = Array(try RealVAD.samples(Fixtures.audio("long_mixed.wav"))[(26250 * 16)..<(46680 * 16)])
        let transcriber = Transcriber(bundle: bundle, configuration: EngineConfiguration(threads: 1))
        let session = transcriber.makeSession()
        let options = TranscriptionOptions(language: .auto, useITN: true)
        let narrow = try session.recognize(samples, options: options)
        let wide = try session.recognize(samples, options: options, threads: Parallel.maxThreads)
        #expect(!narrow.tokenIds.isEmpty)
        #expect(wide.raw == narrow.raw && wide.tokenIds == narrow.tokenIds && wide.ctc == narrow.ctc)
        // Bit for bit, below the argmax: the encoder's output.
        let features = transcriber.frontend.features(samples)
        let one = try EncoderSession(model: bundle.model, threads: 1).encode(features: features, language: .auto, useITN: true)
        let many = try EncoderSession(model: bundle.model, threads: Parallel.maxThreads).encode(features: features, language: .auto, useITN: true)
        #expect(one.shape == many.shape && one.array == many.array)
    }
}
