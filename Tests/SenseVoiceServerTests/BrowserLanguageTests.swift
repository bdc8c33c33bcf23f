// Runs scripts/browser-test-i18n.py and scripts/browser-test-speakers.py: the web UI in Chinese and
// English, and its speaker views, in headless Chromium.

import Foundation
import SenseVoiceTestSupport
import Testing

@Suite("Web UI in Chinese and English in headless Chromium", .serialized,
       .enabled(if: BrowserTools.available, "needs chromium, chromium-driver and python selenium: run scripts/install-test-services.sh"),
       .enabled(if: ServerProcess.binary != nil, "needs the built sensevoice binary"))
struct BrowserLanguageTests {
    @Test("a Chinese browser gets the Chinese UI with no English left; the switch turns every string, is remembered and sets <html lang>; screenshots at 1280 and 375 px")
    func languages() throws {
        try BrowserTools.run(script: "browser-test-i18n.py")
    }
}

@Suite("Web UI speakers in headless Chromium", .serialized,
       .enabled(if: BrowserTools.available, "needs chromium, chromium-driver and python selenium: run scripts/install-test-services.sh"),
       .enabled(if: ServerProcess.binary != nil, "needs the built sensevoice binary"),
       .enabled(if: Fixtures.shared.map { FileManager.default.fileExists(atPath: $0.appendingPathComponent("tiny-campplus/config.yaml").path) } ?? false,
                "needs ../shared/fixtures/tiny-campplus and golden/diarization"))
struct BrowserSpeakerTests {
    @Test("diarize from the upload form: table and timeline coloured by speaker, per-speaker emotion bars; nothing without speakers")
    func speakers() throws {
        let vad = try Fixtures.requireVADModel()
        try BrowserTools.run(script: "browser-test-speakers.py", ["--vad-model", vad.path])
    }
}
