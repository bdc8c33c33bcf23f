// Tests for RichTranscription.postprocess against FunASR's rich_transcription_postprocess outputs.

import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

/// One input → output pair.
struct TextPair: Sendable, CustomStringConvertible {
    let input: String
    let output: String
    var description: String { input.debugDescription }
}

/// `golden/postprocess.json`.
func postprocessPairs() throws -> [TextPair] {
    let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("golden/postprocess.json"))
    let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: String]])
    return try list.map { TextPair(input: try #require($0["input"]), output: try #require($0["output"])) }
}

/// Spec §8.1 test vectors (produced by running the reference function).
let specVectors: [TextPair] = [
    TextPair(input: "<|zh|><|NEUTRAL|><|Speech|><|woitn|>开饭时间早上九点至下午五点", output: "开饭时间早上九点至下午五点"),
    TextPair(input: "<|en|><|HAPPY|><|Speech|><|withitn|>Hello world.", output: "Hello world.😊"),
    TextPair(input: "<|en|><|HAPPY|><|Speech|><|withitn|>Hello. <|en|><|HAPPY|><|Speech|><|withitn|>How are you?",
             output: "Hello.How are you?😊"),
    TextPair(input: "<|en|><|HAPPY|><|BGM|><|withitn|>One. <|en|><|HAPPY|><|BGM|><|withitn|>Two. <|en|><|HAPPY|><|BGM|><|withitn|>Three.",
             output: "🎼One.Two.🎼Three.😊"),
    TextPair(input: "<|en|><|SAD|><|Laughter|><|woitn|>ha <|zh|><|ANGRY|><|Applause|><|woitn|>好", output: "😀ha😔👏好😡"),
    TextPair(input: "<|nospeech|><|Event_UNK|><|woitn|>", output: "❓"),
    TextPair(input: "<|nospeech|><|EMO_UNKNOWN|><|Laughter|><|woitn|>", output: "😀"),
    TextPair(input: "<|ja|><|NEUTRAL|><|Cough|><|woitn|>えっと", output: "🤧えっと"),
    TextPair(input: "<|en|><|EMO_UNKNOWN|><|Speech|><|withitn|>The. test", output: "test"),
]

@Suite struct RichTranscriptionTests {
    @Test func postprocessJSONPairs() throws {
        let pairs = try postprocessPairs()
        #expect(pairs.count >= 12)
        for pair in pairs {
            #expect(RichTranscription.postprocess(pair.input) == pair.output, "input \(pair)")
        }
    }

    @Test(arguments: specVectors)
    func specVector(_ pair: TextPair) {
        #expect(RichTranscription.postprocess(pair.input) == pair.output)
    }

    @Test(arguments: Fixtures.clips)
    func goldenRichOfEveryClip(clip: String) throws {
        let result = try Fixtures.result(clip)
        for tag in Fixtures.tags {
            let entry = try #require(result[tag] as? [String: Any])
            let text = try #require(entry["text"] as? String)
            let rich = try #require(entry["rich"] as? String)
            #expect(RichTranscription.postprocess(text) == rich, "\(clip)/\(tag)")
        }
    }

    @Test func goldenLongMixedPipeline() throws {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("golden/long_mixed_pipeline.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let text = try #require(json["text"] as? String)
        let rich = try #require(json["rich"] as? String)
        #expect(RichTranscription.postprocess(text) == rich)
    }

    /// Hand-derived cases for corners the goldens do not reach.
    @Test(arguments: [
        // Empty input and whitespace only.
        TextPair(input: "", output: ""),
        TextPair(input: "  \n ", output: ""),
        // No tags at all: text passes through (stripped).
        TextPair(input: "  plain text ", output: "plain text"),
        // A 3rd consecutive identical event reappears (cur is recomputed after the drop).
        TextPair(input: "<|en|><|NEUTRAL|><|BGM|><|woitn|>a<|en|><|NEUTRAL|><|BGM|><|woitn|>b<|en|><|NEUTRAL|><|BGM|><|woitn|>c",
                 output: "🎼ab🎼c"),
        // A segment that is only a repeated event glyph vanishes (FunASR skips it) and keeps cur.
        TextPair(input: "<|en|><|NEUTRAL|><|BGM|><|woitn|> <|en|><|NEUTRAL|><|BGM|><|woitn|> <|en|><|NEUTRAL|><|BGM|><|woitn|>x",
                 output: "🎼x"),
        // Emotion ties keep the earlier one in HAPPY SAD ANGRY NEUTRAL … order; NEUTRAL needs a strict majority.
        TextPair(input: "<|en|><|SAD|><|HAPPY|>x", output: "x😊"),
        TextPair(input: "<|en|><|NEUTRAL|><|NEUTRAL|><|HAPPY|>x", output: "x"),
        // Later events in BGM … Cough order end up leftmost; cough and sneeze share 🤧.
        TextPair(input: "<|en|><|BGM|><|Laughter|><|Cough|>x", output: "🤧😀🎼x"),
        // One space either side of a glyph is removed, even inside the text.
        TextPair(input: "<|en|>a 😊 b", output: "a😊b"),
        TextPair(input: "<|en|>a  😊  b", output: "a 😊 b"),
        // Text before the first language tag is segment 0.
        TextPair(input: "pre <|en|><|HAPPY|>post", output: "prepost😊"),
        // Unknown tags stay in the text.
        TextPair(input: "<|en|><|OTHER|>x<|/Speech|>", output: "<|OTHER|>x<|/Speech|>"),
        // Code points, not Characters: a flag (two scalars) next to an emoji glyph.
        TextPair(input: "<|en|><|HAPPY|>🇨🇳 ", output: "🇨🇳😊"),
        // Every "The." goes.
        TextPair(input: "<|en|>The.The. x The.", output: "x"),
    ])
    func handDerivedCases(_ pair: TextPair) {
        #expect(RichTranscription.postprocess(pair.input) == pair.output)
    }
}
