// AudioDecodingOptions: what the decoder produces and the limits it enforces.

/// Options of ``AudioDecoder``.
public struct AudioDecodingOptions: Sendable, Equatable {
    /// Output sample rate in Hz (the model's 16 kHz by default).
    public var targetSampleRate: Int
    /// The longest audio accepted, in seconds; longer input throws `.audioTooLong` (as early as
    /// the header allows, otherwise as soon as decoding passes the limit). `nil`: no limit.
    public var maxDurationSeconds: Double?
    /// Input frames read from a WAV file per step (bounds memory while streaming).
    public var wavBlockFrames: Int
    /// Refuse a cut-off file (`.audioTruncated`) instead of decoding what it holds with a
    /// warning (``AudioStream/warnings``).
    public var strict: Bool = false
    /// Decode only this channel (0-based) instead of the mean of all channels (`--channels split`);
    /// a channel the input does not have throws `.invalidOption`. `nil` (default): the mean.
    public var channel: Int? = nil

    public init(targetSampleRate: Int = AudioBuffer.modelSampleRate, maxDurationSeconds: Double? = nil,
                wavBlockFrames: Int = 32_768) {
        self.targetSampleRate = targetSampleRate
        self.maxDurationSeconds = maxDurationSeconds
        self.wavBlockFrames = wavBlockFrames
    }
}
