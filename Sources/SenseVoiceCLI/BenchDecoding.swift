// `sensevoice bench`'s decoding figures (issue #16): the CTC stage alone, greedy against the chosen
// decoder (beam search, hotwords), on the same logits.

import Foundation
import SenseVoiceEngine
import SenseVoiceTensor

/// Times of the CTC decoding stage on one stretch of audio's logits.
struct BenchDecoding {
    /// `greedy`, or `beam` with its width and hotword count.
    var mode: String
    var hotwords: Int
    var beamSize: Int?
    /// Median seconds to decode the logits greedily.
    var greedySeconds: Double
    /// Median seconds for the chosen decoder, graph building included.
    var chosenSeconds: Double
    /// Median seconds to build the hotword graph (encode the phrases, link the automaton).
    var graphSeconds: Double

    var report: [String: Any] {
        var out: [String: Any] = ["mode": mode, "hotwords": hotwords, "greedy_seconds": round6(greedySeconds),
                                  "decode_seconds": round6(chosenSeconds), "graph_build_seconds": round6(graphSeconds),
                                  "extra_seconds": round6(chosenSeconds - greedySeconds)]
        if let beamSize { out["beam_size"] = beamSize }
        return out
    }

    private func round6(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }

    /// Runs the encoder once for the logits, then decodes them `repeats` times with each decoder.
    static func measure(session: RecognitionSession, transcriber: Transcriber, samples: [Float],
                        options: TranscriptionOptions, randomHotwords: Int, repeats: Int) throws -> BenchDecoding {
        let features = transcriber.frontend.features(samples)
        // Log-probabilities decode like logits (log-softmax leaves them unchanged).
        let logProbs = try session.forward(features: features, options: options).logProbs
        let logits = CTCLogits(pointer: logProbs.pointer, frames: logProbs.rows, vocabulary: logProbs.cols,
                               threads: transcriber.configuration.threads)
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<repeats {
                let clock = Stopwatch()
                try body()
                times.append(clock.seconds)
            }
            return times.sorted()[times.count / 2]
        }
        let greedy = CTCGreedyDecoder()
        let greedySeconds = median { _ = greedy.decode(logits, bannedIds: []) }
        var beam = options.beamSearch
        if randomHotwords > 0 {
            // Random phrases of 2–4 ordinary tokens (a fixed seed, so runs compare).
            var generator = SplitMix64(seed: 16)
            let vocabulary = transcriber.tokenizer.count
            let sequences = (0..<randomHotwords).map { _ in
                ((0..<Int(2 + generator.next() % 3)).map { _ in 3 + Int(generator.next() % UInt64(vocabulary - 3)) }, BeamSearchOptions.defaultHotwordScore)
            }
            let width = beam?.beamSize ?? BeamSearchOptions.defaultBeamSize
            beam = BeamSearchOptions(beamSize: width)
            let chosen = median { _ = CTCPrefixBeamSearch(beamSize: width, hotwords: HotwordGraph(sequences: sequences)).decode(logits, bannedIds: []) }
            let graph = median { _ = HotwordGraph(sequences: sequences) }
            return BenchDecoding(mode: "beam", hotwords: randomHotwords, beamSize: width, greedySeconds: greedySeconds,
                                 chosenSeconds: chosen, graphSeconds: graph)
        }
        let chosenSeconds = try median { _ = try transcriber.decoder(for: options).decode(logits, bannedIds: []) }
        let graphSeconds = try median {
            if let beam, !beam.hotwords.isEmpty {
                _ = try HotwordGraph(hotwords: beam.hotwords, tokenizer: transcriber.tokenizer, defaultScore: beam.hotwordScore)
            }
        }
        return BenchDecoding(mode: beam == nil ? "greedy" : "beam", hotwords: beam?.hotwords.count ?? 0, beamSize: beam?.beamSize,
                             greedySeconds: greedySeconds, chosenSeconds: chosenSeconds, graphSeconds: graphSeconds)
    }
}
