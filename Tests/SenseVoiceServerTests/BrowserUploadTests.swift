// Runs scripts/browser-test-uploads.py: per-file uploads, the result card in view, the metrics link with a key.

import Foundation
import SenseVoiceTestSupport
import Testing

@Suite("Web UI uploads in headless Chromium", .serialized,
       .enabled(if: BrowserTools.available, "needs chromium, chromium-driver and python selenium: run scripts/install-test-services.sh"),
       .enabled(if: ServerProcess.binary != nil, "needs the built sensevoice binary"))
struct BrowserUploadTests {
    @Test("three files, one over the limit: one upload per file, the refused one named and dropped; View shows the result card; metrics with a key")
    func uploads() throws {
        try BrowserTools.run(script: "browser-test-uploads.py")
    }
}
