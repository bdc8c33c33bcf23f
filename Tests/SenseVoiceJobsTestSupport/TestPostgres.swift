// A fresh PostgreSQL database per test on the server named by SENSEVOICE_TEST_POSTGRES_URL.

public import Foundation
public import SenseVoiceJobs
import PostgresNIO
import Testing

/// The test PostgreSQL server (scripts/with-test-postgres.sh starts one and sets the variable).
public enum TestPostgres {
    public static let variable = "SENSEVOICE_TEST_POSTGRES_URL"
    public static let skipMessage = "PostgreSQL cases need \(variable); scripts/test.sh (via scripts/with-test-postgres.sh) starts a throwaway server and sets it"

    /// The server's URL; `nil` when the variable is unset (the PostgreSQL cases are then skipped).
    ///
    /// - Throws: when the variable is set but is not a usable URL: the run asked for PostgreSQL and
    ///   the cases must fail, not skip.
    public static func url() throws -> PostgresURL? {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return nil }
        do {
            return try PostgresURL(text)
        } catch {
            Issue.record("\(variable) is set but is not a PostgreSQL URL (\(error)): \(text)")
            throw error
        }
    }

    /// Creates an empty database, calls `body` with its URL, and drops it.
    public static func withDatabase<T: Sendable>(_ body: (PostgresURL) async throws -> T) async throws -> T {
        guard let server = try url() else { try Test.cancel(Comment(rawValue: skipMessage)) }
        let name = "sv_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await admin(server, "CREATE DATABASE \(name)")
        var target = server
        target.database = name
        do {
            let value = try await body(target)
            try await admin(server, "DROP DATABASE \(name) WITH (FORCE)")
            return value
        } catch {
            try? await admin(server, "DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }

    /// The URL as a command-line argument.
    public static func text(_ url: PostgresURL) -> String {
        let credentials = url.user + (url.password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? "")
        return "postgres://\(credentials)@\(url.host):\(url.port)/\(url.database)?sslmode=\(url.sslMode.rawValue)"
    }

    /// Runs one statement on the server's own database.
    public static func admin(_ server: PostgresURL, _ sql: String) async throws {
        let client = PostgresClient(configuration: server.clientConfiguration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
        }
    }
}
