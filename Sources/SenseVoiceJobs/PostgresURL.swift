// Connection settings of a PostgreSQL job store, parsed from a `postgres://` URL.

public import Foundation
public import PostgresNIO
import NIOSSL
import SenseVoiceEngine

/// Where the shared job store lives: `postgres://user:password@host:port/database?sslmode=…`.
///
/// `postgresql://` is the same. Defaults follow libpq: port 5432, user `postgres`, database named
/// after the user; `sslmode` is `disable`, `prefer` (the default) or `require`; `?host=/run/postgresql`
/// (an absolute folder) connects through that folder's Unix socket instead of TCP.
public struct PostgresURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// Folder of the server's Unix socket (`?host=/path`), or `nil` for TCP.
    public var socketDirectory: String?
    public var sslMode: SSLMode
    /// Most connections this process opens (`?pool=N`, default 20).
    public var maximumConnections: Int

    public enum SSLMode: String, Sendable {
        case disable, prefer, require
    }

    /// Parses a `postgres://` or `postgresql://` URL.
    /// - Throws: `JobError(.invalidDatabase)` naming what is wrong.
    public init(_ text: String) throws {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else {
            throw JobError(.invalidDatabase, "'\(Self.redact(text))' is not a postgres:// URL; write postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        user = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        if let socket = query["host"], !socket.isEmpty {
            guard socket.hasPrefix("/") else {
                throw JobError(.invalidDatabase, "?host= in the database URL must be an absolute socket folder such as /run/postgresql")
            }
            socketDirectory = socket
        }
        let mode = query["sslmode"] ?? "prefer"
        guard let ssl = SSLMode(rawValue: mode) else {
            throw JobError(.invalidDatabase, "sslmode=\(mode) in the database URL is not supported; use disable, prefer or require")
        }
        sslMode = ssl
        if let pool = query["pool"] {
            guard let n = Int(pool), n >= 2 else {
                throw JobError(.invalidDatabase, "pool=\(pool) in the database URL must be a whole number of at least 2")
            }
            maximumConnections = n
        } else {
            maximumConnections = 20
        }
        guard (1...65535).contains(port) else {
            throw JobError(.invalidDatabase, "port \(port) in the database URL is out of range")
        }
    }

    /// The URL without its password, for logs and messages.
    public var redacted: String {
        let target = socketDirectory.map { "\($0) (socket)" } ?? "\(host):\(port)"
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(target)/\(database)"
    }

    /// The postgres-nio client settings.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = PostgresClient.Configuration(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user,
                                                         password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(TLSConfiguration.makeClientConfiguration())
            case .require: .require(TLSConfiguration.makeClientConfiguration())
            }
            configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: tls)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The settings of one direct connection (the start-up check).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socketDirectory {
            return PostgresConnection.Configuration(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user,
                                                    password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// `text` with any password replaced by `***`.
    static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at,
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}
