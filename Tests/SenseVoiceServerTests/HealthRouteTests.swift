// GET /health, /ready, /metrics, /openapi.json, the UI shell, unknown routes.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SenseVoiceEngine
import SenseVoiceJobs
@testable import SenseVoiceServer
import Testing

@Suite("Health, readiness, metrics and documents")
struct HealthRouteTests {
    @Test("GET /health answers 200 even while the model loads")
    func health() async throws {
        let app = TestServer.application(try TestServer.environment(ready: false), workers: false)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(try response.json()["status"] as? String == "ok")
        }
    }

    @Test("GET /ready is 200 with the model, 503 not_ready with Retry-After while loading")
    func ready() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let response = try await client.execute(uri: "/ready", method: .get)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["status"] as? String == "ready")
            #expect(body["workers"] as? Int == 2)
        }
        try await TestServer.application(try TestServer.environment(ready: false), workers: false).test(.router) { client in
            let response = try await client.execute(uri: "/ready", method: .get)
            try expectError(response, .serviceUnavailable, code: "not_ready")
            #expect(response.headers[.retryAfter] == "5")
        }
    }

    @Test("GET /ready is 503 model_failed when loading failed")
    func readyFailed() async throws {
        let env = try TestServer.environment(ready: false)
        env.host.setFailed(SenseVoiceError(.modelNotFound, "no model here"))
        try await TestServer.application(env, workers: false).test(.router) { client in
            try expectError(try await client.execute(uri: "/ready", method: .get), .serviceUnavailable, code: "model_failed")
        }
    }

    @Test("routes needing the model answer 503 while it loads")
    func notReadyTranscription() async throws {
        try await TestServer.application(try TestServer.environment(ready: false), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"))
            for uri in ["/api/v1/transcriptions", "/v1/audio/transcriptions"] {
                let response = try await client.execute(uri: uri, method: .post, headers: body.headers, body: body.buffer)
                try expectError(response, .serviceUnavailable, code: "not_ready")
            }
        }
    }

    @Test("GET /metrics exposes requests by route and status, latency, audio seconds, RTF, queue depth and jobs by state")
    func metrics() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"))
            #expect(try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: body.headers, body: body.buffer).status == .ok)
            _ = try await client.execute(uri: "/nowhere", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = response.text
            for needle in [
                #"http_requests_total{method="POST",route="/api/v1/transcriptions",status="200"} 1"#,
                #"http_requests_total{method="GET",route="NotFound",status="404"} 1"#,
                "http_request_duration_seconds_bucket{",
                #"sensevoice_audio_seconds_total{source="sync"} 6.4"#,
                "sensevoice_rtf_bucket{",
                "sensevoice_inference_queue_depth ", "sensevoice_inference_running ", "sensevoice_requests_pending ",
                #"sensevoice_jobs{state="queued"} 0.0"#,
                "sensevoice_model_ready 1.0",
            ] {
                #expect(text.contains(needle), "missing \(needle) in\n\(text)")
            }
        }
    }

    @Test("unknown routes and methods answer with the JSON error body")
    func notFound() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            try expectError(try await client.execute(uri: "/api/v2/nothing", method: .get), .notFound, code: "not_found")
            try expectError(try await client.execute(uri: "/etc/passwd", method: .get), .notFound, code: "not_found")
            try expectError(try await client.execute(uri: "/../../etc/passwd", method: .get), .notFound, code: "not_found")
        }
    }

    @Test("GET /openapi.json describes every route; / serves the web UI shell")
    func documents() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let doc = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(doc.status == .ok)
            let paths = try #require(try doc.json()["paths"] as? [String: Any])
            for path in ["/health", "/ready", "/metrics", "/api/v1/transcriptions", "/v1/audio/transcriptions",
                         "/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/result", "/api/v1/jobs/{id}/events"] {
                #expect(paths[path] != nil, "openapi.json lacks \(path)")
            }
            let ui = try await client.execute(uri: "/", method: .get)
            #expect(ui.status == .ok)
            #expect(ui.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(ui.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(ui.text.contains("<html"))
            #expect(!ui.text.contains("http://") && !ui.text.contains("https://"), "the UI must not load anything from the network")
        }
    }
}
