import Testing
import SenseVoiceEngine

@Suite struct VADWindowDetectorTests {
    @Test func flipsAtTheReleasedThresholds() {
        var w = WindowDetector(decision: VADTestConfig.config.decision)
        #expect(w.windowFrames == 20 && w.silToSpeechFrames == 15 && w.speechToSilFrames == 15)
        // 14 speech frames keep silence; the 15th flips to speech.
        for _ in 0..<14 { #expect(w.detect(isSpeech: true) == .silenceToSilence) }
        #expect(w.detect(isSpeech: true) == .silenceToSpeech)
        for _ in 0..<5 { #expect(w.detect(isSpeech: true) == .speechToSpeech) }
        // Window full of speech (sum 20): four silent frames leave 16, the fifth 15 → silence.
        for _ in 0..<4 { #expect(w.detect(isSpeech: false) == .speechToSpeech) }
        #expect(w.detect(isSpeech: false) == .speechToSilence)
        #expect(w.detect(isSpeech: false) == .silenceToSilence)
        #expect(!w.inSpeech)
    }

    @Test func resetEmptiesTheWindow() {
        var w = WindowDetector(windowFrames: 4, silToSpeechFrames: 3, speechToSilFrames: 1)
        _ = w.detect(isSpeech: true)
        _ = w.detect(isSpeech: true)
        w.reset()
        #expect(w.detect(isSpeech: true) == .silenceToSilence)
        #expect(w.detect(isSpeech: true) == .silenceToSilence)
        #expect(w.detect(isSpeech: true) == .silenceToSpeech)
    }
}
