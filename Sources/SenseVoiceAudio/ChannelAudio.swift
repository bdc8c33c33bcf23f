// ChannelAudio: one channel of a file, decoded on its own (`--channels split`).

/// The samples of one channel of an input, at the model's rate, and how many channels it has.
public struct ChannelAudio: Sendable, Equatable {
    /// The channel's samples (not mixed with the others).
    public var audio: AudioBuffer
    /// Which channel (0-based).
    public var channel: Int
    /// The input's channel count (0 when a compressed stream did not state it).
    public var channelCount: Int
}
