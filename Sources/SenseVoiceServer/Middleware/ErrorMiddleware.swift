// Turns every thrown error into the API's JSON error body, and logs server-side failures.

import HTTPTypes
public import Hummingbird
import Logging

/// Catches errors from the routes (and the router's "not found") and answers with ``APIError``'s
/// JSON body; 5xx errors are logged with the underlying error.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let api = APIError(error)
            if api.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return APIError.response(status: api.status, code: api.code, message: api.message, headers: api.headers)
        }
    }
}
