import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

/// Issue #12 item 5: one config.yaml reader for SenseVoice and the FSMN-VAD that names every problem
/// in one error.
@Suite("config.yaml problems, all at once")
struct ConfigReaderTests {
    static let tinyYAML = try! String(contentsOf: Fixtures.tinyModel.appendingPathComponent("config.yaml"), encoding: .utf8)

    @Test func senseVoiceConfigNamesEveryProblem() throws {
        let yaml = Self.tinyYAML
            .replacingOccurrences(of: "num_blocks: 3", with: "num_blocks: -1")
            .replacingOccurrences(of: "vocab_size: 25055", with: "vocab_size: many")
            .replacingOccurrences(of: "lfr_m: 7", with: "lfr_m: seven")
        let error = try #require(throws: SenseVoiceError.self) { try SenseVoiceConfig(yaml: yaml, path: "/m/config.yaml") }
        #expect(error.code == .configInvalid)
        for mention in ["/m/config.yaml", "encoder_conf.num_blocks", "vocab_size", "frontend_conf.lfr_m"] {
            #expect(error.message.contains(mention), "\(mention): \(error.message)")
        }
    }

    @Test func vadConfigReadsItsFrontendAsFrontendConfig() throws {
        let c = VADTestConfig.config
        #expect(c.frontend == FrontendConfig(lfrM: 5, lfrN: 1))
        #expect(c.frontend == .fsmnVAD)
    }

    @Test func vadConfigNamesFrontendAndEncoderProblemsTogether() {
        let yaml = VADTestConfig.yaml
            .replacingOccurrences(of: "    lfr_m: 5\n", with: "")
            .replacingOccurrences(of: "n_mels: 80", with: "n_mels: eighty")
            .replacingOccurrences(of: "proj_dim: 128", with: "proj_dim: 12.5")
        let error = #expect(throws: SenseVoiceError.self) { try VADConfig(yaml: yaml, source: "/vad/config.yaml") }
        #expect(error?.code == .configInvalid)
        for mention in ["/vad/config.yaml", "frontend_conf.lfr_m", "frontend_conf.n_mels", "encoder_conf.proj_dim"] {
            #expect(error?.message.contains(mention) == true, "\(mention): \(error?.message ?? "")")
        }
    }
}
