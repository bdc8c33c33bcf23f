// Unit tests of FrontendConfig: defaults and reading config.yaml's frontend_conf.

import Foundation
import SenseVoiceEngine
import Testing

@Suite struct FrontendConfigTests {
    @Test func defaultsAreSenseVoiceSmall() {
        let c = FrontendConfig()
        #expect(c == .senseVoiceSmall)
        #expect(c.sampleRate == 16000 && c.window == "hamming" && c.numMelBins == 80)
        #expect(c.frameLengthMs == 25 && c.frameShiftMs == 10 && c.lfrM == 7 && c.lfrN == 6 && c.dither == 0)
        #expect(c.windowSize == 400 && c.windowShift == 160 && c.featureDimension == 560)
        #expect(FrontendConfig.fsmnVAD.featureDimension == 400)
    }

    /// The `frontend_conf` of the fixture's config.yaml, as a YAML loader returns it.
    @Test func readsFrontendConf() throws {
        let conf: [String: Any] = ["fs": 16000, "window": "hamming", "n_mels": 80, "frame_length": 25,
                                   "frame_shift": 10, "lfr_m": 7, "lfr_n": 6, "cmvn_file": NSNull()]
        #expect(try FrontendConfig(frontendConf: conf) == .senseVoiceSmall)
        let vad: [String: Any] = ["fs": "16000", "lfr_m": 5, "lfr_n": 1, "dither": NSNull(), "frame_length": 25.0]
        #expect(try FrontendConfig(frontendConf: vad) == .fsmnVAD)
    }

    @Test func rejectsInvalid() {
        let cases: [[String: Any]] = [
            ["window": "kaiser"], ["n_mels": "many"], ["lfr_m": 0], ["lfr_n": 1.5], ["fs": 0], ["window": 3],
            ["frame_length": 0.05], ["n_mels": 3],
        ]
        for conf in cases {
            let error = #expect(throws: SenseVoiceError.self, "\(conf)") { try FrontendConfig(frontendConf: conf) }
            #expect(error?.code == .configInvalid, "\(conf): \(String(describing: error))")
        }
    }
}
