// Optional API key: `Authorization: Bearer KEY` on every route but health, readiness and the UI shell.

import HTTPTypes
public import Hummingbird

/// Rejects requests without the right bearer token (401), except on public paths.
///
/// The comparison takes the same time whatever the key's first mismatch, so the key cannot be
/// guessed byte by byte from response times.
public struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: [UInt8]
    let isPublic: @Sendable (String) -> Bool

    /// - Parameters:
    ///   - apiKey: the key clients must send.
    ///   - isPublic: paths that need no key.
    public init(apiKey: String, isPublic: @escaping @Sendable (String) -> Bool) {
        self.key = Array(apiKey.utf8)
        self.isPublic = isPublic
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if isPublic(request.uri.path) || authorized(request.headers[.authorization]) {
            return try await next(request, context)
        }
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = #"Bearer realm="sensevoice""#
        let message = request.headers[.authorization] == nil
            ? "this server needs an API key: send the header 'Authorization: Bearer <key>'"
            : "the API key is wrong; check the key given to sensevoice serve --api-key"
        throw APIError(.unauthorized, code: "unauthorized", message: message, headers: headers)
    }

    func authorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let given = Array(parts[1].utf8)
        var difference = UInt8(given.count == key.count ? 0 : 1)
        for i in 0..<key.count {
            difference |= key[i] ^ (i < given.count ? given[i] : 0)
        }
        return difference == 0
    }
}
