// The engine's LiveSegmenter as a live stream sees it: cuts in stream time, numbered items.

import SenseVoiceEngine

/// Wraps the engine's ``LiveSegmenter`` (incremental resampling → streaming FSMN-VAD → segments)
/// for one stream: shifts its times by ``startMs`` (a realtime session starts a new one after a
/// commit) and numbers the segments as items.
struct LiveCutter: Sendable {
    /// The model's sample rate (the samples of every cut).
    static let modelRate = 16_000

    private var segmenter: LiveSegmenter
    /// Stream time (ms) at which this cutter's audio starts.
    let startMs: Int
    /// The item number the next speech start gets (an open segment holds the one before).
    private(set) var nextItem: Int

    /// - Throws: `SenseVoiceError(.invalidOption)` for a rate or options the segmenter refuses.
    /// - Parameter partialWindowMs: how much of the open segment a partial recognises
    ///   (``LiveOptions/partialWindowMs``). Likely ends are always announced, for early finals.
    init(vad: FSMNVAD, clientRate: Int, options: TranscriptionOptions, partialIntervalMs: Int,
         partialWindowMs: Int = LiveStreamSettings().partialWindowMs, startMs: Int = 0, firstItem: Int = 1) throws {
        segmenter = try LiveSegmenter(vad: vad, inputSampleRate: clientRate,
                                      options: LiveOptions(transcription: options, partialIntervalMs: partialIntervalMs,
                                                           partialWindowMs: partialWindowMs, announceLikelyEnds: true))
        self.startMs = startMs
        nextItem = firstItem
    }

    /// Audio fed so far, in ms of stream time.
    var receivedMs: Int { startMs + segmenter.receivedMs }

    /// Feeds samples at the client's rate.
    /// - Throws: `SenseVoiceError(.audioInvalidSamples)` for NaN or infinite samples (nothing of
    ///   the chunk is used; the stream goes on).
    mutating func feed(_ samples: [Float]) throws -> [LiveCut] {
        cuts(try segmenter.feed(samples))
    }

    /// Ends the audio: closes an open segment.
    mutating func finish() -> [LiveCut] {
        cuts(segmenter.finish())
    }

    private mutating func cuts(_ outputs: [LiveSegmenterOutput]) -> [LiveCut] {
        var out: [LiveCut] = []
        for output in outputs {
            switch output {
            case .speechStarted(let ms):
                out.append(.started(ms: startMs + ms, item: nextItem))
                nextItem += 1
            case .partialDue(let audio):
                out.append(.partial(shifted(audio), item: nextItem - 1))
            case .segmentClosed(let audio):
                out.append(.closed(shifted(audio), item: nextItem - 1))
            case .segmentEndLikely(let audio):
                out.append(.likelyClosed(shifted(audio), item: nextItem - 1))
            case .done:
                break
            }
        }
        return out
    }

    private func shifted(_ audio: LiveAudio) -> LiveAudio {
        guard startMs != 0 else { return audio }
        return LiveAudio(samples: audio.samples, startMs: audio.startMs + startMs, endMs: audio.endMs + startMs,
                         streamMs: audio.streamMs + startMs)
    }
}
