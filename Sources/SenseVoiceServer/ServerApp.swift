// Assembles the Hummingbird application and the service group of `sensevoice serve`.

public import Hummingbird
import Foundation
import Logging
import NIOCore
import SenseVoiceEngine
import SenseVoiceJobs
public import ServiceLifecycle
import UnixSignals

/// Builds the router, the application and the services of the server.
public enum ServerApp {
    /// Paths that need no API key: liveness, readiness, the UI shell and the API description.
    static func isPublicPath(_ path: String, staticPaths: Set<String>) -> Bool {
        path == "/health" || path == "/ready" || path == "/openapi.json" || staticPaths.contains(path)
    }

    /// The router with every route and middleware (request id → metrics → errors → auth → routes).
    public static func makeRouter(_ env: ServerEnvironment) -> Router<BasicRequestContext> {
        // HEAD is answered wherever GET is (headers only).
        let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
        let staticFiles = StaticFiles.load()
        let limiter = RequestLimiter(limit: env.configuration.maxPendingRequests)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: HTTPMetricsMiddleware(metrics: env.metrics))
        router.add(middleware: ErrorMiddleware())
        if let origin = env.configuration.corsOrigin {
            // Before auth: a browser's preflight carries no key.
            router.add(middleware: CORSMiddleware(allowOrigin: origin == "*" ? .all : .oneOf(origin),
                                                  allowHeaders: [.accept, .authorization, .contentType, .origin],
                                                  allowMethods: [.get, .post, .delete, .head, .options],
                                                  exposedHeaders: ["Location", "Retry-After", "X-Request-ID"], maxAge: .seconds(600)))
        }
        if let key = env.configuration.apiKey {
            let paths = staticFiles.publicPaths
            router.add(middleware: AuthMiddleware(apiKey: key, isPublic: { isPublicPath($0, staticPaths: paths) }))
        }
        router.add(middleware: MethodNotAllowedMiddleware(openAPI: staticFiles.files["openapi.json"].map { Data($0.bytes.readableBytesView) }))
        HealthController(host: env.host, store: env.store, limiter: limiter, metrics: env.metrics).addRoutes(to: router)
        let spool = UploadSpool(directory: env.configuration.uploadDirectory, maxBytesInFlight: env.configuration.maxUploadBytesInFlight)
        TranscriptionController(configuration: env.configuration, host: env.host, limiter: limiter, metrics: env.metrics, spool: spool)
            .addRoutes(to: router)
        JobsController(configuration: env.configuration, store: env.store, blobs: env.blobs, wake: env.wake, shutdown: env.shutdown,
                       spool: spool)
            .addRoutes(to: router)
        OpenAICompatController().addRoutes(to: router)
        LiveStreamRoutes.addRoutes(to: router)
        staticFiles.addRoutes(to: router)
        if staticFiles.directory == nil {
            env.logger.warning("web UI files not found; set SENSEVOICE_UI_DIR to Sources/SenseVoiceServer/Resources/Public")
        }
        return router
    }

    /// The HTTP application listening on the configured host and port.
    /// - Parameters:
    ///   - services: services run inside the application (tests pass the job workers here).
    ///   - onRunning: called with the bound port once the server listens (port 0 picks a free one).
    public static func makeApplication(_ env: ServerEnvironment, services: [any Service] = [],
                                       onRunning: (@Sendable (Int) async -> Void)? = nil) -> some ApplicationProtocol {
        let logger = env.logger
        let timeouts = RequestTimeoutHandler.Timeouts(header: env.configuration.headerTimeout, body: env.configuration.bodyTimeout,
                                                      minBytesPerSecond: env.configuration.bodyMinBytesPerSecond)
        return Application(
            router: makeRouter(env),
            server: LiveStreamRoutes(env).server(http1: .init(additionalChannelHandlers: [RequestTimeoutHandler(timeouts: timeouts)]),
                                                 headerTimeout: env.configuration.headerTimeout),
            configuration: ApplicationConfiguration(address: .hostname(env.configuration.host, port: env.configuration.port),
                                                    serverName: "sensevoice"),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? env.configuration.port
                logger.notice("listening on http://\(env.configuration.host):\(port)")
                await onRunning?(port)
            },
            logger: logger)
    }

    /// The background services of a process that runs jobs, in start order; shutdown runs in
    /// reverse (workers before the engine). `serve` and `sensevoice worker` both build theirs here.
    /// - Parameters:
    ///   - loadModel: include the ``EngineService`` (tests hand in a ready ``ModelHost`` instead).
    ///   - sweepsRetention: include the ``RetentionSweeper`` (the API server's job; workers leave it).
    public static func makeBackgroundServices(_ env: ServerEnvironment, loadModel: Bool = true,
                                              sweepsRetention: Bool = true) -> [any Service] {
        var decoding = AudioDecodingOptions()
        decoding.maxDurationSeconds = env.configuration.maxJobDurationSeconds
        let workerConfiguration = env.workerConfiguration
        var services: [any Service] = []
        if loadModel {
            services.append(EngineService(host: env.host, configuration: env.configuration.engine, logger: env.logger))
        }
        services += env.storeServices
        if sweepsRetention {
            services.append(RetentionSweeper(store: env.store, blobs: env.blobs, retention: env.configuration.retention, logger: env.logger)
                .service())
        }
        services.append(LeaseReaper(store: env.store, maxAttempts: workerConfiguration.maxAttempts, wake: env.wake, logger: env.logger)
            .service(every: .milliseconds(Int64(max(500, env.configuration.lease * 500)))))
        if env.configuration.runsJobWorkers {
            services.append(JobWorkerService(store: env.store, blobs: env.blobs,
                                             processor: TranscriptionJobProcessor(host: env.host, decoding: decoding),
                                             configuration: workerConfiguration, wake: env.wake,
                                             metrics: env.metrics.transcription, logger: env.logger))
        }
        return services
    }

    /// Runs the whole server until SIGTERM or SIGINT: engine, retention sweeper, lease reaper,
    /// job workers, HTTP application, shutdown notifier — stopped gracefully in reverse order.
    /// - Throws: the model's loading error, or a failure to bind the port.
    public static func run(_ env: ServerEnvironment, onRunning: (@Sendable (Int) async -> Void)? = nil) async throws {
        try await runServices(makeBackgroundServices(env)
            + [makeApplication(env, onRunning: onRunning), ShutdownNotifier(flag: env.shutdown)], env)
    }

    /// Runs `services` in one group until SIGTERM or SIGINT, then stops them gracefully in reverse
    /// order, giving running jobs the configured shutdown grace.
    public static func runServices(_ services: [any Service], _ env: ServerEnvironment) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: env.logger)
        configuration.maximumGracefulShutdownDuration = env.configuration.shutdownGrace + .seconds(20)
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}
