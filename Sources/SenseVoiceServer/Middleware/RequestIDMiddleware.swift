// Request ids: the client's `X-Request-ID` (or a new one) in the logs and echoed in the response.

import Foundation
public import HTTPTypes
public import Hummingbird
import Logging

/// Gives every request an id: the client's `X-Request-ID` when it is a sensible token (1–128
/// characters of letters, digits and `-_.:`), otherwise a new UUID. The id goes into the request
/// logger's metadata as `request_id` (and replaces Hummingbird's own `hb.request.id`, so both
/// agree) and back to the client in the response's `X-Request-ID` header, errors included.
///
/// Add it first (outermost), so every later middleware and route logs with the id.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = Self.acceptable(request.headers[.requestID]) ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        let start = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            log(request, context, status: response.status.code, start: start)
            return response
        } catch {
            // Errors are turned into responses by ErrorMiddleware inside this one; anything that
            // still escapes gets the id in its API error headers when it carries some.
            if var api = error as? APIError {
                api.headers[.requestID] = id
                log(request, context, status: api.status.code, start: start)
                throw api
            }
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.debug("request", metadata: [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(status)",
            "duration_ms": "\((ms * 10).rounded() / 10)",
        ])
    }

    /// The client's id if it is safe to log and echo.
    static func acceptable(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
        }
        return allowed ? value : nil
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`.
    public static var requestID: Self { Self("X-Request-ID")! }
}
