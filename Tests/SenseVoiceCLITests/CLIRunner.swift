import Foundation
import SenseVoiceTestSupport

/// Runs the built `sensevoice` binary and captures its output.
enum CLIRunner {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `sensevoice` executable next to the test bundle (or `$SENSEVOICE_BIN`).
    static var binary: URL {
        if let env = ProcessInfo.processInfo.environment["SENSEVOICE_BIN"] { return URL(fileURLWithPath: env) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("sensevoice")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return Fixtures.packageRoot.appendingPathComponent(".build/debug/sensevoice")
    }

    /// Runs the binary; `stdin`, when given, is written to its standard input (then closed).
    /// `executable` replaces the `sensevoice` binary (a wrapper such as `script`).
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil,
                    executable: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        if let input { process.standardInput = input }
        try process.run()
        // Read both pipes fully before waiting so a large output cannot block the child.
        let group = DispatchGroup()
        if let input, let stdin {
            group.enter()
            DispatchQueue.global().async {
                // The process may exit early (bad options) and close its end: ignore the broken pipe.
                try? input.fileHandleForWriting.write(contentsOf: stdin)
                try? input.fileHandleForWriting.close()
                group.leave()
            }
        }
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    static var tinyModel: String { Fixtures.tinyModel.path }
}
