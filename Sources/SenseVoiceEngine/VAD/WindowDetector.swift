// Follows funasr/models/fsmn_vad_streaming/model.py: WindowDetector (spec §6.4).

/// Smooths per-frame speech decisions over a sliding window and reports state changes.
///
/// A ring buffer of the last `windowFrames` decisions (0/1) and their sum. The detector flips
/// from silence to speech when the sum reaches `silToSpeechFrames`, and back when it falls to
/// `speechToSilFrames` or below. With the released model: 20 frames, 15 and 15.
public struct WindowDetector: Sendable {
    /// What one frame did to the smoothed state.
    public enum Event: Sendable, Equatable {
        case silenceToSilence
        case silenceToSpeech
        case speechToSilence
        case speechToSpeech
    }

    /// Frames in the window (`window_size_ms / frame_in_ms`).
    public let windowFrames: Int
    /// Window sum at which silence turns into speech (`sil_to_speech_time_thres / frame_in_ms`).
    public let silToSpeechFrames: Int
    /// Window sum at or below which speech turns into silence (`speech_to_sil_time_thres / frame_in_ms`).
    public let speechToSilFrames: Int

    private var slots: [UInt8]
    private var position = 0
    private var sum = 0
    /// Whether the smoothed state is speech.
    public private(set) var inSpeech = false

    /// A detector in the silence state with an empty window.
    /// - Precondition: `windowFrames` ≥ 1.
    public init(windowFrames: Int, silToSpeechFrames: Int, speechToSilFrames: Int) {
        precondition(windowFrames >= 1, "window detector needs at least one frame")
        self.windowFrames = windowFrames
        self.silToSpeechFrames = silToSpeechFrames
        self.speechToSilFrames = speechToSilFrames
        slots = [UInt8](repeating: 0, count: windowFrames)
    }

    /// A detector with the window and thresholds of a VAD `model_conf`.
    public init(decision d: VADConfig.Decision) {
        self.init(windowFrames: d.windowSizeMs / d.frameInMs,
                  silToSpeechFrames: d.silToSpeechTimeThresMs / d.frameInMs,
                  speechToSilFrames: d.speechToSilTimeThresMs / d.frameInMs)
    }

    /// Replaces the oldest decision with `isSpeech` and reports the transition.
    public mutating func detect(isSpeech: Bool) -> Event {
        let v: UInt8 = isSpeech ? 1 : 0
        sum += Int(v) - Int(slots[position])
        slots[position] = v
        position += 1
        if position == windowFrames { position = 0 }
        if !inSpeech && sum >= silToSpeechFrames {
            inSpeech = true
            return .silenceToSpeech
        }
        if inSpeech && sum <= speechToSilFrames {
            inSpeech = false
            return .speechToSilence
        }
        return inSpeech ? .speechToSpeech : .silenceToSilence
    }

    /// Empties the window and returns to silence.
    public mutating func reset() {
        for i in slots.indices { slots[i] = 0 }
        position = 0
        sum = 0
        inSpeech = false
    }
}
