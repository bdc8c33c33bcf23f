import Foundation
import Testing
import SenseVoiceEngine

@Suite struct VADConfigTests {
    @Test func readsTheReleasedConfig() {
        let c = VADTestConfig.config
        #expect(c.frontend.sampleRate == 16000)
        #expect(c.frontend.lfrM == 5 && c.frontend.lfrN == 1 && c.frontend.dither == 0)
        #expect(c.frontend.frameLengthSamples == 400 && c.frontend.frameShiftSamples == 160)
        #expect(c.encoder == VADConfig.Encoder(inputDim: 400, inputAffineDim: 140, fsmnLayers: 4, linearDim: 250,
                                               projDim: 128, lorder: 20, rorder: 0, lstride: 1, rstride: 0,
                                               outputAffineDim: 140, outputDim: 248))
        #expect(c.encoder.cacheFrames == 19)
        #expect(c.decision.maxEndSilenceTimeMs == 800 && c.decision.speechToSilTimeThresMs == 150)
        #expect(c.decision.speechNoiseThres == 0.6 && c.decision.silPdfIds == [0])
        #expect(c.decision.maxSingleSegmentTimeMs == 60000)
    }

    @Test func fbankFrameCount() {
        let f = VADTestConfig.config.frontend
        #expect(f.fbankFrameCount(sampleCount: 399) == 0)
        #expect(f.fbankFrameCount(sampleCount: 400) == 1)
        #expect(f.fbankFrameCount(sampleCount: 96000) == 598)
        #expect(f.fbankFrameCount(sampleCount: 960000) == 5998)
    }

    @Test func namesEveryMissingKey() {
        let yaml = """
        frontend_conf:
            lfr_m: 5
            lfr_n: 1
        encoder_conf:
            input_dim: 400
            fsmn_layers: 4
        """
        #expect {
            try VADConfig(yaml: yaml)
        } throws: { error in
            guard let e = error as? SenseVoiceError, e.code == .configInvalid else { return false }
            return e.message.contains("input_affine_dim") && e.message.contains("output_dim")
                && e.message.contains("lorder")
        }
    }

    @Test func rejectsLookAheadMemory() {
        let yaml = VADTestConfig.yaml.replacingOccurrences(of: "rorder: 0", with: "rorder: 1")
        #expect(throws: SenseVoiceError.self) { try VADConfig(yaml: yaml) }
    }
}
