// Follows torchaudio.compliance.kaldi._feature_window_function (Kaldi feature-window.cc definitions).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The analysis windows of Kaldi / torchaudio fbank, all symmetric (`periodic=False`).
enum FeatureWindow: String, Sendable, CaseIterable {
    /// `0.54 − 0.46·cos(2πn/(N−1))` (SenseVoice and FSMN-VAD).
    case hamming
    /// Kaldi's default: the Hann window raised to the power 0.85.
    case povey
    /// `0.5 − 0.5·cos(2πn/(N−1))`.
    case hanning
    /// All ones.
    case rectangular
    /// `0.42 − 0.5·cos(2πn/(N−1)) + 0.08·cos(4πn/(N−1))`.
    case blackman

    /// The window's `length` coefficients.
    ///
    /// A window of length 1 is `[1]`, as `torch.hamming_window(1, periodic=False)`.
    func coefficients(length: Int) -> [Double] {
        precondition(length >= 1, "window length must be positive")
        if length == 1 { return [1] }
        let a = 2 * Double.pi / Double(length - 1)
        return (0..<length).map { i in
            let c = cos(a * Double(i))
            let w: Double
            switch self {
            case .hamming: w = 0.54 - 0.46 * c
            case .povey: w = pow(0.5 - 0.5 * c, 0.85)
            case .hanning: w = 0.5 - 0.5 * c
            case .rectangular: w = 1
            case .blackman: w = 0.42 - 0.5 * c + 0.08 * cos(2 * a * Double(i))
            }
            return w
        }
    }
}
