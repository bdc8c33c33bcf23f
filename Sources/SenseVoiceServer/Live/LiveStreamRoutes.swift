// The WebSocket side of the server: `GET /api/v1/stream` and `GET /v1/realtime?intent=transcription`.

import HTTPTypes
import Hummingbird
public import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import SenseVoiceEngine
import SenseVoiceJobs

/// Upgrades the live routes to WebSockets and runs each stream as a ``LiveConnection``.
///
/// Every other request goes on to the HTTP router. The checks happen after the upgrade, so a
/// browser (which cannot read an HTTP status of a failed upgrade) hears why: the API key
/// (`Authorization: Bearer` or the subprotocol `openai-insecure-api-key.<key>`; close 1008),
/// the model (close 1013 while loading), the VAD model (close 1011 without `--vad-model`),
/// `--max-streams` (close 1013, try again later), the query (close 1008). Each refusal first
/// sends an `error` event.
public struct LiveStreamRoutes: Sendable {
    let host: ModelHost
    let settings: LiveStreamSettings
    let metrics: ServerMetrics
    let auth: AuthMiddleware<BasicRequestContext>?
    let registry: LiveStreamRegistry
    let scheduler: LiveScheduler
    let logger: Logger
    /// `serve --denoise`: the denoiser of streams that do not choose one, and the RNNoise model.
    let denoise: DenoiseMethod

    /// The WebSocket paths.
    static let streamPath = "/api/v1/stream"
    static let realtimePath = "/v1/realtime"
    static let keyProtocolPrefix = "openai-insecure-api-key."
    /// Pause between the upgrade and the server's first frame.
    static let handshakeGrace: Duration = .milliseconds(50)

    public init(_ env: ServerEnvironment) {
        host = env.host
        settings = env.configuration.live
        metrics = env.metrics
        auth = env.configuration.apiKey.map { AuthMiddleware(apiKey: $0, isPublic: { _ in false }) }
        registry = LiveStreamRegistry(limit: env.configuration.live.maxStreams)
        scheduler = LiveScheduler(slots: env.configuration.engine.workers)
        logger = env.logger
        denoise = env.configuration.engine.denoise
    }

