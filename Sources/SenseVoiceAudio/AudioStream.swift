// AudioStream: decode → average channels → check → resample to 16 kHz, chunk by chunk.

import SenseVoiceTensor

/// Chunked decoding of one file or upload into mono float32 at the target rate (16 kHz).
///
/// WAV (PCM 8/16/24/32-bit, float32/64, extensible) is read natively; everything else goes
/// through FFmpeg (``FFmpegSource``). Both deliver mono float32 at the input's own rate, and
/// every format then goes through the same torchaudio-compatible ``SincResampler``, so the
/// samples match FunASR's `torchaudio.load` → `mean(0)` → `Resample(orig, 16000)`.
///
/// Memory stays bounded whatever the input length: one read block (a WAV block or one
/// decoded frame), the resampler's filter state and the samples not yet handed out. Checks made
/// on the way: non-finite samples throw `.audioInvalidSamples`, input longer than
/// ``AudioDecodingOptions/maxDurationSeconds`` throws `.audioTooLong`, and input without a
/// single sample throws `.audioEmpty`.
///
/// A class because it owns an open file or FFmpeg decoder, released when it is deallocated.
/// Not `Sendable`: use one stream from one task at a time.
public final class AudioStream: AudioChunkSource {
    private enum Backend {
        case wav(WAVSource)
        case ffmpeg(FFmpegSource)
    }

    /// Sample rate of the chunks (the target rate, 16 kHz by default).
    public let sampleRate: Int
    /// Duration of the input in seconds, from the header (exact for WAV; may be an estimate).
    public let durationHint: Double?
    /// The input's own sample rate (of the latest decoded audio; 0 before decoding if unknown).
    public private(set) var sourceSampleRate: Int
    /// `"wav"` or the FFmpeg demuxer (`"mp3"`, `"ogg"`, `"mov,mp4,m4a,3gp,3g2,mj2"`, …).
    public let formatName: String
    /// `"pcm_s16le"`, `"pcm_f32le"`, … for WAV, else the FFmpeg decoder (`"mp3float"`, `"flac"`, …).
    public let codecName: String
    /// The input's channel count (0 when a compressed stream states none before decoding). The
    /// chunks are their mean, or channel ``AudioDecodingOptions/channel`` alone.
    public let channelCount: Int
    /// The file name or upload name used in error messages.
    public let displayName: String
    /// What was decoded but is not quite right, one line each (`truncated: header declares
    /// 102.4 s, file holds 0.008 s`). Complete once the stream has been read to its end.
    public private(set) var warnings: [String] = []
    /// The duration the header or container states, when it is exact (checked at the end).
    private let declaredSeconds: Double?

    private var backend: Backend
    private let options: AudioDecodingOptions
    private var resampler: SincResampler?
    private var resamplerInputRate = 0
    private var input: [Float] = []
    private var pending: [Float] = []
    private var pendingHead = 0
    private var totalInputFrames = 0
    private var framesAtRate = 0
    private var secondsBeforeRate = 0.0
    private var finished = false

    /// Opens a file. The format is sniffed from its content, not its name.
    /// - Throws: `SenseVoiceError` (`.fileNotFound`, `.ioError`, `.audioEmpty`, `.audioTruncated`,
    ///   `.audioInvalidHeader`, `.audioUnsupported`, `.audioTooLong`, `.invalidOption`).
    /// - Parameter displayName: names the file in messages (default: the path's last component),
    ///   for a file stored under another name than its owner gave it (an upload).
    public convenience init(path: String, displayName: String? = nil, options: AudioDecodingOptions = .init()) throws {
        let name = displayName ?? path.split(separator: "/").last.map(String.init) ?? path
        let source = try ByteSource(path: path, displayName: name)
        try self.init(source: source, options: options) {
            try FFmpegSource(path: path, displayName: name)
        }
    }

