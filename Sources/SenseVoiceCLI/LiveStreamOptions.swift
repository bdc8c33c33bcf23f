// `serve`'s live-transcription options: stream count, length, idle timeout, frame size, backlog, partials.

import ArgumentParser
import SenseVoiceServer

/// `--max-streams`, `--max-stream-s`, `--stream-idle-s`, `--max-frame-kb`, `--stream-backlog-s`,
/// `--partial-interval-ms` and `--partial-window-ms` (`@OptionGroup(title: "Live streams") var live: LiveStreamOptions`).
struct LiveStreamOptions: ParsableArguments {
    @Option(name: .customLong("max-streams"), help: "Live WebSocket streams open at once (/api/v1/stream, /v1/realtime); one more is closed with code 1013.")
    var maxStreams: Int = LiveStreamSettings().maxStreams

    @Option(name: .customLong("max-stream-s"), help: "Longest audio one live stream may send, in seconds.")
    var maxStreamSeconds: Double = LiveStreamSettings().maxStreamSeconds

    @Option(name: .customLong("stream-idle-s"), help: "Close a live stream that sends nothing for this many seconds.")
    var idleSeconds: Double = Double(LiveStreamSettings().idleTimeout.components.seconds)

    @Option(name: .customLong("max-frame-kb"), help: "Largest WebSocket message (audio frame or event) in KiB.")
    var maxFrameKB: Int = LiveStreamSettings().maxFrameBytes / 1024

    @Option(name: .customLong("stream-backlog-s"), help: "Audio one live stream may have waiting for recognition, in seconds, before it is closed as too far behind.")
    var backlogSeconds: Double = LiveStreamSettings().maxBacklogSeconds

    @Option(name: .customLong("partial-interval-ms"), help: "Default partial_interval_ms of /api/v1/stream (0: finals only).")
    var partialIntervalMs: Int = LiveStreamSettings().partialIntervalMs

    @Option(name: .customLong("partial-window-ms"), help: "A partial recognises the last this many ms of the open segment (0: all of it); bounds what partials cost.")
    var partialWindowMs: Int = LiveStreamSettings().partialWindowMs

    func validate() throws {
        if maxStreams < 1 { throw ValidationError("--max-streams must be at least 1") }
        if !(maxStreamSeconds >= 1) { throw ValidationError("--max-stream-s must be at least 1") }
        if !(idleSeconds > 0) { throw ValidationError("--stream-idle-s must be positive") }
        if maxFrameKB < 1 { throw ValidationError("--max-frame-kb must be at least 1") }
        if !(backlogSeconds >= 1) { throw ValidationError("--stream-backlog-s must be at least 1") }
        if !(0...60_000).contains(partialIntervalMs) { throw ValidationError("--partial-interval-ms must be 0 to 60000") }
        if !(0...600_000).contains(partialWindowMs) { throw ValidationError("--partial-window-ms must be 0 to 600000") }
    }

    /// The server's live settings.
    var settings: LiveStreamSettings {
        LiveStreamSettings(maxStreams: maxStreams, maxStreamSeconds: maxStreamSeconds,
                           idleTimeout: .milliseconds(Int64(idleSeconds * 1000)), maxFrameBytes: maxFrameKB * 1024,
                           maxBacklogSeconds: backlogSeconds, partialIntervalMs: partialIntervalMs,
                           partialWindowMs: partialWindowMs)
    }
}
