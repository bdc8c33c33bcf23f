// Tests for ReadableLabels: same placement as the rich post-processing, labels instead of emoji.

import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

/// Maps Chinese labels back to FunASR's glyphs (cough and sneeze both to 🤧, no speech to ❓).
private func labelsToGlyphs(_ s: String) -> String {
    var out = s
    for emotion in Emotion.allCases {
        if let label = ReadableLabels.label(for: emotion, style: .chinese), let glyph = emotion.emoji {
            out = out.replacingAll(label, with: glyph)
        }
    }
    for event in AudioEvent.allCases {
        if let label = ReadableLabels.label(for: event, style: .chinese), let glyph = event.emoji {
            out = out.replacingAll(label, with: glyph)
        }
    }
    return out.replacingAll(ReadableLabels.noSpeechLabel(.chinese), with: "❓")
}

extension String {
    fileprivate func replacingAll(_ old: String, with new: String) -> String {
        replacingOccurrences(of: old, with: new)
    }
}

private struct LabelCase: Sendable, CustomStringConvertible {
    let raw: String
    let chinese: String
    let english: String
    var description: String { raw.debugDescription }
}

private let handCases: [LabelCase] = [
    LabelCase(raw: "<|en|><|HAPPY|><|Laughter|><|withitn|>Hello world.",
              chinese: "(笑声)Hello world.(开心)", english: "[laughter] Hello world. [happy]"),
    LabelCase(raw: "<|zh|><|HAPPY|><|Laughter|><|woitn|>你好", chinese: "(笑声)你好(开心)", english: "[laughter] 你好 [happy]"),
    LabelCase(raw: "<|en|><|NEUTRAL|><|Speech|><|withitn|>Hi.", chinese: "Hi.", english: "Hi."),
    LabelCase(raw: "<|en|><|HAPPY|><|BGM|><|withitn|>One. <|en|><|HAPPY|><|BGM|><|withitn|>Two. <|en|><|HAPPY|><|BGM|><|withitn|>Three.",
              chinese: "(背景音乐)One.Two.(背景音乐)Three.(开心)", english: "[music] One.Two. [music] Three. [happy]"),
    LabelCase(raw: "<|en|><|SAD|><|Laughter|><|woitn|>ha <|zh|><|ANGRY|><|Applause|><|woitn|>好",
              chinese: "(笑声)ha(伤心)(掌声)好(生气)", english: "[laughter] ha [sad] [applause] 好 [angry]"),
    LabelCase(raw: "<|nospeech|><|Event_UNK|><|woitn|>", chinese: "(无语音)", english: "[no speech]"),
    LabelCase(raw: "<|nospeech|><|EMO_UNKNOWN|><|Laughter|><|woitn|>", chinese: "(笑声)", english: "[laughter]"),
    // Unlike the emoji rendering, cough and sneeze stay distinct, so the sneeze is not merged away.
    LabelCase(raw: "<|zh|><|FEARFUL|><|Cough|><|withitn|>咳咳我有点怕<|zh|><|DISGUSTED|><|Sneeze|><|withitn|>好恶心",
              chinese: "(咳嗽)咳咳我有点怕(恐惧)(喷嚏)好恶心(厌恶)",
              english: "[cough] 咳咳我有点怕 [fearful] [sneeze] 好恶心 [disgusted]"),
    LabelCase(raw: "<|en|><|SURPRISED|><|Cry|><|woitn|>oh", chinese: "(哭声)oh(惊讶)", english: "[crying] oh [surprised]"),
    // Both events present: the later in BGM … Cough order comes first.
    LabelCase(raw: "<|en|><|NEUTRAL|><|BGM|><|Applause|><|woitn|>x", chinese: "(掌声)(背景音乐)x", english: "[applause] [music] x"),
    // Same emotion in consecutive segments appears once, at the end.
    LabelCase(raw: "<|en|><|HAPPY|><|Speech|><|withitn|>Hello. <|en|><|HAPPY|><|Speech|><|withitn|>How are you?",
              chinese: "Hello.How are you?(开心)", english: "Hello.How are you? [happy]"),
    // Emoji typed in the text are text, not marks.
    LabelCase(raw: "<|en|><|NEUTRAL|><|Speech|><|woitn|>I 😊 you", chinese: "I 😊 you", english: "I 😊 you"),
    LabelCase(raw: "", chinese: "", english: ""),
]

@Suite struct ReadableLabelsTests {
    @Test(arguments: handCases)
    fileprivate func handWritten(_ c: LabelCase) {
        #expect(ReadableLabels.render(c.raw, style: .chinese) == c.chinese)
        #expect(ReadableLabels.render(c.raw, style: .english) == c.english)
    }

    /// Chinese labels mapped back to glyphs give FunASR's rich output, except where FunASR merges
    /// a cough glyph with a following sneeze glyph (they are the same emoji there).
    @Test func placementMatchesRichPostprocess() throws {
        var inputs = try postprocessPairs().map(\.input) + specVectors.map(\.input)
        for clip in Fixtures.clips {
            let result = try Fixtures.result(clip)
            for tag in Fixtures.tags {
                if let entry = result[tag] as? [String: Any], let text = entry["text"] as? String { inputs.append(text) }
            }
        }
        var checked = 0
        for raw in inputs where !(raw.contains("<|Cough|>") && raw.contains("<|Sneeze|>")) {
            #expect(labelsToGlyphs(ReadableLabels.render(raw, style: .chinese)) == RichTranscription.postprocess(raw),
                    "\(raw.debugDescription)")
            checked += 1
        }
        #expect(checked > 30)
    }

    @Test func postprocessJSONInputsRenderCleanly() throws {
        let glyphs = Set("😊😔😡😰🤢😮🎼👏😀😭🤧❓".unicodeScalars)
        for pair in try postprocessPairs() {
            for style in ReadableLabels.Style.allCases {
                let out = ReadableLabels.render(pair.input, style: style)
                #expect(!out.contains("<|"), "\(pair) \(style)")
                #expect(!out.unicodeScalars.contains(where: glyphs.contains), "\(pair) \(style): \(out)")
                #expect(out == out.trimmingSpaces(), "\(pair) \(style): \(out.debugDescription)")
                #expect(!out.contains("  "), "\(pair) \(style): \(out.debugDescription)")
            }
        }
    }

    @Test func labelsTable() {
        #expect(ReadableLabels.label(for: Emotion.neutral, style: .english) == nil)
        #expect(ReadableLabels.label(for: Emotion.unknown, style: .chinese) == nil)
        #expect(ReadableLabels.label(for: AudioEvent.speech, style: .english) == nil)
        #expect(ReadableLabels.label(for: AudioEvent.bgm, style: .english) == "[music]")
        #expect(ReadableLabels.label(for: AudioEvent.bgm, style: .chinese) == "(背景音乐)")
        let zhEmotions = [Emotion.happy, .sad, .angry, .fearful, .disgusted, .surprised]
            .compactMap { ReadableLabels.label(for: $0, style: .chinese) }
        #expect(zhEmotions == ["(开心)", "(伤心)", "(生气)", "(恐惧)", "(厌恶)", "(惊讶)"])
        let enEvents = [AudioEvent.bgm, .applause, .laughter, .cry, .sneeze, .cough]
            .compactMap { ReadableLabels.label(for: $0, style: .english) }
        #expect(enEvents == ["[music]", "[applause]", "[laughter]", "[crying]", "[sneeze]", "[cough]"])
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
