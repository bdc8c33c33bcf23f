// The shared half of the acoustic encoder stage: weights loaded once, one encoder per session.

/// Weights of an acoustic encoder, shared by every session; makes each session's encoder.
///
/// ``SenseVoiceModel`` is the CPU implementation (its encoders are ``EncoderSession``s). A new
/// backend conforms here and in ``AcousticEncoding``, and is handed to
/// ``Transcriber/init(frontend:acousticModel:decoder:tokenizer:vad:configuration:modelDirectory:loadSeconds:)``.
public protocol AcousticModel: Sendable {
    /// A new encoder with its own scratch memory, for one thread.
    /// - Parameter threads: compute threads the encoder may use (``EngineConfiguration/threads``).
    func makeEncoder(threads: Int) -> any AcousticEncoding
}
