// AudioDecoding: the audio stage of the pipeline (file or upload → 16 kHz mono float32).

/// Turns audio files and uploads into mono float32 samples at the model's rate.
///
/// The default implementation is ``AudioDecoder``; tests inject fakes.
public protocol AudioDecoding: Sendable {
    /// Decodes a whole file.
    /// - Returns: mono samples at the target rate (16 kHz), integers normalised to [-1, 1).
    /// - Throws: `SenseVoiceError` (`.fileNotFound`, `.audioEmpty`, `.audioUnsupported`, …).
    func decode(path: String) throws -> AudioBuffer

    /// Decodes an upload held in memory. The format is sniffed from the bytes; `filenameHint`
    /// only names the upload in error messages.
    func decode(data: [UInt8], filenameHint: String?) throws -> AudioBuffer

    /// Decodes a file stored under another name than its owner's (a spooled upload): messages
    /// and the result name it `displayName`. The default decodes ``decode(path:)``.
    func decode(path: String, displayName: String) throws -> AudioBuffer

    /// Decodes one channel (0-based) of a file on its own, not mixed with the others
    /// (`--channels split`); the result says how many channels the file has.
    func decode(path: String, displayName: String, channel: Int) throws -> ChannelAudio

    /// Decodes one channel (0-based) of an upload held in memory.
    func decode(data: [UInt8], filenameHint: String?, channel: Int) throws -> ChannelAudio
}

extension AudioDecoding {
    public func decode(path: String, displayName: String) throws -> AudioBuffer {
        try decode(path: path)
    }
}

/// A source of mono float32 audio in chunks, at `sampleRate`.
public protocol AudioChunkSource {
    /// Sample rate of the chunks in Hz.
    var sampleRate: Int { get }
    /// Duration of the whole input in seconds if the container states it (may be an estimate).
    var durationHint: Double? { get }
    /// The next at most `maxSamples` samples (`maxSamples > 0`), or `nil` at the end.
    /// Chunks are shorter than `maxSamples` only at the end.
    mutating func nextChunk(maxSamples: Int) throws -> [Float]?
}

/// An ``AudioChunkSource`` over samples already in memory.
public struct BufferChunkSource: AudioChunkSource, Sendable {
    public let buffer: AudioBuffer
    private var position = 0

    public init(_ buffer: AudioBuffer) { self.buffer = buffer }

    public var sampleRate: Int { buffer.sampleRate }
    public var durationHint: Double? { buffer.duration }

    public mutating func nextChunk(maxSamples: Int) throws -> [Float]? {
        precondition(maxSamples > 0, "maxSamples must be positive")
        guard position < buffer.samples.count else { return nil }
        let end = min(buffer.samples.count, position + maxSamples)
        defer { position = end }
        return Array(buffer.samples[position..<end])
    }
}
