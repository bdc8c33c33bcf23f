// The engine's LiveSegmenter as a live stream sees it: cuts in stream time, numbered items.

import SenseVoiceEngine

/// Wraps the engine's ``LiveSegmenter`` (resampling → streaming FSMN-VAD → segments) for one
/// stream: shifts its times by ``startMs`` (a realtime session restarts it after a commit) and
/// numbers the segments as items.
struct LiveCutter: Sendable {
    /// The model's sample rate (the samples of every cut).
    static let modelRate = 16_000

    private var segmenter: LiveSegmenter
    /// Stream time (ms) at which this cutter's audio starts.
    let startMs: Int
    /// The item number the next speech start gets (an open segment holds the one before).
    private(set) var nextItem: Int
    /// Audio fed so far, in ms of stream time.
    private(set) var receivedMs = 0
    private let clientRate: Int
    private var receivedSamples = 0

    /// - Throws: `SenseVoiceError(.invalidOption)` for a rate the segmenter cannot take.
    init(vad: FSMNVAD, clientRate: Int, partialIntervalMs: Int, startMs: Int = 0, firstItem: Int = 1) throws {
        segmenter = try LiveSegmenter(vad: vad, sampleRate: clientRate, partialIntervalMs: partialIntervalMs)
        self.clientRate = clientRate
        self.startMs = startMs
        nextItem = firstItem
        receivedMs = startMs
    }

    /// Feeds samples at the client's rate.
    mutating func feed(_ samples: [Float]) -> [LiveCut] {
        receivedSamples += samples.count
        receivedMs = startMs + Int((Double(receivedSamples) * 1000 / Double(clientRate)).rounded())
        return cuts(segmenter.feed(samples))
    }

    /// Ends the audio: closes an open segment.
    mutating func finish() -> [LiveCut] {
        cuts(segmenter.finish())
    }

    private mutating func cuts(_ events: [LiveSegmenterEvent]) -> [LiveCut] {
        var out: [LiveCut] = []
        for event in events {
            switch event {
            case .speechStarted(let ms):
                out.append(.started(ms: startMs + ms, item: nextItem))
                nextItem += 1
            case .partialDue(let samples, let s, let e):
                out.append(.partial(samples: samples, startMs: startMs + s, endMs: startMs + e, item: nextItem - 1))
            case .segmentClosed(let samples, let s, let e):
                out.append(.closed(samples: samples, startMs: startMs + s, endMs: startMs + e, item: nextItem - 1))
            case .done:
                break
            }
        }
        return out
    }
}
