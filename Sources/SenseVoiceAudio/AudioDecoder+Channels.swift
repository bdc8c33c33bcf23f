// AudioDecoder: one channel of a file or upload instead of the mean of all (`--channels split`).

extension AudioDecoder {
    /// Decodes channel `channel` (0-based) of a file named `displayName` in messages: the same
    /// checks, normalisation and resampling as ``decode(path:displayName:)``, without the mix.
    /// - Throws: what ``decode(path:displayName:)`` throws, and `.invalidOption` for a channel
    ///   the file does not have.
    public func decode(path: String, displayName: String, channel: Int) throws -> ChannelAudio {
        let stream = try AudioStream(path: path, displayName: displayName, options: options(channel))
        return try Self.read(stream, channel: channel)
    }

    /// Decodes channel `channel` (0-based) of an upload held in memory.
    public func decode(data: [UInt8], filenameHint: String?, channel: Int) throws -> ChannelAudio {
        try data.withUnsafeBytes { raw in
            let stream = try AudioStream(data: data, borrowing: raw, filenameHint: filenameHint, options: options(channel))
            return try Self.read(stream, channel: channel)
        }
    }

    private func options(_ channel: Int) -> AudioDecodingOptions {
        var options = self.options
        options.channel = channel
        return options
    }

    private static func read(_ stream: AudioStream, channel: Int) throws -> ChannelAudio {
        let samples = try stream.readAll()
        return ChannelAudio(audio: AudioBuffer(samples: samples, sampleRate: stream.sampleRate, warnings: stream.warnings),
                            channel: channel, channelCount: stream.channelCount)
    }
}