    /// Opens an upload held in memory (copied if FFmpeg decodes it, so the stream may outlive it).
    /// `filenameHint` only names the upload in messages; the format is sniffed from the bytes.
    public convenience init(data: [UInt8], filenameHint: String? = nil, options: AudioDecodingOptions = .init()) throws {
        let name = Self.uploadName(filenameHint)
        try self.init(source: ByteSource(bytes: data, displayName: name), options: options) {
            try data.withUnsafeBytes { try FFmpegSource(bytes: $0, copy: true, displayName: name) }
        }
    }

    /// Opens an upload whose bytes `raw` (the storage of `data`) stay valid for the stream's
    /// whole life: FFmpeg reads them without a copy.
    convenience init(data: [UInt8], borrowing raw: UnsafeRawBufferPointer, filenameHint: String?, options: AudioDecodingOptions) throws {
        let name = Self.uploadName(filenameHint)
        try self.init(source: ByteSource(bytes: data, displayName: name), options: options) {
            try FFmpegSource(bytes: raw, copy: false, displayName: name)
        }
    }

    /// Opens a stream URL FFmpeg's protocols read (`http(s)://`, HLS `.m3u8`, `rtmp://`,
    /// `rtsp://`, `udp://`), decoded as it arrives. For a URL the user chose (CLI `stream`);
    /// never for uploads, which are only ever read as bytes.
    /// - Parameter timeoutMs: a read waiting this long for data fails (`.ioError`).
    /// - Throws: `SenseVoiceError` (`.ioError` when it cannot be reached, `.audioUnsupported`,
    ///   `.audioEmpty` without an audio track, `.invalidOption`).
    public init(url: String, timeoutMs: Int = AudioStream.defaultURLTimeoutMs, options: AudioDecodingOptions = .init()) throws {
        try Self.validate(options)
        let ffmpeg = try FFmpegSource(url: url, timeoutMs: timeoutMs, displayName: url)
        self.options = options
        sampleRate = options.targetSampleRate
        displayName = url
        backend = .ffmpeg(ffmpeg)
        durationHint = ffmpeg.duration
        sourceSampleRate = ffmpeg.sampleRate
        formatName = ffmpeg.formatName
        codecName = ffmpeg.codecName
        channelCount = ffmpeg.channels
        declaredSeconds = nil  // a live stream states no exact length to check against
        try Self.check(channel: options.channel, of: channelCount, name: url)
        if let channel = options.channel { ffmpeg.select(channel: channel) }
    }

    /// How long a stream URL may go without data before a read fails: 30 s.
    public static let defaultURLTimeoutMs = 30_000

    private static func uploadName(_ hint: String?) -> String {
        guard let hint, !hint.isEmpty else { return "The upload" }
        return hint.split(separator: "/").last.map(String.init) ?? hint
    }

    private init(source: ByteSource, options: AudioDecodingOptions, openFFmpeg: () throws -> FFmpegSource) throws {
        try Self.validate(options)
        self.options = options
        sampleRate = options.targetSampleRate
        displayName = source.displayName
        let name = source.displayName
        switch try WAVHeader.parse(source) {
        case .pcm(let header):
            guard header.frameCount > 0 else {
                throw SenseVoiceError(.audioEmpty, "\(name) contains no audio samples (its data chunk is empty); choose a file that contains a recording.")
            }
            let seconds = Double(header.frameCount) / Double(header.sampleRate)
            try Self.checkDuration(seconds, options: options, name: name)
            declaredSeconds = header.declaredSeconds
            try Self.check(channel: options.channel, of: header.channels, name: name)
            channelCount = header.channels
            backend = .wav(WAVSource(header: header, source: source, channel: options.channel))
            durationHint = seconds
            sourceSampleRate = header.sampleRate
            formatName = "wav"
            codecName = switch header.encoding {
            case .unsigned8: "pcm_u8"
            case .signed16: "pcm_s16le"
            case .signed24: "pcm_s24le"
            case .signed32: "pcm_s32le"
            case .float32: "pcm_f32le"
            case .float64: "pcm_f64le"
            }
        case .notWAV, .otherCodec:
            if let text = try AudioSniffer.textPrefix(source) {
                throw SenseVoiceError(.audioUnsupported, "\(name) is a text file, not audio (it begins with \"\(text)\"); choose an audio or video file.")
            }
            let ffmpeg = try openFFmpeg()
            if let seconds = ffmpeg.duration, !ffmpeg.durationIsEstimate {
                // Container durations can be a little off; the exact check runs while decoding.
                try Self.checkDuration(seconds, options: options, name: name, slack: true)
            }
            declaredSeconds = ffmpeg.durationIsEstimate ? nil : ffmpeg.duration
            try Self.check(channel: options.channel, of: ffmpeg.channels, name: name)
            channelCount = ffmpeg.channels
            if let channel = options.channel { ffmpeg.select(channel: channel) }
            backend = .ffmpeg(ffmpeg)
            durationHint = ffmpeg.duration
            sourceSampleRate = ffmpeg.sampleRate
            formatName = ffmpeg.formatName
            codecName = ffmpeg.codecName
        }
        if case .wav = backend, let declared = declaredSeconds {
            try noteTruncation(declared: declared, holds: Double(durationHint ?? 0))
        }
    }

