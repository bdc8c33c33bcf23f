// What OpenAI clients ask besides transcriptions: one model by id, and translations (which this
// model does not do), answered in OpenAI's own error shape.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /v1/models/{id}` and `POST /v1/audio/translations`.
///
/// OpenAI's SDKs read errors as `{"error":{"message","type","param","code"}}`; these routes answer
/// in that shape (a superset of the API's `{"error":{"code","message"}}`), so
/// `client.audio.translations.create(…)` raises an error whose message says what to do instead of
/// a bare 404.
struct OpenAICompatController: Sendable {
    /// The id `GET /v1/models` lists.
    static let modelID = "sensevoice-small"

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/models/{id}", use: model)
        router.post("/v1/audio/translations", use: translations)
    }

    /// `GET /v1/models/{id}`: the one model, or OpenAI's `model_not_found`.
    @Sendable func model(_ request: Request, context: BasicRequestContext) async throws -> Response {
        struct Model: Encodable {
            var id = OpenAICompatController.modelID
            var object = "model"
            var created = 0
            var owned_by = "FunAudioLLM"
        }
        let id = context.parameters.get("id") ?? ""
        guard id == Self.modelID else {
            return Self.error(.notFound, code: "model_not_found", param: "model",
                              message: "The model '\(id.prefix(100))' does not exist; this server serves '\(Self.modelID)' (GET /v1/models).")
        }
        return try APIResponse.json(Model())
    }

    /// `POST /v1/audio/translations`: refused without reading the upload.
    @Sendable func translations(_ request: Request, context: BasicRequestContext) async throws -> Response {
        Self.error(.badRequest, code: "translation_not_supported", param: "model",
                   message: "\(Self.modelID) only transcribes: it writes what was said in the language it was said in, and cannot translate. Use POST /v1/audio/transcriptions (audio.transcriptions.create), then translate the text with another model.")
    }

    /// OpenAI's error body.
    static func error(_ status: HTTPResponse.Status, code: String, param: String?, message: String) -> Response {
        struct Body: Encodable {
            struct Detail: Encodable {
                var message: String
                var type = "invalid_request_error"
                var param: String?
                var code: String
            }
            var error: Detail
        }
        let body = Body(error: .init(message: message, param: param, code: code))
        let data = (try? APIResponse.encode(body)) ?? Data(#"{"error":{"message":"error","type":"invalid_request_error","code":"error"}}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
