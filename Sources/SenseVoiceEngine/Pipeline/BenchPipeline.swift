// The unit of work `sensevoice bench` times: frontend → encoder → CTC on one stretch of audio.

/// A model plus a session, ready to be timed.
public struct BenchPipeline {
    let model: SenseVoiceModel
    let frontend: WavFrontend
    let session: EncoderSession

    /// A random-weight model of a named size (`small`, `full`) with identity CMVN.
    public init(synthetic name: String, precision: Precision = .fp32) throws {
        let config = try SyntheticModel.config(named: name)
        model = try SyntheticModel.make(config: config).converted(to: precision)
        frontend = WavFrontend(config: config.frontend, cmvn: nil)
        session = EncoderSession(model: model)
    }

    /// A model directory in the official layout.
    public init(directory: String, precision: Precision = .fp32) throws {
        let bundle = try SenseVoice(modelDirectory: directory, precision: precision)
        model = bundle.model
        frontend = bundle.frontend
        session = EncoderSession(model: model)
    }

    public var parameterCount: Int { model.parameterCount }

    /// Runs once; returns the number of encoder frames.
    @discardableResult
    public func run(_ samples: [Float]) -> Int {
        let features = frontend.features(samples)
        let encoded = session.encode(features: features, language: .auto, useITN: true)
        let logProbs = session.logProbabilities(encoded)
        _ = CTCGreedyDecoder().decode(logProbs, bannedIds: [])
        return encoded.rows
    }
}
