// Engine-level metrics recorded by the callers of the engine (house rule: the engine records none).

public import Metrics
public import SenseVoiceEngine

/// Records processed audio, real-time factors and outcomes through swift-metrics.
///
/// The factory is injected (the server passes its Prometheus factory), so tests and embedders
/// need no global bootstrap. Metric names follow Prometheus conventions:
/// `sensevoice_audio_seconds_total`, `sensevoice_rtf` (histogram),
/// `sensevoice_transcriptions_total{source,outcome}`.
public struct TranscriptionMetrics: Sendable {
    private let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Records one finished transcription.
    /// - Parameter source: `sync` (HTTP request) or `job`.
    public func recordSuccess(_ result: TranscriptionResult, source: String) {
        FloatingPointCounter(label: "sensevoice_audio_seconds_total", dimensions: [("source", source)], factory: factory)
            .increment(by: Double(result.durationMs) / 1000)
        if result.timings.rtf.isFinite {
            Recorder(label: "sensevoice_rtf", dimensions: [], aggregate: true, factory: factory)
                .record(result.timings.rtf)
        }
        Counter(label: "sensevoice_transcriptions_total", dimensions: [("source", source), ("outcome", "ok")], factory: factory)
            .increment()
    }

    /// Records one failed transcription by error code.
    public func recordFailure(code: String, source: String) {
        Counter(label: "sensevoice_transcriptions_total", dimensions: [("source", source), ("outcome", code)], factory: factory)
            .increment()
    }
}
