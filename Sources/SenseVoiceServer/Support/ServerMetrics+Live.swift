// Live-stream metrics: active streams, final latency, partials skipped, streams by protocol and outcome.

import Prometheus

extension ServerMetrics {
    /// Metrics of the WebSocket routes:
    /// - `sensevoice_live_streams_active{protocol}` (gauge);
    /// - `sensevoice_live_streams_total{protocol,outcome}`;
    /// - `sensevoice_live_final_latency_seconds` (histogram): from the VAD's end decision to the
    ///   final event written to the client;
    /// - `sensevoice_live_partials_skipped_total`: partials superseded before they ran or were sent;
    /// - `sensevoice_live_early_finals_total{outcome}`: segments recognised while trailing silence
    ///   ran, before the VAD decided their end: `used` (the final had the same samples and was sent
    ///   at once), `unused` (speech went on or the end differed), `dropped` (superseded before it ran);
    /// - `sensevoice_live_audio_seconds_total`.
    var live: LiveMetrics { LiveMetrics(registry: registry) }
}

/// Writes the live-stream metrics into the server's registry.
struct LiveMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    static let latencyBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(200),
        .milliseconds(300), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
    ]

    // Descriptors are computed: the type is not Sendable, so it cannot be a static constant.
    static var active: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sensevoice", subsystem: "live", metricName: "streams_active", unitName: "",
                             helpText: "Live WebSocket streams open now.")
    }
    static var streams: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sensevoice", subsystem: "live", metricName: "streams", unitName: "total",
                             helpText: "Live WebSocket streams by protocol and how they ended.")
    }
    static var latency: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sensevoice", subsystem: "live", metricName: "final_latency", unitName: "seconds",
                             helpText: "Time from the VAD's end-of-segment decision to the final event written to the client.")
    }
    static var skipped: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sensevoice", subsystem: "live", metricName: "partials_skipped", unitName: "total",
                             helpText: "Partial results skipped: superseded by a newer one before they ran or reached the client.")
    }
    static var earlyFinals: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sensevoice", subsystem: "live", metricName: "early_finals", unitName: "total",
                             helpText: "Segments recognised before the VAD decided their end, by whether the final used the result.")
    }
    static var audioSeconds: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sensevoice", subsystem: "live", metricName: "audio_seconds", unitName: "total",
                             helpText: "Seconds of audio received by live streams.")
    }

    func opened(protocol name: String) {
        registry.makeGauge(descriptor: Self.active, labels: [("protocol", name)]).increment()
    }

    func closed(protocol name: String, outcome: String) {
        registry.makeGauge(descriptor: Self.active, labels: [("protocol", name)]).decrement()
        registry.makeCounter(descriptor: Self.streams, labels: [("protocol", name), ("outcome", outcome)]).increment()
    }

    func rejected(protocol name: String, reason: String) {
        registry.makeCounter(descriptor: Self.streams, labels: [("protocol", name), ("outcome", reason)]).increment()
    }

    func finalLatency(_ duration: Duration) {
        registry.makeDurationHistogram(descriptor: Self.latency, buckets: Self.latencyBuckets).recordNanoseconds(duration.nanoseconds)
    }

    func partialSkipped() {
        registry.makeCounter(descriptor: Self.skipped).increment()
    }

    /// What became of an early final.
    enum EarlyFinalOutcome: String {
        case used, unused, dropped
    }

    func earlyFinal(_ outcome: EarlyFinalOutcome) {
        registry.makeCounter(descriptor: Self.earlyFinals, labels: [("outcome", outcome.rawValue)]).increment()
    }

    func audio(seconds: Double) {
        registry.makeCounter(descriptor: Self.audioSeconds).increment(by: seconds)
    }
}
