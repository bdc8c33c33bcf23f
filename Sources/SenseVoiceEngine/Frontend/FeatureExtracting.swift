// Follows funasr/frontends/wav_frontend.py: WavFrontend.forward (the stage contract, not the code).

/// The feature stage of the pipeline: 16 kHz mono samples in, model input features out.
///
/// The default implementation is ``WavFrontend`` (Kaldi fbank → LFR → CMVN). Tests inject fakes
/// where the frontend is not under test.
public protocol FeatureExtracting: Sendable {
    /// The sample rate the stage takes, in Hz (16000 for SenseVoice).
    var sampleRate: Int { get }

    /// Features of one utterance.
    /// - Parameter samples: mono samples at the model rate, floats in [-1, 1].
    /// - Returns: `[frames, featureDimension]`, `[T6, 560]` for SenseVoice; `[0, 560]` for silence
    ///   too short to frame.
    func features(_ samples: [Float]) -> Tensor
}
