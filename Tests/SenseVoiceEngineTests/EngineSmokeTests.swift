import Testing
import SenseVoiceEngine

@Suite struct EngineSmokeTests {
    @Test func reExportsTensor() {
        #expect(Tensor.zeros([2, 2]).count == 4)
    }
}
