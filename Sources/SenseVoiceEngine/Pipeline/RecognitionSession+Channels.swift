// `--channels split`: each channel of a file recognised on its own, one speaker per channel, and
// the segments of all channels merged in time order.

extension RecognitionSession {
    /// Transcribes every channel of a file on its own and merges the segments in time order.
    ///
    /// Each channel goes through ``transcribe(_:file:options:decodeSeconds:progress:segmentsFinished:isCancelled:observe:)``
    /// (VAD → merge → batches → text) as if it were a mono file; its segments carry `channel` and
    /// the channel's speaker name. Segments are ordered by start time (then channel): overlapping
    /// speech on two channels is kept from both. Channels are decoded one at a time, so only one
    /// channel's samples are held at once.
    /// - Parameters:
    ///   - file: name reported in the result and messages.
    ///   - options: the request; its ``TranscriptionOptions/channels`` names the speakers.
    ///   - progress: (done, total) over all channels, assuming channels of similar length.
    ///   - isCancelled: checked between channels and batches.
    ///   - decode: decodes channel `n` (0-based) with its channel count; called for channel 0
    ///     first, then for each further channel.
    /// - Throws: `.invalidOption` for a mono file or more speaker names than channels (after
    ///   decoding channel 0), what `decode` and ``transcribe(_:file:options:decodeSeconds:progress:segmentsFinished:isCancelled:observe:)`` throw.
    public func transcribeChannels(file: String?, options: TranscriptionOptions, progress: ((Int, Int) -> Void)? = nil,
                                   isCancelled: (() -> Bool)? = nil,
                                   decode: (Int) throws -> ChannelAudio) throws -> TranscriptionResult {
        let split = options.channels ?? ChannelSplitOptions()
        try options.validate()
        var perChannel = options
        perChannel.channels = nil
        let clock = Stopwatch()
        var timings = Timings()
        var segments: [SegmentResult] = []
        var warnings: [String] = []
        var durationMs = 0
        var count = 1
        var channel = 0
        while channel < count {
            if isCancelled?() == true { throw SenseVoiceError(.cancelled, "transcription of \(file ?? "audio") was cancelled") }
            let decodeClock = Stopwatch()
            let decoded = try decode(channel)
            let decodeSeconds = decodeClock.seconds
            if channel == 0 {
                try split.check(channelCount: decoded.channelCount, file: file.map(Self.lastComponent) ?? "the audio")
                count = decoded.channelCount
            }
            let c = channel
            let result = try transcribe(decoded.audio, file: file, options: perChannel, decodeSeconds: decodeSeconds,
                                        progress: { done, total in progress?(c * total + done, count * total) },
                                        isCancelled: isCancelled)
            for var segment in result.segments {
                segment.channel = c
                segment.speaker = split.name(of: c)
                segments.append(segment)
            }
            for warning in result.warnings ?? [] where !warnings.contains(warning) { warnings.append(warning) }
            durationMs = max(durationMs, result.durationMs)
            timings.add(result.timings)
            channel += 1
        }
        // Stable: equal starts keep channel order.
        segments = segments.enumerated().sorted { a, b in
            (a.element.startMs, a.element.channel ?? 0, a.offset) < (b.element.startMs, b.element.channel ?? 0, b.offset)
        }.map(\.element)
        timings.totalMs = clock.seconds * 1000
        let seconds = Double(durationMs) / 1000
        timings.rtf = seconds > 0 ? timings.totalMs / 1000 / seconds : 0
        var result = TranscriptionResult(file: file, durationMs: durationMs, segments: segments, timings: timings)
        result.warnings = warnings
        result.speakers = SpeakerSummary.summaries(of: segments)
        return result
    }
}

extension RecognitionSession {
    /// A path's file name, for messages (`/calls/a.wav` → `a.wav`).
    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

extension Timings {
    /// Adds another pass's stage times (decode, VAD, features, encoder); total and RTF are left
    /// to the caller.
    mutating func add(_ other: Timings) {
        decodeMs += other.decodeMs
        vadMs += other.vadMs
        featuresMs += other.featuresMs
        encoderMs += other.encoderMs
    }
}
