// --api-key: Bearer on every route but /health, /ready, /openapi.json and the UI shell.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import SenseVoiceServer
import Testing

@Suite("API key")
struct AuthTests {
    static func headers(_ value: String?) -> HTTPFields {
        var h = HTTPFields()
        if let value { h[.authorization] = value }
        return h
    }

    @Test("401 without or with a wrong key; 200 with the right one; public paths open")
    func apiKey() async throws {
        let env = try TestServer.environment { $0.apiKey = "s3cret-key" }
        try await TestServer.application(env, workers: false).test(.router) { client in
            for uri in ["/api/v1/jobs", "/metrics", "/v1/models"] {
                let missing = try await client.execute(uri: uri, method: .get)
                try expectError(missing, .unauthorized, code: "unauthorized")
                #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                try expectError(try await client.execute(uri: uri, method: .get, headers: Self.headers("Bearer s3cret-kez")), .unauthorized, code: "unauthorized")
                try expectError(try await client.execute(uri: uri, method: .get, headers: Self.headers("Bearer s3cret")), .unauthorized, code: "unauthorized")
                try expectError(try await client.execute(uri: uri, method: .get, headers: Self.headers("Basic s3cret-key")), .unauthorized, code: "unauthorized")
                #expect(try await client.execute(uri: uri, method: .get, headers: Self.headers("Bearer s3cret-key")).status == .ok)
            }
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"))
            try expectError(try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: body.headers, body: body.buffer),
                            .unauthorized, code: "unauthorized")
            for uri in ["/health", "/ready", "/", "/openapi.json"] {
                #expect(try await client.execute(uri: uri, method: .get).status == .ok, "\(uri) must stay open")
            }
        }
    }
}
