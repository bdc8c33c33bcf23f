// 405 with `Allow` for a known path asked with a method it does not take (instead of 404).

import Foundation
import HTTPTypes
import Hummingbird

/// Turns the router's 404 for a path that exists under other methods into 405 with `Allow`.
///
/// The paths and their methods come from the API description the server publishes
/// (`openapi.json`, whose `paths` list every route), so the two cannot disagree; `HEAD` is allowed
/// wherever `GET` is (the router answers it). Paths not in the description stay 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    /// A path template split into segments (`{id}` matches any one segment) and its methods.
    struct Route: Sendable {
        var segments: [Substring]
        var methods: [String]

        func matches(_ path: [Substring]) -> Bool {
            segments.count == path.count && zip(segments, path).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
    }

    let routes: [Route]

    /// Reads the routes from an OpenAPI document (no routes when it is missing or unreadable).
    init(openAPI: Data?) {
        guard let data = openAPI,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let paths = object["paths"] as? [String: Any] else {
            routes = []
            return
        }
        let verbs = ["get", "post", "put", "patch", "delete"]
        routes = paths.compactMap { path, value in
            guard let operations = value as? [String: Any] else { return nil }
            var methods = verbs.filter { operations[$0] != nil }.map { $0.uppercased() }
            if methods.contains("GET") { methods.insert("HEAD", at: methods.firstIndex(of: "GET")! + 1) }
            return Route(segments: path.split(separator: "/"), methods: methods)
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path.split(separator: "/")
            guard let route = routes.first(where: { $0.matches(path) }), !route.methods.contains(request.method.rawValue) else {
                throw error
            }
            var headers = HTTPFields()
            headers[.allow] = route.methods.joined(separator: ", ")
            throw APIError(.methodNotAllowed, code: "method_not_allowed",
                           message: "\(request.uri.path) does not take \(request.method.rawValue); it takes \(route.methods.joined(separator: ", ")) (GET /openapi.json lists the API)",
                           headers: headers)
        }
    }
}
