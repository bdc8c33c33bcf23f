// What a LiveSegmenter hands its caller: boundaries and the audio to recognise, no recognition.

/// One output of ``LiveSegmenter``, in stream order.
public enum LiveSegmenterOutput: Sendable, Equatable {
    /// The VAD found the start of speech at `startMs` (ms from the start of the stream).
    case speechStarted(startMs: Int)
    /// The open segment grew by another partial interval: recognise `audio` for a `partial` event.
    /// A newer `partialDue` or the segment's `segmentClosed` supersedes it.
    case partialDue(LiveAudio)
    /// The VAD closed a segment (speech ended, the maximum length was reached, or the stream
    /// ended): recognise `audio` for its `final` event.
    case segmentClosed(LiveAudio)
    /// Only with ``LiveOptions/announceLikelyEnds``: trailing silence inside the open segment
    /// makes its end predictable; `audio` is the segment as it will close if the silence lasts.
    /// The `segmentClosed` that may follow has the same samples when the guess holds; speech may
    /// also resume, and then nothing refers to this again.
    case segmentEndLikely(LiveAudio)
    /// The stream ended after `durationMs` of audio; nothing follows.
    case done(durationMs: Int)
}
