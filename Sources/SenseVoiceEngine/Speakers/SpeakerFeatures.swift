// Follows funasr/models/campplus/utils.py: extract_feature (torchaudio kaldi.fbank defaults, mean over time removed).

import SenseVoiceTensor

/// The features CAM++ reads for one window: Kaldi fbank with torchaudio's defaults (25/10 ms Povey
/// window, dither 0, pre-emphasis 0.97, 512-point power spectrum, 20 Hz–8 kHz) on the samples as
/// floats in [-1, 1) (not scaled to int16), then the mean over the window's frames subtracted
/// from every frame.
public struct SpeakerFeatures: Sendable {
    let fbank: KaldiFbank

    /// An extractor of `melBins` bins (the model's `feat_dim`).
    public init(melBins: Int = 80) {
        fbank = KaldiFbank(config: FrontendConfig(window: "povey", numMelBins: melBins))
    }

    /// The log-mel fbank `[T, melBins]` before the mean is removed.
    public func rawFbank(_ samples: [Float]) -> Tensor {
        fbank.compute(samples, scale: 1)
    }

    /// The features `[T, melBins]` of one window's samples (zero-padded by the caller to 1.5 s).
    public func features(_ samples: [Float]) -> Tensor {
        let raw = rawFbank(samples)
        let frames = raw.shape[0], bins = raw.shape[1]
        guard frames > 0 else { return raw }
        return raw.withUnsafeBufferPointer { r in
            Tensor(shape: [frames, bins]) { out in
                for m in 0..<bins {
                    var sum: Float = 0
                    for t in 0..<frames { sum += r[t * bins + m] }
                    let mean = sum / Float(frames)
                    for t in 0..<frames { out[t * bins + m] = r[t * bins + m] - mean }
                }
            }
        }
    }
}
