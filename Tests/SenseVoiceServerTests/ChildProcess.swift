// The built `sensevoice` binary as a child process: launched with its stderr collected, awaited,
// and stopped with a signal. Shared by the serve and worker end-to-end tests.

import Foundation
import SenseVoiceTestSupport
import Synchronization
import Testing

enum ChildProcess {
    /// Starts `sensevoice ARGUMENTS` with stdout discarded and stderr collected in a ``LogBuffer``.
    static func launch(_ arguments: [String]) throws -> (Process, LogBuffer) {
        let binary = try #require(ServerProcess.binary, "build the sensevoice binary first (swift build)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        let log = LogBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { log.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
        return (process, log)
    }

    /// Waits up to 60 s until `ready(log)`; records an issue, stops the child and throws when it
    /// exits or the time runs out first.
    static func wait(_ process: Process, log: LogBuffer, for what: String, until ready: (LogBuffer) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if ready(log) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        Issue.record("timed out waiting for \(what):\n\(log.text)")
        throw CancellationError()
    }

    /// Sends `signal` and waits for the child to end (SIGKILL after `timeout`); returns its exit status.
    static func stop(_ process: Process, signal: Int32, timeout: Duration, log: LogBuffer) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            Issue.record("\(process.arguments?.first ?? "the child") did not exit within \(timeout) after signal \(signal):\n\(log.text.suffix(2000))")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }
}

/// Collects a child's standard error.
final class LogBuffer: Sendable {
    private let state = Mutex("")

    func append(_ text: String) { state.withLock { $0 += text } }
    var text: String { state.withLock { $0 } }

    /// The port of the "listening on http://HOST:PORT" line.
    func port() -> Int? {
        let text = self.text
        guard let range = text.range(of: "listening on http://127.0.0.1:") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}

