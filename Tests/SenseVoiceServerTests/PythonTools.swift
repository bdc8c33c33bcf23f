// Runs the repo's Python client scripts (the official openai package) against a test server.

import Foundation
import SenseVoiceTestSupport
import Testing

/// The Python that has the `openai` package: `$SENSEVOICE_TEST_PYTHON`, else `python3`
/// (scripts/install-test-services.sh installs the package there).
enum PythonTools {
    static var python: String { ProcessInfo.processInfo.environment["SENSEVOICE_TEST_PYTHON"] ?? "python3" }

    static let openAIMissing: Comment =
        "needs the openai Python package: run scripts/install-test-services.sh, or point SENSEVOICE_TEST_PYTHON at a Python that has it"

    /// Whether `import openai` works.
    static let hasOpenAI: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", "import openai"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Runs `script` (a path under the package root) with `arguments` off the cooperative pool and
    /// returns stdout and stderr together; records an issue when it exits non-zero.
    static func run(script: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, Fixtures.packageRoot.appendingPathComponent(script).path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output: String = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        #expect(process.terminationStatus == 0, "\(script) failed:\n\(output.suffix(4000))", sourceLocation: sourceLocation)
        return output
    }
}
