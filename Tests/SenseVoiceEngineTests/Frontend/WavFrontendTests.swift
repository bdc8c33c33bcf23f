// Unit tests of WavFrontend: stage composition, empty and short inputs, the FeatureExtracting protocol.

import SenseVoiceEngine
import Testing

@Suite struct FrontendWavFrontendTests {
    @Test func composesStages() throws {
        let cmvn = try CMVN(amMvnPath: FrontendCMVNTests.fixturePath)
        let frontend = WavFrontend(config: .senseVoiceSmall, cmvn: cmvn)
        let x = FrontendReference.noise(16000, seed: 11)
        let fbank = frontend.fbank(x)
        #expect(fbank.shape == [98, 80])
        let staged = cmvn.apply(LowFrameRate(m: 7, n: 6).apply(fbank))
        #expect(frontend.features(x).array == staged.array)
        #expect(frontend.featureDimension == 560)
        let raw = WavFrontend(config: .senseVoiceSmall, cmvn: nil)
        #expect(raw.features(x).array == LowFrameRate(m: 7, n: 6).apply(fbank).array)
    }

    @Test func emptyAndShort() throws {
        let cmvn = try CMVN(amMvnPath: FrontendCMVNTests.fixturePath)
        let frontend = WavFrontend(config: .senseVoiceSmall, cmvn: cmvn)
        #expect(frontend.fbank([]).shape == [0, 80])
        #expect(frontend.features([]).shape == [0, 560])
        #expect(frontend.features(FrontendReference.noise(100)).shape == [1, 560])
        let vadStyle = WavFrontend(config: .fsmnVAD, cmvn: nil, shortInputQuirk: false)
        #expect(vadStyle.features(FrontendReference.noise(399)).shape == [0, 400])
        #expect(vadStyle.features(FrontendReference.noise(720)).shape == [3, 400])
    }

    /// Any `FeatureExtracting` can stand in for the frontend.
    @Test func conformsToProtocol() {
        let extractor: any FeatureExtracting = WavFrontend(config: .senseVoiceSmall, cmvn: nil)
        #expect(extractor.features(FrontendReference.noise(16000)).shape == [17, 560])
    }
}
