// What OpenAI clients ask besides transcriptions: models.retrieve and translations.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import SenseVoiceServer
import Testing

@Suite("OpenAI: models/{id} and translations")
struct OpenAICompatTests {
    /// OpenAI's error body: message, type, code (and param).
    static func openAIError(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let object = try response.json(sourceLocation: sourceLocation)
        let error = try #require(object["error"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(error["type"] as? String == "invalid_request_error", sourceLocation: sourceLocation)
        #expect((error["message"] as? String ?? "").count > 20, sourceLocation: sourceLocation)
        return error
    }

    @Test("GET /v1/models/sensevoice-small is the model; another id is OpenAI's model_not_found")
    func retrieve() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let model = try await client.execute(uri: "/v1/models/sensevoice-small", method: .get)
            #expect(model.status == .ok)
            let object = try model.json()
            #expect(object["id"] as? String == "sensevoice-small")
            #expect(object["object"] as? String == "model")
            let listed = try await client.execute(uri: "/v1/models", method: .get).json()
            #expect(((listed["data"] as? [[String: Any]])?.first?["id"] as? String) == object["id"] as? String)

            let other = try await client.execute(uri: "/v1/models/whisper-1", method: .get)
            #expect(other.status == .notFound)
            let error = try Self.openAIError(other)
            #expect(error["code"] as? String == "model_not_found")
            #expect((error["message"] as? String)?.contains("whisper-1") == true)
        }
    }

    @Test("POST /v1/audio/translations says, in OpenAI's error shape, that the model only transcribes")
    func translations() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: [("model", "whisper-1")])
            let response = try await client.execute(uri: "/v1/audio/translations", method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .badRequest)
            let error = try Self.openAIError(response)
            #expect(error["code"] as? String == "translation_not_supported")
            let message = try #require(error["message"] as? String)
            #expect(message.contains("only transcribes") && message.contains("/v1/audio/transcriptions"))
        }
    }
}