    /// HTTP/1.1 with the WebSocket upgrade of the live routes.
    /// - Parameters:
    ///   - http1: the plain HTTP side's settings (the request timeouts' channel handler).
    ///   - headerTimeout: the first request's headers must arrive within this (``FirstHeadDeadline``;
    ///     with the upgrader, `http1`'s handlers only join once a whole head has been read).
    public func server(http1: HTTP1Channel.Configuration = .init(), headerTimeout: Duration) -> HTTPServerBuilder {
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: http1,
            ws: WebSocketServerConfiguration(maxFrameSize: settings.maxFrameBytes,
                                             autoPing: .enabled(timePeriod: .seconds(30)),
                                             closeTimeout: .seconds(5)))
        return HTTPServerBuilder { [self] responder in
            HeaderDeadlineChannel(base: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: configuration,
                                                                     shouldUpgrade: { [self] head, _, _ in upgrade(head) }),
                                  timeout: headerTimeout)
        }
    }

    /// Plain HTTP requests to the live paths: 426, naming the protocol to use.
    static func addRoutes(to router: Router<BasicRequestContext>) {
        for path in [Self.streamPath, Self.realtimePath] {
            router.get(RouterPath(path)) { _, _ -> Response in
                var headers = HTTPFields()
                headers[.upgrade] = "websocket"
                throw APIError(.upgradeRequired, code: "websocket_required",
                               message: "\(path) is a WebSocket endpoint; connect with a WebSocket client (ws://…\(path))", headers: headers)
            }
        }
    }

    // MARK: - Upgrade

    func upgrade(_ head: HTTPRequest) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let uri = URI(head.path ?? "/")
        let kind: Kind
        switch uri.path {
        case Self.streamPath: kind = .stream
        case Self.realtimePath: kind = .realtime
        default: return .dontUpgrade
        }
        var parsed: [String: String] = [:]
        for (key, value) in uri.queryParameters { parsed[String(key)] = String(value) }
        let query = parsed
        let offered = (head.headerFields[.secWebSocketProtocol] ?? "").split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        let authorized = isAuthorized(header: head.headerFields[.authorization], protocols: offered)
        var headers = HTTPFields()
        // A browser that offered subprotocols fails the handshake unless one is chosen.
        if let chosen = offered.first(where: { !$0.hasPrefix(Self.keyProtocolPrefix) }) ?? offered.first {
            headers[.secWebSocketProtocol] = chosen
        }
        return .upgrade(headers) { [self] inbound, outbound, context in
            await serve(kind, query: query, authorized: authorized, inbound: inbound, outbound: outbound, logger: context.logger)
        }
    }

    enum Kind: Sendable {
        case stream, realtime
    }

    func isAuthorized(header: String?, protocols: [String]) -> Bool {
        guard let auth else { return true }
        if auth.authorized(header) { return true }
        for p in protocols where p.hasPrefix(Self.keyProtocolPrefix) {
            if auth.authorized("Bearer " + p.dropFirst(Self.keyProtocolPrefix.count)) { return true }
        }
        return false
    }

    // MARK: - Streams

    private func serve(_ kind: Kind, query: [String: String], authorized: Bool, inbound: WebSocketInboundStream,
                       outbound: WebSocketOutboundWriter, logger: Logger) async {
        // Some clients (swift-websocket's WebSocketClient among them) lose frames that arrive in the
        // same read as the 101 response; a refusal or `transcription_session.created` sent at once
        // would vanish. A short pause before the first frame costs a live stream nothing.
        try? await Task.sleep(for: Self.handshakeGrace)
        let realtimeFormat = RealtimeFormat()
        let timing = (try? OptionParsing.bool({ query[$0] }, "timing")) ?? nil
        let format: any LiveWireFormat = kind == .stream ? NativeStreamFormat(timing: timing ?? false) : realtimeFormat
        func refuse(_ code: String, _ message: String, close: UInt16) async {
            metrics.live.rejected(protocol: format.name, reason: code)
            try? await outbound.writeTextMessage(format.error(code: code, message: message, eventID: nil))
            try? await outbound.close(.init(codeNumber: Int(close)), reason: String(message.prefix(120)))
        }
        guard authorized else {
            return await refuse("unauthorized", auth == nil ? "unauthorized" : "this server needs an API key: send 'Authorization: Bearer <key>', or from a browser the subprotocol openai-insecure-api-key.<key>", close: 1008)
        }
        guard let pool = host.pool else {
            return await refuse("not_ready", "the model is still loading; reconnect in a few seconds (GET /ready says when it is done)", close: 1013)
        }
        guard let vad = pool.transcriber.vad as? FSMNVAD else {
            return await refuse("vad_required", "live transcription needs the FSMN-VAD model: start the server with --vad-model DIR", close: 1011)
        }
        var parameters: NativeStreamHandler.Parameters
        do {
            parameters = try NativeStreamHandler.Parameters(query: query, settings: settings,
                                                            denoise: denoise)
            _ = try pool.transcriber.decoder(for: parameters.options)  // hotwords the tokenizer cannot spell: refused now
            if kind == .realtime, let intent = query["intent"], intent != "transcription" {
                throw SenseVoiceError(.invalidOption, "intent '\(intent.prefix(40))' is not supported; this server runs transcription sessions (intent=transcription)")
            }
        } catch let error as SenseVoiceError {
            return await refuse(error.code.rawValue, error.message, close: 1008)
        } catch {
            return await refuse("invalid_request", "the query could not be read", close: 1008)
        }
        guard let id = registry.tryOpen() else {
            return await refuse("too_many_streams", "the server is at its limit of \(registry.limit) live streams; retry later", close: 1013)
        }
        defer { registry.close() }
        metrics.live.opened(protocol: format.name)
        let connection = LiveConnection(id: id, pool: pool, scheduler: scheduler, settings: settings, metrics: metrics,
                                        format: format, options: parameters.options, logger: logger)
        let end: LiveConnection.ReaderEnd
        switch kind {
        case .stream:
            let handler = NativeStreamHandler(connection: connection, parameters: parameters, vad: vad)
            end = await connection.run(outbound: outbound) { try await handler.read(inbound) }
        case .realtime:
            // Realtime deltas only append, so partials (which may revise words) are opt-in here.
            let handler = RealtimeHandler(connection: connection, format: realtimeFormat, vad: vad,
                                          partialIntervalMs: query["partial_interval_ms"] == nil ? 0 : parameters.partialIntervalMs,
                                          serverDenoise: denoise, query: query)
            end = await connection.run(outbound: outbound) { try await handler.read(inbound) }
        }
        metrics.live.closed(protocol: format.name, outcome: end.outcome)
    }
}
