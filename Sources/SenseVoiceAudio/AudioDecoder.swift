// AudioDecoder: the default AudioDecoding stage (WAV natively, everything else through FFmpeg).

/// Decodes any common audio or video file into mono float32 samples at 16 kHz.
///
/// - WAV (PCM 8/16/24/32-bit, float32/64, `WAVE_FORMAT_EXTENSIBLE`, RF64) is parsed in Swift.
/// - MP3, FLAC, Ogg Vorbis/Opus, AAC/M4A, AMR, WebM and the audio track of MP4/MKV/MOV/AVI
///   (and WAV with µ-law/A-law/ADPCM) are decoded in-process by FFmpeg's libavformat/libavcodec.
/// - Formats are recognised from the bytes, never from the file name.
/// - Channels are averaged; input at another rate is resampled with torchaudio's windowed-sinc
///   resampler (``SincResampler``), so the result matches FunASR's audio loading.
///
/// Every failure is a `SenseVoiceError` with a message a user can act on: `.fileNotFound`,
/// `.ioError`, `.audioEmpty` (0 bytes, no samples, no audio track), `.audioTruncated` (the file
/// ends inside its header), `.audioInvalidHeader` (impossible header values), `.audioUnsupported`
/// (not audio, text, unknown codec), `.audioInvalidSamples` (NaN/Inf), `.audioTooLong`
/// (over ``AudioDecodingOptions/maxDurationSeconds``), `.audioDecodeFailed` (corrupt stream).
public struct AudioDecoder: AudioDecoding {
    public var options: AudioDecodingOptions

    public init(options: AudioDecodingOptions = .init()) {
        self.options = options
    }

    /// Decodes a whole file.
    public func decode(path: String) throws -> AudioBuffer {
        let stream = try AudioStream(path: path, options: options)
        let samples = try stream.readAll()
        return AudioBuffer(samples: samples, sampleRate: stream.sampleRate, warnings: stream.warnings)
    }

    /// Decodes a file named `displayName` in messages (a spooled upload).
    public func decode(path: String, displayName: String) throws -> AudioBuffer {
        let stream = try AudioStream(path: path, displayName: displayName, options: options)
        let samples = try stream.readAll()
        return AudioBuffer(samples: samples, sampleRate: stream.sampleRate, warnings: stream.warnings)
    }

    /// Decodes an upload held in memory (sniffed from its bytes; `filenameHint` names it in messages).
    public func decode(data: [UInt8], filenameHint: String?) throws -> AudioBuffer {
        try data.withUnsafeBytes { raw in
            // `raw` outlives the stream: FFmpeg reads the upload without copying it.
            let stream = try AudioStream(data: data, borrowing: raw, filenameHint: filenameHint, options: options)
            let samples = try stream.readAll()
            return AudioBuffer(samples: samples, sampleRate: stream.sampleRate, warnings: stream.warnings)
        }
    }

    /// Opens a file for chunked decoding (an ``AudioStream``): memory stays bounded however long it is.
    public func openStream(path: String) throws -> any AudioChunkSource {
        try AudioStream(path: path, options: options)
    }

    /// Opens an upload for chunked decoding (an ``AudioStream``; the bytes are copied if FFmpeg needs them).
    public func openStream(data: [UInt8], filenameHint: String?) throws -> any AudioChunkSource {
        try AudioStream(data: data, filenameHint: filenameHint, options: options)
    }
}
