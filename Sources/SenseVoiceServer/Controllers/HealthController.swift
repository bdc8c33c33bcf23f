// Liveness, readiness and Prometheus metrics.

import Foundation
import HTTPTypes
import Hummingbird
import SenseVoiceEngine
import SenseVoiceJobs

/// `GET /health`, `GET /ready`, `GET /metrics`.
struct HealthController: Sendable {
    let host: ModelHost
    let store: any JobStore
    let limiter: RequestLimiter
    let metrics: ServerMetrics

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/health", use: health)
        router.get("/ready", use: ready)
        router.get("/metrics", use: prometheus)
    }

    /// Liveness: 200 whenever the process serves HTTP.
    @Sendable func health(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try APIResponse.json(["status": "ok"])
    }

    /// Readiness: 200 once the model is loaded, 503 while loading (or when loading failed).
    @Sendable func ready(_ request: Request, context: BasicRequestContext) async throws -> Response {
        struct Ready: Encodable {
            var status = "ready"
            var model: String
            var workers: Int
            var load_seconds: Double
            /// Whether a speaker model is loaded (requests may ask for `diarize`); the web UI shows its controls then.
            var speakers: Bool
        }
        switch host.status {
        case .ready(let pool):
            // The model's name (its folder's), never its path: /ready needs no key.
            let name = URL(fileURLWithPath: pool.transcriber.modelDirectory).lastPathComponent
            return try APIResponse.json(Ready(model: name, workers: pool.threadCount,
                                             load_seconds: (pool.transcriber.loadSeconds * 1000).rounded() / 1000,
                                             speakers: pool.transcriber.diarizer != nil))
        case .loading:
            throw APIError.notReady()
        case .failed(let error):
            throw APIError(.serviceUnavailable, code: "model_failed", message: "the model failed to load [\(error.code)]: \(error.message)")
        }
    }

    /// Prometheus text exposition.
    @Sendable func prometheus(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let text = await metrics.render(host: host, store: store, pendingRequests: limiter.current)
        return APIResponse.text(text, mediaType: "text/plain; version=0.0.4; charset=utf-8")
    }
}