    /// Records (or, when ``AudioDecodingOptions/strict``, throws) that the input holds less audio
    /// than its header declares.
    private func noteTruncation(declared: Double, holds: Double) throws {
        let line = "truncated: header declares \(Self.formatSeconds(declared)), file holds \(Self.formatSeconds(holds))"
        if options.strict {
            throw SenseVoiceError(.audioTruncated, "\(displayName) is cut off: its header declares \(Self.formatSeconds(declared)) of audio but the file holds \(Self.formatSeconds(holds)). Upload or export it again, or leave strict mode off to transcribe what is there.")
        }
        warnings.append(line)
    }

    /// Seconds with up to three decimals (`102.4 s`, `0.008 s`).
    static func formatSeconds(_ seconds: Double) -> String {
        let ms = Int((max(0, seconds) * 1000).rounded())
        var fraction = String(ms % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(ms / 1000)" + (fraction.isEmpty ? "" : "." + fraction) + " s"
    }

    private static func validate(_ options: AudioDecodingOptions) throws {
        guard options.targetSampleRate > 0, options.targetSampleRate <= WAVHeader.maxSampleRate else {
            throw SenseVoiceError(.invalidOption, "The target sample rate \(options.targetSampleRate) Hz is out of range (1 to \(WAVHeader.maxSampleRate) Hz).")
        }
        guard options.wavBlockFrames > 0 else {
            throw SenseVoiceError(.invalidOption, "The WAV block size must be positive (got \(options.wavBlockFrames)).")
        }
        if let max = options.maxDurationSeconds, !(max > 0) {
            throw SenseVoiceError(.invalidOption, "The maximum duration must be positive (got \(max) s).")
        }
    }

    private static func checkDuration(_ seconds: Double, options: AudioDecodingOptions, name: String, slack: Bool = false) throws {
        guard let max = options.maxDurationSeconds else { return }
        let limit = slack ? max * 1.01 + 0.5 : max
        if seconds > limit {
            throw SenseVoiceError(.audioTooLong, "\(name) is \(formatDuration(seconds)) long; the limit is \(formatDuration(max)). Split the recording into shorter parts or raise the maximum duration.")
        }
    }

    static func formatDuration(_ seconds: Double) -> String {
        if seconds < 60 { return "\((seconds * 10).rounded() / 10) s" }
        let s = Int(seconds.rounded())
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }

    /// Samples currently held by the stream (decoded input, resampler state, output not yet
    /// handed out): stays bounded by about one read block plus one requested chunk.
    public var bufferedSampleCount: Int {
        input.count + (pending.count - pendingHead) + (resampler?.bufferedSampleCount ?? 0)
    }

    // MARK: - Reading

    /// The next at most `maxSamples` mono samples at ``sampleRate``, or `nil` at the end.
    public func nextChunk(maxSamples: Int) throws -> [Float]? {
        precondition(maxSamples > 0, "maxSamples must be positive")
        while pending.count - pendingHead < maxSamples && !finished {
            if pendingHead > 0 && pendingHead >= pending.count / 2 {
                pending.removeFirst(pendingHead)
                pendingHead = 0
            }
            try step(into: &pending)
        }
        let available = pending.count - pendingHead
        guard available > 0 else { return nil }
        let n = min(available, maxSamples)
        defer { pendingHead += n }
        return Array(pending[pendingHead..<pendingHead + n])
    }

    /// Decodes everything not yet handed out into one array.
    public func readAll() throws -> [Float] {
        var out = Array(pending[pendingHead...])
        pending = []
        pendingHead = 0
        // Reserve from the header, but never trust it beyond 10 minutes or the duration limit.
        var seconds = min(durationHint ?? 0, 600)
        if let max = options.maxDurationSeconds { seconds = min(seconds, max) }
        out.reserveCapacity(out.count + Int(seconds * Double(sampleRate)) + 16)
        while !finished { try step(into: &out) }
        return out
    }

    /// Reads one block, checks it, resamples it and appends the result to `output`.
    private func step(into output: inout [Float]) throws {
        do {
            try stepUnchecked(into: &output)
        } catch {
            finished = true
            throw error
        }
    }

    private func stepUnchecked(into output: inout [Float]) throws {
        input.removeAll(keepingCapacity: true)
        var count = 0
        var rate = 0
        switch backend {
        case .wav(let wav):
            count = try wav.read(into: &input, maxFrames: options.wavBlockFrames)
            rate = wav.header.sampleRate
        case .ffmpeg(let ffmpeg):
            (count, rate) = try ffmpeg.read(into: &input)
        }
        if count == 0 {
            finished = true
            if totalInputFrames == 0 {
                throw SenseVoiceError(.audioEmpty, "\(displayName) contains no audio samples; choose a file that contains a recording.")
            }
            resampler?.finish(into: &output)
            resampler = nil
            if case .ffmpeg = backend, let declared = declaredSeconds {
                // Containers state durations loosely; only a clear shortfall is a cut-off file.
                let holds = secondsBeforeRate + Double(framesAtRate) / Double(max(resamplerInputRate, 1))
                if declared - holds > max(1, declared * 0.05) {
                    try noteTruncation(declared: declared, holds: holds)
                }
            }
            return
        }
        if rate != resamplerInputRate {
            // First block, or the stream changed its rate mid-way (concatenated MP3s): finish the
            // old filter and start a new one.
            resampler?.finish(into: &output)
            resampler = rate == sampleRate ? nil : SincResampler(inputRate: rate, outputRate: sampleRate)
            resamplerInputRate = rate
            secondsBeforeRate += Double(framesAtRate) / Double(max(sourceSampleRate, 1))
            framesAtRate = 0
            sourceSampleRate = rate
        }
        try checkFinite(count: count, rate: rate)
        totalInputFrames += count
        framesAtRate += count
        if let max = options.maxDurationSeconds {
            let seconds = secondsBeforeRate + Double(framesAtRate) / Double(rate)
            if seconds > max {
                let total = durationHint.map { Swift.max($0, seconds) } ?? seconds
                throw SenseVoiceError(.audioTooLong, "\(displayName) is \(durationHint == nil ? "longer than \(Self.formatDuration(max))" : Self.formatDuration(total) + " long"); the limit is \(Self.formatDuration(max)). Split the recording into shorter parts or raise the maximum duration.")
            }
        }
        if resampler != nil {
            input.withUnsafeBufferPointer { resampler!.process($0, into: &output) }
        } else {
            output.append(contentsOf: input)
        }
    }

    private func checkFinite(count: Int, rate: Int) throws {
        let bad: Int? = input.withUnsafeBufferPointer { p in
            for i in 0..<count where !p[i].isFinite { return i }
            return nil
        }
        guard let bad else { return }
        let value = input[bad]
        let seconds = secondsBeforeRate + Double(framesAtRate + bad) / Double(rate)
        let kind = value.isNaN ? "NaN (not a number)" : "an infinite value"
        throw SenseVoiceError(.audioInvalidSamples, "\(displayName) contains invalid samples: \(kind) at \((seconds * 1000).rounded() / 1000) s. The file is corrupt; export the audio again.")
    }
}
