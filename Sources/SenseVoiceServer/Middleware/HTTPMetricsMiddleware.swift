// Counts requests by route and status and times them (outermost middleware, so errors count too).

import HTTPTypes
public import Hummingbird

/// Records `http_requests_total` and `http_request_duration_seconds` for every request.
///
/// The route label is the matched route pattern (`/api/v1/jobs/{id}`), `NotFound` otherwise, so
/// the label set stays small whatever clients send.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    public init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, start: start)
            return response
        } catch {
            record(request, context, status: APIError(error).status.code, start: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        metrics.recordRequest(method: request.method.rawValue, route: context.endpointPath ?? "NotFound",
                              status: status, duration: ContinuousClock.now - start)
    }
}
