// The hotword graph's scoring rules: advancing adds the phrase's score, breaking gives back what
// the partial match earned, completing keeps the bonus; failure links find suffix matches.

import Testing
import SenseVoiceEngine

@Suite("Hotword graph")
struct HotwordGraphTests {
    /// The bonus after reading `tokens` (kept + partial), and the kept part alone.
    private func bonus(_ graph: HotwordGraph, _ tokens: [Int]) -> (Double, Double) {
        var state: HotwordGraph.State = 0
        var kept = 0.0
        for t in tokens {
            let step = graph.step(state, t)
            state = step.state
            kept += step.completed
        }
        return (kept + graph.partial(state), kept)
    }

    @Test func advancingBreakingCompleting() {
        let g = HotwordGraph(sequences: [([1, 2, 3], 2)])
        #expect(bonus(g, [1]).0 == 2)
        #expect(bonus(g, [1, 2]).0 == 4)
        #expect(bonus(g, [1, 2, 9]).0 == 0, "a broken match gives back what it earned")
        #expect(bonus(g, [1, 2, 3]) == (6, 6), "a completed phrase keeps its bonus")
        #expect(bonus(g, [1, 2, 3, 9]) == (6, 6))
        #expect(bonus(g, [1, 2, 3, 1, 2, 3]) == (12, 12), "each occurrence counts")
        #expect(bonus(g, [1, 1, 2]).0 == 4, "falls back to the suffix that still matches")
    }

    @Test func failureLinksAndOverlaps() {
        // "b c" inside "a b c d": completing via the output chain; "a b c d" itself is longer.
        let g = HotwordGraph(sequences: [([1, 2, 3, 4], 1), ([2, 3], 5)])
        #expect(bonus(g, [2, 3]) == (10, 10))
        let abc = bonus(g, [1, 2, 3])
        #expect(abc.1 == 10, "the inner phrase completes through the failure chain")
        #expect(abc.0 == 13, "plus the outer phrase's partial earnings")
        #expect(bonus(g, [1, 2, 3, 4]) == (14, 14))
        #expect(bonus(g, [1, 2, 3, 9]) == (10, 10))
    }

    @Test func prefixPhraseAndLongerPhrase() {
        let g = HotwordGraph(sequences: [([1, 2], 1), ([1, 2, 3], 1)])
        #expect(bonus(g, [1, 2]) == (2, 2))
        #expect(bonus(g, [1, 2, 3]) == (5, 5), "both phrases complete; no double-counted partial")
        #expect(bonus(g, [1, 2, 9]) == (2, 2), "the completed shorter phrase is kept when the longer breaks")
        #expect(g.sequenceCount == 2)
        #expect(HotwordGraph().isEmpty)
    }

    @Test func parsingAndLimits() throws {
        let list = try Hotword.parse(" alpha , beta:2.5,,gamma delta:0 ")
        #expect(list == [Hotword(phrase: "alpha"), Hotword(phrase: "beta", score: 2.5), Hotword(phrase: "gamma delta", score: 0)])
        let file = try Hotword.parse("one\r\ntwo:3\n\n12:30 pm\n", separator: "\n")
        #expect(file == [Hotword(phrase: "one"), Hotword(phrase: "two", score: 3), Hotword(phrase: "12:30 pm")])
        #expect(throws: SenseVoiceError.self) { try Hotword.parse("a:99") }
        #expect(throws: SenseVoiceError.self) { try Hotword.parse("a:-1") }
        #expect(throws: SenseVoiceError.self) { try Hotword.parse(":2") }
        #expect(throws: SenseVoiceError.self) { try Hotword.parse(String(repeating: "x", count: 101)) }
        #expect(throws: SenseVoiceError.self) { try Hotword.parse((0...Hotword.maxCount).map { "w\($0)" }.joined(separator: ",")) }
        #expect(throws: SenseVoiceError.self) { try BeamSearchOptions(beamSize: 0).validate() }
        #expect(throws: SenseVoiceError.self) { try BeamSearchOptions(hotwordScore: 21).validate() }
    }
}
