import Testing
import SenseVoiceTestSupport

@Suite struct CLIFixtureTests {
    @Test func fixturesArePresent() throws {
        #expect(FileManager.default.fileExists(atPath: Fixtures.tinyModel.appendingPathComponent("model.pt").path))
    }
}
import Foundation
