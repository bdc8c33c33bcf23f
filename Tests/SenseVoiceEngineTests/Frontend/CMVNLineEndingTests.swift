import Testing
import SenseVoiceEngine

@Suite("Frontend CMVN line endings")
struct FrontendCMVNLineEndingTests {
    /// The released FSMN-VAD am.mvn uses CRLF; "\r\n" is a single Swift Character.
    @Test func crlfFilesParse() throws {
        let text = "<Nnet>\r\n<Splice> 2 2\r\n[ 0 ]\r\n<AddShift> 2 2\r\n<LearnRateCoef> 0 [ -1 -2 ]\r\n<Rescale> 2 2\r\n<LearnRateCoef> 0 [ 0.5 0.25 ]\r\n</Nnet>\r\n"
        let cmvn = try CMVN(amMvnText: text)
        #expect(cmvn.shift == [-1, -2])
        #expect(cmvn.scale == [0.5, 0.25])
    }
}
