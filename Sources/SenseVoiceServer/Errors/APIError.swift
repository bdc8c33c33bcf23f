// Every error the API answers with: `{"error":{"code":"…","message":"…"}}` and its HTTP status.

public import HTTPTypes
public import Hummingbird
import Foundation
import NIOCore
import SenseVoiceEngine
import SenseVoiceJobs

/// An API error: HTTP status, stable code, a message saying what happened and what to do next.
///
/// The only place that turns domain errors into HTTP statuses (design rule 6): see
/// ``init(_:)``.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.response(status: status, code: code, message: message, headers: headers)
    }

    /// The JSON error response.
    static func response(status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) -> Response {
        let body = ErrorBody(error: .init(code: code, message: message))
        // Two strings always encode; the literal only keeps this path free of `try`.
        let data = (try? APIResponse.encode(body)) ?? Data(#"{"error":{"code":"internal_error","message":"error"}}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct ErrorBody: Codable {
        struct Detail: Codable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    // MARK: - Common errors

    static func badRequest(_ message: String, code: String = "invalid_request") -> APIError {
        APIError(.badRequest, code: code, message: message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    static func payloadTooLarge(limitBytes: Int) -> APIError {
        APIError(.contentTooLarge, code: "payload_too_large",
                 message: "the upload is larger than the server's limit of \(limitBytes / (1024 * 1024)) MB; send a shorter or compressed recording")
    }

    static func notReady() -> APIError {
        var headers = HTTPFields()
        headers[.retryAfter] = "5"
        return APIError(.serviceUnavailable, code: "not_ready",
                        message: "the model is still loading; retry in a few seconds (GET /ready says when it is done)",
                        headers: headers)
    }

    static func busy(retryAfter seconds: Int, message: String) -> APIError {
        var headers = HTTPFields()
        headers[.retryAfter] = String(max(1, seconds))
        return APIError(.tooManyRequests, code: "queue_full", message: message, headers: headers)
    }

    // MARK: - Mapping

    /// The API error for any error a route throws.
    init(_ error: any Error) {
        switch error {
        case let e as APIError:
            self = e
        case let e as SenseVoiceError:
            self.init(Self.status(for: e.code), code: e.code.rawValue, message: e.message)
        case let e as JobError:
            switch e.code {
            case .queueFull:
                self = .busy(retryAfter: 10, message: e.message)
            case .notFound:
                self = .notFound(e.message)
            case .audioTooLarge:
                self.init(.contentTooLarge, code: e.code.rawValue, message: e.message)
            default:
                self.init(.internalServerError, code: e.code.rawValue, message: e.message)
            }
        case let e as MultipartError:
            self = .badRequest("malformed multipart/form-data: \(e.message)", code: "invalid_multipart")
        case let e as HTTPError:
            self.init(e.status, code: Self.code(for: e.status), message: e.body ?? Self.message(for: e.status))
        case let e as any HTTPResponseError:
            self.init(e.status, code: Self.code(for: e.status), message: Self.message(for: e.status))
        default:
            self.init(.internalServerError, code: "internal_error",
                      message: "the server failed unexpectedly; retry, and report it if it persists")
        }
    }

    /// The HTTP status of an engine error code.
    static func status(for code: SenseVoiceError.Code) -> HTTPResponse.Status {
        switch code {
        case .unknownLanguage, .invalidOption:
            .badRequest
        case .audioTooLong:
            .contentTooLarge
        case .audioEmpty, .audioTruncated, .audioUnsupported, .audioInvalidHeader, .audioInvalidSamples, .audioDecodeFailed:
            .unsupportedMediaType
        case .cancelled:
            .serviceUnavailable
        default:
            .internalServerError
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "invalid_request"
        case 401: "unauthorized"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 408: "request_timeout"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 429: "queue_full"
        case 503: "unavailable"
        default: status.code >= 500 ? "internal_error" : "http_\(status.code)"
        }
    }

    static func message(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "no such route; GET /openapi.json lists the API"
        case 405: "this route does not accept that method; GET /openapi.json lists the API"
        case 413: "the upload is too large for this server"
        default: status.reasonPhrase
        }
    }
}
