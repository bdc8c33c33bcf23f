// FFmpegSource: mono float32 frames at the stream's own rate from CFFmpegShim (libavformat/libavcodec).

import CFFmpegShim
import SenseVoiceTensor

/// Owns one `svff_decoder` and frees it (and every FFmpeg object it holds) on deinit.
private final class FFmpegHandle {
    let decoder: OpaquePointer
    init(_ decoder: OpaquePointer) { self.decoder = decoder }
    deinit { svff_close(decoder) }
}

/// Every non-WAV format (and WAV with codecs other than PCM/float): MP3, FLAC, Ogg Vorbis/Opus,
/// AAC/M4A, AMR, WebM and the audio track of MP4/MKV/MOV/AVI, decoded in-process by FFmpeg.
///
/// The shim averages channels (torchaudio's normalisation for integer formats) and returns
/// the stream's native rate; resampling happens in ``AudioStream`` with ``SincResampler``.
struct FFmpegSource {
    private let handle: FFmpegHandle
    /// The demuxer ("mp3", "ogg", "mov,mp4,m4a,3gp,3g2,mj2", …).
    let formatName: String
    /// The decoder ("mp3float", "flac", "aac", …).
    let codecName: String
    /// Sample rate from the stream parameters (0 if only known after decoding).
    let sampleRate: Int
    /// Duration from the container, if it states one.
    let duration: Double?
    /// Whether `duration` is only a bit-rate estimate (MP3 without a Xing header).
    let durationIsEstimate: Bool
    private let displayName: String

    /// Opens a file; the format is found from its content, not its name.
    init(path: String, displayName: String) throws {
        self = try Self.open(displayName: displayName) { out, message, size in
            svff_open_file(path, out, message, size)
        }
    }

    /// Opens a URL through FFmpeg's network protocols (CLI `stream` only: never for uploads).
    init(url: String, timeoutMs: Int, displayName: String) throws {
        self = try Self.open(displayName: displayName) { out, message, size in
            svff_open_url(url, Int32(clamping: timeoutMs), out, message, size)
        }
    }

    /// Opens bytes in memory. With `copy` false the bytes must outlive the source.
    init(bytes: UnsafeRawBufferPointer, copy: Bool, displayName: String) throws {
        self = try Self.open(displayName: displayName) { out, message, size in
            svff_open_memory(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                             copy ? 1 : 0, out, message, size)
        }
    }

    private init(handle: FFmpegHandle, displayName: String) {
        self.handle = handle
        self.displayName = displayName
        let d = handle.decoder
        formatName = String(cString: svff_format_name(d))
        codecName = String(cString: svff_codec_name(d))
        sampleRate = Int(svff_sample_rate(d))
        let seconds = svff_duration(d)
        duration = seconds > 0 && seconds.isFinite ? seconds : nil
        durationIsEstimate = svff_duration_is_estimate(d) != 0
    }

    private static func open(displayName: String,
                             _ body: (UnsafeMutablePointer<OpaquePointer?>, UnsafeMutablePointer<CChar>, Int) -> Int32)
        throws -> FFmpegSource {
        var decoder: OpaquePointer?
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { m in body(&decoder, m.baseAddress!, m.count) }
        guard status == SVFF_OK, let decoder else {
            throw error(status: status, message: string(message), displayName: displayName)
        }
        return FFmpegSource(handle: FFmpegHandle(decoder), displayName: displayName)
    }

    /// The stream's channel count from its parameters (0 when unknown before decoding).
    var channels: Int { Int(svff_channels(handle.decoder)) }

    /// Makes ``read(into:)`` return channel `channel` (0-based) alone instead of the mean of all
    /// channels. Call before the first read.
    func select(channel: Int) {
        _ = svff_select_channel(handle.decoder, Int32(clamping: channel))
    }

    /// Decodes the next frame and appends its mono samples to `output`.
    /// - Returns: the number of samples appended (0 at the end) and their sample rate.
    func read(into output: inout [Float]) throws -> (count: Int, sampleRate: Int) {
        var samples: UnsafePointer<Float>?
        var count: Int32 = 0
        var rate: Int32 = 0
        let status = svff_read(handle.decoder, &samples, &count, &rate)
        if status == SVFF_END { return (0, 0) }
        guard status == SVFF_OK, let samples, count > 0 else {
            throw Self.error(status: status, message: String(cString: svff_message(handle.decoder)),
                             displayName: displayName, codec: codecName)
        }
        output.append(contentsOf: UnsafeBufferPointer(start: samples, count: Int(count)))
        return (Int(count), Int(rate))
    }

    private static func string(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Maps a shim status to a `SenseVoiceError` a user can act on.
    private static func error(status: Int32, message: String, displayName name: String,
                              codec: String? = nil) -> SenseVoiceError {
        let detail = message.isEmpty ? "" : " (\(message))"
        switch status {
        case SVFF_ERR_NOT_FOUND:
            return SenseVoiceError(.fileNotFound, "\(name): no such file. Check the path.")
        case SVFF_ERR_IO:
            return SenseVoiceError(.ioError, "\(name) could not be read\(detail).")
        case SVFF_ERR_UNRECOGNIZED, SVFF_ERR_FORMAT_REJECTED:
            // The shim's own wording says the same as ours: keep only what it adds.
            let said = "not a recognised audio or video format"
            let extra = message.hasPrefix(said) ? String(message.dropFirst(said.count)) : detail
            return SenseVoiceError(.audioUnsupported,
                                   "\(name) is not in a recognised audio or video format\(extra). Use WAV, MP3, FLAC, Ogg (Vorbis/Opus), M4A/AAC, AMR, WebM, MP4, MKV or MOV.")
        case SVFF_ERR_NO_DECODER:
            return SenseVoiceError(.audioUnsupported, "\(name) uses an audio codec this build cannot decode\(detail). Convert it to WAV, FLAC or MP3.")
        case SVFF_ERR_NO_AUDIO:
            return SenseVoiceError(.audioEmpty, "\(name) contains no audio track; choose a file with sound.")
        case SVFF_ERR_INVALID_HEADER, SVFF_ERR_INVALID_PARAMS:
            return SenseVoiceError(.audioInvalidHeader, "\(name) has an invalid header\(detail). The file is damaged; export the audio again.")
        case SVFF_ERR_NOMEM:
            return SenseVoiceError(.internalError, "\(name): out of memory while decoding\(detail).")
        default:
            let what = codec.map { " \($0)" } ?? ""
            return SenseVoiceError(.audioDecodeFailed, "\(name): the\(what) audio could not be decoded\(detail). The file is damaged or incomplete; export the audio again.")
        }
    }
}
