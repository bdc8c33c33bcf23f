// Runs scripts/browser-test.py: the web UI in headless Chromium through selenium.

import Foundation
import SenseVoiceTestSupport
import Testing

/// Whether headless Chromium, its driver and python selenium are installed
/// (scripts/install-test-services.sh installs them).
enum BrowserTools {
    static func which(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// Runs a browser script of `scripts/` with the built server binary and `arguments`; records
    /// an issue with its output when it does not pass.
    static func run(script: String, _ arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.packageRoot.appendingPathComponent("scripts/\(script)").path,
                             "--binary", try #require(ServerProcess.binary, sourceLocation: sourceLocation).path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output.suffix(4000))", sourceLocation: sourceLocation)
    }

    static let available: Bool = {
        guard which("chromium") || which("chromium-browser") || which("google-chrome"), which("chromedriver") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import selenium"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}

@Suite("Web UI in headless Chromium", .serialized,
       .enabled(if: BrowserTools.available, "needs chromium, chromium-driver and python selenium: run scripts/install-test-services.sh"),
       .enabled(if: ServerProcess.binary != nil, "needs the built sensevoice binary"))
struct BrowserUITests {
    @Test("upload a fixture, see the segment table and badges, play, download SRT, record from the fake microphone, 375 px, dark mode")
    func browser() throws {
        try BrowserTools.run(script: "browser-test.py")
    }
}

@Suite("Web UI Live tab in headless Chromium", .serialized,
       .enabled(if: BrowserTools.available, "needs chromium, chromium-driver and python selenium: run scripts/install-test-services.sh"),
       .enabled(if: ServerProcess.binary != nil, "needs the built sensevoice binary"))
struct LiveBrowserUITests {
    @Test("Live tab: fake microphone → finals with emotion badges, growing timeline, level meter, stop, 375 px, dark mode")
    func live() throws {
        let vad = try Fixtures.requireVADModel()
        try BrowserTools.run(script: "browser-live-test.py", ["--vad-model", vad.path])
    }
}
