// Follows funasr/models/campplus/utils.py: sv_chunk (1.5 s windows every 0.75 s per VAD segment).

/// One 1.5 s stretch of a speech segment whose CAM++ embedding is clustered.
public struct SpeakerWindow: Sendable, Equatable {
    /// Start and end in seconds, computed as FunASR does (`sample / fs + segmentStart`).
    public var start: Double
    public var end: Double
    /// The samples of the file the window covers (`startSample ..< endSample`).
    public var startSample: Int
    public var endSample: Int
    /// The index of the speech segment the window belongs to.
    public var segment: Int

    public init(start: Double, end: Double, startSample: Int, endSample: Int, segment: Int) {
        self.start = start
        self.end = end
        self.startSample = startSample
        self.endSample = endSample
        self.segment = segment
    }

    /// Whether the window is shorter than ``windowSamples`` and is zero-padded to it.
    public var isPadded: Bool { endSample - startSample < Self.windowSamples }

    /// Samples per window (1.5 s at 16 kHz) and between window starts (0.75 s).
    public static let windowSamples = 24_000
    public static let shiftSamples = 12_000
    /// The sample rate the windows are counted in.
    public static let sampleRate = 16_000

    /// The windows of speech segments given in milliseconds, over a file of `sampleCount` samples.
    ///
    /// A segment covers samples `int(startMs·16) ..< min(int(endMs·16), sampleCount)`. Windows start
    /// every 0.75 s; the first that reaches the segment's end is moved back to end exactly there, and
    /// no window follows it. A segment shorter than 1.5 s gives one window over all of it (padded
    /// with zeros when embedded); an empty segment gives none.
    public static func windows(segmentsMs: [(start: Int, end: Int)], sampleCount: Int) -> [SpeakerWindow] {
        var result: [SpeakerWindow] = []
        let fs = Double(sampleRate)
        for (index, seg) in segmentsMs.enumerated() {
            let first = seg.start * sampleRate / 1000
            let last = min(seg.end * sampleRate / 1000, sampleCount)
            let count = max(last - first, 0)
            let segStart = Double(seg.start) / 1000.0
            var previousEnd = 0
            var chunk = 0
            while chunk < count {
                let end = min(chunk + windowSamples, count)
                if end <= previousEnd { break }
                previousEnd = end
                let start = max(0, end - windowSamples)
                result.append(SpeakerWindow(start: Double(start) / fs + segStart, end: Double(end) / fs + segStart,
                                            startSample: first + start, endSample: first + end, segment: index))
                chunk += shiftSamples
            }
        }
        return result
    }
}
