// SenseVoiceModel as the pipeline's acoustic model: its encoders are CPU SAN-M encoder sessions.

extension SenseVoiceModel: AcousticModel {
    /// A CPU ``EncoderSession`` over these weights.
    public func makeEncoder(threads: Int) -> any AcousticEncoding {
        EncoderSession(model: self, threads: threads)
    }
}
