import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

/// The tiny model loaded once for all golden tests.
enum TinyModel {
    static let bundle: SenseVoice = {
        do { return try SenseVoice(modelDirectory: Fixtures.tinyModel.path) } catch {
            fatalError("cannot load the tiny fixture model: \(error)")
        }
    }()

    static func options(_ tag: String) -> TranscriptionOptions {
        switch tag {
        case "auto_itn": TranscriptionOptions(language: .auto, useITN: true)
        case "zh_noitn": TranscriptionOptions(language: .zh, useITN: false)
        case "en_itn": TranscriptionOptions(language: .en, useITN: true)
        default: fatalError("unknown golden tag \(tag)")
        }
    }

    /// Golden features for clips that have them; long_mixed has none (computed by our frontend).
    static func features(_ clip: String) throws -> Tensor {
        let url = Fixtures.golden(clip).appendingPathComponent("features.npy")
        if FileManager.default.fileExists(atPath: url.path) { return try NpyArray(contentsOf: url).tensor }
        let wav = try TestWAV.readPCM16(Fixtures.audio("\(clip).wav"))
        return bundle.frontend.features(wav.samples)
    }
}

@Suite("Encoder and CTC against funasr goldens")
struct EncoderGoldenTests {
    static let cases: [(String, String)] = Fixtures.clips.flatMap { c in Fixtures.tags.map { (c, $0) } }

    @Test(arguments: cases)
    func encoderOutputMatches(clip: String, tag: String) throws {
        let features = try TinyModel.features(clip)
        let session = Transcriber(bundle: TinyModel.bundle).makeSession()
        let (out, logProbs) = try session.forward(features: features, options: TinyModel.options(tag))
        let golden = try Fixtures.npy(clip, "encoder_out_\(tag).npy")
        #expect(out.shape == golden.shape)
        let diff = MaxDifference(out.array, golden.floats)
        #expect(diff.value <= 2e-3, "\(clip)/\(tag) encoder: \(diff) at \(diff.position(cols: out.cols))")

        // Greedy ids: equal where the golden top-2 gap exceeds 1e-3, else one of the golden top-2.
        let argmax = try Fixtures.npy(clip, "argmax_\(tag).npy").ints
        let top5 = try Fixtures.npy(clip, "top5_ids_\(tag).npy").ints
        let top5lp = try Fixtures.npy(clip, "top5_logp_\(tag).npy").floats
        let v = logProbs.cols
        var mismatches: [String] = []
        var worstLogp = MaxDifference([0], [0])
        var ours: [Float] = [], theirs: [Float] = []
        for t in 0..<logProbs.rows {
            let row = logProbs.pointer + t * v
            let best = Kernels.argmax(row, count: v).index
            let gap = top5lp[t * 5] - top5lp[t * 5 + 1]
            if gap > 1e-3 {
                if best != Int(argmax[t]) { mismatches.append("frame \(t): \(best) vs \(argmax[t]) (gap \(gap))") }
            } else if best != Int(top5[t * 5]) && best != Int(top5[t * 5 + 1]) {
                mismatches.append("frame \(t): \(best) not in golden top-2 (near tie)")
            }
            for k in 0..<5 {
                ours.append(row[Int(top5[t * 5 + k])])
                theirs.append(top5lp[t * 5 + k])
            }
        }
        worstLogp = MaxDifference(ours, theirs)
        #expect(mismatches.isEmpty, "\(clip)/\(tag): \(mismatches.prefix(5))")
        #expect(worstLogp.value <= 2e-3, "\(clip)/\(tag) top-5 log-probabilities: \(worstLogp)")
    }
}
