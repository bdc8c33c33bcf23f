// Tests for TranscriptTags: parsing tags by pattern, stripping them and the clean join of segments.

import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

@Suite struct TranscriptTagsTests {
    @Test func parsesTheFourLeadingTags() {
        let p = TranscriptTags.parse("<|en|><|HAPPY|><|Speech|><|withitn|>Hello world.")
        #expect(p == ParsedTranscript(language: "en", emotion: .happy, events: [.speech], itn: true, text: "Hello world."))
        let zh = TranscriptTags.parse("<|zh|><|NEUTRAL|><|Speech|><|woitn|>开饭时间早上九点至下午五点")
        #expect(zh.language == "zh" && zh.emotion == .neutral && zh.itn == false)
        #expect(zh.text == "开饭时间早上九点至下午五点")
    }

    @Test func toleratesMissingTags() {
        #expect(TranscriptTags.parse("<|en|>Hello") == ParsedTranscript(language: "en", text: "Hello"))
        #expect(TranscriptTags.parse("Hello") == ParsedTranscript(text: "Hello"))
        #expect(TranscriptTags.parse("") == ParsedTranscript(text: ""))
        let noSpeech = TranscriptTags.parse("<|nospeech|><|Event_UNK|>")
        #expect(noSpeech == ParsedTranscript(language: "nospeech", events: [.unknown], text: ""))
        // Emotion and event swapped, language missing (a prompt frame decoded to blank).
        let swapped = TranscriptTags.parse("<|Laughter|><|SAD|><|woitn|> ha ha ")
        #expect(swapped == ParsedTranscript(emotion: .sad, events: [.laughter], itn: false, text: "ha ha"))
    }

    @Test func findsTagsInTheMiddle() {
        let p = TranscriptTags.parse("Hi <|HAPPY|> there<|withitn|><|BGM|><|/Speech|> now<|tok25020|>")
        #expect(p.emotion == .happy)
        #expect(p.events == [.bgm])
        #expect(p.itn == true)
        #expect(p.language == nil)
        #expect(p.text == "Hi  there now")
    }

    @Test func multiSegmentTextKeepsFirstTagsAndAllEvents() {
        let raw = "<|en|><|ANGRY|><|BGM|><|withitn|>One. <|zh|><|HAPPY|><|Laughter|><|woitn|>二 <|en|><|SAD|><|BGM|><|withitn|>Three."
        let p = TranscriptTags.parse(raw)
        #expect(p.language == "en")
        #expect(p.emotion == .angry)
        #expect(p.events == [.bgm, .laughter])
        #expect(p.itn == true)
        #expect(p.text == "One. 二 Three.")
    }

    @Test func everyEmotionAndEventTagIsRecognised() {
        for emotion in Emotion.allCases {
            #expect(TranscriptTags.parse("\(emotion.tag)x").emotion == emotion)
            #expect(Emotion(tag: emotion.tag) == emotion)
            #expect(Emotion(tag: emotion.rawValue) == emotion)
        }
        for event in AudioEvent.allCases {
            #expect(TranscriptTags.parse("\(event.tag)x").events == [event])
            #expect(AudioEvent(tag: event.tag) == event)
        }
        #expect(Emotion(tag: "<|happy|>") == nil)
        #expect(AudioEvent(tag: "<|/Speech|>") == nil)
        #expect(Emotion.happy.tag == "<|HAPPY|>" && Emotion.unknown.tag == "<|EMO_UNKNOWN|>")
        #expect(AudioEvent.speechNoise.tag == "<|Speech_Noise|>" && AudioEvent.unknown.tag == "<|Event_UNK|>")
        #expect(AudioEvent.gbg.tag == "<|GBG|>")
    }

    @Test func stripUsesTheNonGreedyTagPattern() {
        #expect(TranscriptTags.strip("<|en|><|NEUTRAL|>A <|en|><|HAPPY|>B") == "A B")
        #expect(TranscriptTags.strip("<||>x") == "x")
        // `<\|[^|]*\|>` cannot span a `|`, so this is not a tag.
        #expect(TranscriptTags.strip("<|a|b|>") == "<|a|b|>")
        #expect(TranscriptTags.strip("a <|b") == "a <|b")
        #expect(TranscriptTags.strip("<|x>y|>z") == "z")
    }

    @Test func cleanJoin() {
        #expect(TranscriptTags.cleanJoin([
            "<|zh|><|NEUTRAL|><|Speech|><|woitn|>你好",
            "<|zh|><|NEUTRAL|><|Speech|><|woitn|>世界",
            "<|en|><|NEUTRAL|><|Speech|><|withitn|>OK.",
            "<|nospeech|><|Event_UNK|><|woitn|>",
            "<|en|><|NEUTRAL|><|Speech|><|withitn|> Bye. ",
            "<|zh|><|NEUTRAL|><|Speech|><|woitn|>再见",
        ]) == "你好世界 OK. Bye. 再见")
        // CJK only where both sides are ideographs in U+3400–U+9FFF.
        #expect(TranscriptTags.cleanJoin(["<|zh|>你好。", "<|zh|>世界"]) == "你好。 世界")
        #expect(TranscriptTags.cleanJoin(["<|zh|>㐀", "<|zh|>鿿"]) == "㐀鿿")
        #expect(TranscriptTags.cleanJoin(["<|ja|>こんにちは", "<|ja|>世界"]) == "こんにちは 世界")
        #expect(TranscriptTags.cleanJoin([]) == "")
        #expect(TranscriptTags.cleanJoin(["<|en|>", "  "]) == "")
        // Not the greedy `<\|.*\|>` bug, which would keep only "B".
        #expect(TranscriptTags.cleanJoin(["<|en|><|HAPPY|>A <|en|><|SAD|>B"]) == "A B")
    }

    @Test(arguments: Fixtures.clips)
    func goldenTextsParse(clip: String) throws {
        let result = try Fixtures.result(clip)
        for tag in Fixtures.tags {
            let entry = try #require(result[tag] as? [String: Any])
            let text = try #require(entry["text"] as? String)
            let parsed = TranscriptTags.parse(text)
            #expect(!parsed.text.contains("<|"), "\(clip)/\(tag)")
            #expect(parsed.text == TranscriptTags.strip(text))
            #expect(TranscriptTags.cleanJoin([text]) == parsed.text)
        }
    }
}
