// The Prometheus registry of the service: HTTP, engine and queue metrics, rendered at /metrics.

public import Prometheus
import SenseVoiceEngine
public import SenseVoiceJobs

/// Owns the Prometheus registry and the swift-metrics factory writing into it.
///
/// Nothing is bootstrapped globally (tests build many servers in one process). Metrics:
/// - `http_requests_total{method,route,status}`, `http_request_duration_seconds{method,route}`;
/// - `sensevoice_audio_seconds_total{source}`, `sensevoice_rtf`, `sensevoice_transcriptions_total{source,outcome}`;
/// - gauges sampled at scrape time: `sensevoice_jobs{state}`, `sensevoice_inference_queue_depth`,
///   `sensevoice_inference_running`, `sensevoice_requests_pending`, `sensevoice_model_ready`.
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["http_request_duration_seconds"] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60),
        ]
        factory.valueHistogramBuckets["sensevoice_rtf"] = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]
        self.registry = registry
        self.factory = factory
    }

    /// Engine-level metrics writing into this registry.
    public var transcription: TranscriptionMetrics { TranscriptionMetrics(factory: factory) }

    /// Records one HTTP request.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(name: "http_requests_total",
                             labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(name: "http_request_duration_seconds", labels: [("method", method), ("route", route)],
                                       buckets: factory.durationHistogramBuckets["http_request_duration_seconds"] ?? [])
            .recordNanoseconds(duration.nanoseconds)
    }

    /// Samples the gauges and renders the exposition text.
    func render(host: ModelHost, store: any JobStore, pendingRequests: Int) async -> String {
        if let counts = try? await store.counts() {
            for (state, n) in counts {
                registry.makeGauge(name: "sensevoice_jobs", labels: [("state", state.rawValue)]).set(to: Double(n))
            }
        }
        let pool = host.pool
        registry.makeGauge(name: "sensevoice_inference_queue_depth").set(to: Double(pool?.queuedCount ?? 0))
        registry.makeGauge(name: "sensevoice_inference_running").set(to: Double(pool?.runningCount ?? 0))
        registry.makeGauge(name: "sensevoice_requests_pending").set(to: Double(pendingRequests))
        registry.makeGauge(name: "sensevoice_model_ready").set(to: pool == nil ? 0 : 1)
        return registry.emitToString()
    }
}

extension Duration {
    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }
}
