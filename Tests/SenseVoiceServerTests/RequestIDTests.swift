// X-Request-ID: taken from the client or generated, echoed, and in the request logger's metadata.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Logging
@testable import SenseVoiceServer
import Testing

@Suite("Request ids")
struct RequestIDTests {
    /// A router whose routes answer with the request logger's `request_id`.
    func probeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.get("/id") { _, context in
            context.logger[metadataKey: "request_id"]?.description ?? "none"
        }
        router.get("/fail") { _, _ -> String in
            throw APIError(.badRequest, code: "bad", message: "no")
        }
        return router
    }

    @Test("the client's id is used, logged and echoed")
    func clientID() async throws {
        try await Application(router: probeRouter()).test(.router) { client in
            let response = try await client.execute(uri: "/id", method: .get, headers: [.requestID: "abc-123.x:y_z"])
            #expect(response.headers[.requestID] == "abc-123.x:y_z")
            #expect(String(buffer: response.body) == "abc-123.x:y_z")
        }
    }

    @Test("a missing or unsafe id is replaced by a fresh one")
    func generatedID() async throws {
        try await Application(router: probeRouter()).test(.router) { client in
            var seen: Set<String> = []
            for header: HTTPFields in [[:], [.requestID: "bad id\u{7F}"], [.requestID: String(repeating: "a", count: 129)]] {
                let response = try await client.execute(uri: "/id", method: .get, headers: header)
                let id = try #require(response.headers[.requestID])
                #expect(UUID(uuidString: id) != nil, "\(id)")
                #expect(String(buffer: response.body) == id)
                seen.insert(id)
            }
            #expect(seen.count == 3)
        }
    }

    @Test("error responses carry the id too")
    func errorsCarryTheID() async throws {
        try await Application(router: probeRouter()).test(.router) { client in
            let response = try await client.execute(uri: "/fail", method: .get, headers: [.requestID: "err-1"])
            #expect(response.status == .badRequest)
            #expect(response.headers[.requestID] == "err-1")
            let missing = try await client.execute(uri: "/nowhere", method: .get, headers: [.requestID: "nf-1"])
            #expect(missing.status == .notFound)
            #expect(missing.headers[.requestID] == "nf-1")
        }
    }

    @Test("the full server echoes ids on its routes")
    func serverRoutes() async throws {
        let app = TestServer.application(try TestServer.environment(ready: false), workers: false)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get, headers: [.requestID: "health-1"])
            #expect(response.status == .ok)
            #expect(response.headers[.requestID] == "health-1")
        }
    }
}
