// How close a reduced-precision model is to its fp32 original on the same audio (issue #6).

/// Closeness of a converted model's encoder output and greedy CTC ids to the fp32 reference.
public struct PrecisionCloseness: Sendable, CustomStringConvertible {
    /// `‖y − y₃₂‖ / ‖y₃₂‖` over the whole encoder output `[T+4, d]`.
    public let encoderRelativeRMS: Double
    /// Frames whose fp32 top-2 log-probability gap exceeds `gapThreshold`.
    public let confidentFrames: Int
    /// Of those, frames where the converted model's argmax equals fp32's.
    public let agreeingFrames: Int
    /// Frames where the argmax agrees, over all frames.
    public let allFramesAgreement: Double
    public let frames: Int
    public let gapThreshold: Float
    /// The largest `|log p − log p₃₂|` over every frame and token: a greedy id can change only on
    /// a frame whose fp32 top-2 gap is below twice this.
    public let maxLogProbabilityChange: Float

    /// `agreeingFrames / confidentFrames`; 0 when there are no confident frames, so that a check
    /// of agreement over no frames fails instead of passing on nothing. Check `confidentFrames`
    /// against a minimum too.
    public var confidentAgreement: Double {
        confidentFrames == 0 ? 0 : Double(agreeingFrames) / Double(confidentFrames)
    }

    public var description: String {
        "rel RMS \(encoderRelativeRMS), greedy agreement \(agreeingFrames)/\(confidentFrames) confident frames (gap > \(gapThreshold)), \(allFramesAgreement) of all \(frames), max |Δ log p| \(maxLogProbabilityChange)"
    }

    /// Runs `reference` (fp32) and `candidate` on the same features and prompt and compares.
    /// - Parameter threads: each session's thread budget (default: every core).
    /// - Throws: `SenseVoiceError` `.internalError` when oneDNN fails at run time.
    public static func measure(reference: SenseVoiceModel, candidate: SenseVoiceModel, features: Tensor,
                               language: Language = .auto, useITN: Bool = true,
                               gapThreshold: Float = 0.5, threads: Int = Parallel.maxThreads) throws -> PrecisionCloseness {
        let s32 = EncoderSession(model: reference, threads: threads)
        let sc = EncoderSession(model: candidate, threads: threads)
        let e32 = try s32.encode(features: features, language: language, useITN: useITN)
        let ec = try sc.encode(features: features, language: language, useITN: useITN)
        var num = 0.0, den = 0.0
        for i in 0..<e32.count {
            let r = Double(e32.pointer[i]), c = Double(ec.pointer[i])
            num += (c - r) * (c - r)
            den += r * r
        }
        let l32 = try s32.logProbabilities(e32)
        let lc = try sc.logProbabilities(ec)
        let v = l32.cols
        var confident = 0, agree = 0, agreeAll = 0
        var maxChange: Float = 0
        for t in 0..<l32.rows {
            let r = l32.pointer + t * v, c = lc.pointer + t * v
            for j in 0..<v { maxChange = max(maxChange, abs(c[j] - r[j])) }
            var best = 0, second = -1
            for j in 1..<v {
                if r[j] > r[best] { second = best; best = j } else if second < 0 || r[j] > r[second] { second = j }
            }
            var cBest = 0
            for j in 1..<v where c[j] > c[cBest] { cBest = j }
            if cBest == best { agreeAll += 1 }
            if r[best] - r[second] > gapThreshold {
                confident += 1
                if cBest == best { agree += 1 }
            }
        }
        return PrecisionCloseness(encoderRelativeRMS: den > 0 ? (num / den).squareRoot() : 0,
                                  confidentFrames: confident, agreeingFrames: agree,
                                  allFramesAgreement: Double(agreeAll) / Double(max(1, l32.rows)),
                                  frames: l32.rows, gapThreshold: gapThreshold, maxLogProbabilityChange: maxChange)
    }
}
