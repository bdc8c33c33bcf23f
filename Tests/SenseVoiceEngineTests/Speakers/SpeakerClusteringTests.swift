// ClusterBackend rules that the golden file does not reach: few windows, bad presets, the >2048 path.

import Foundation
import SenseVoiceEngine
import Testing

struct SpeakerClusteringTests {
    /// `count` unit-ish vectors around `centres` (round robin in blocks), with seeded noise.
    static func points(_ count: Int, centres: Int, dim: Int = 16, noise: Float = 0.15, block: Int = 30) -> ([[Float]], [Int]) {
        var state: UInt64 = 42
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
        var result: [[Float]] = []
        var truth: [Int] = []
        for i in 0..<count {
            let c = (i / block) % centres
            var v = [Float](repeating: 0, count: dim)
            v[c] = 1
            v[dim - 1] = 0.3  // a shared component, as real embeddings have
            for j in 0..<dim { v[j] += noise * uniform() }
            result.append(v)
            truth.append(c)
        }
        return (result, truth)
    }

    static func canonical(_ labels: [Int]) -> [Int] {
        var map: [Int: Int] = [:]
        return labels.map { l in
            if let m = map[l] { return m }
            map[l] = map.count
            return map.count - 1
        }
    }

    @Test func fewerThanTwentyWindowsAreOneSpeaker() throws {
        let (x, _) = Self.points(19, centres: 3, block: 3)
        let outcome = try SpeakerClustering().cluster(x)
        #expect(outcome.labels == [Int](repeating: 0, count: 19))
        #expect(try SpeakerClustering().cluster([]).labels.isEmpty)
    }

    @Test func threeSeparatedSpeakersAreFound() throws {
        let (x, truth) = Self.points(180, centres: 3)
        let outcome = try SpeakerClustering().cluster(x)
        #expect(Self.canonical(outcome.labels) == Self.canonical(truth))
        let preset = try SpeakerClustering().cluster(x, speakers: 3)
        #expect(Self.canonical(preset.labels) == Self.canonical(truth))
    }

    @Test func presetBelowOneIsAnInvalidOption() {
        let (x, _) = Self.points(40, centres: 2)
        #expect(throws: SenseVoiceError.self) { try SpeakerClustering().cluster(x, speakers: 0) }
        do {
            _ = try SpeakerClustering().cluster(x, speakers: 0)
        } catch let error as SenseVoiceError {
            #expect(error.code == .invalidOption)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func mergeByCosineJoinsTheClosestPairFirst() {
        // Centroids: 0 along x, 1 and 2 close together along y: 1 and 2 merge, 0 stays.
        let e: [[Float]] = [[1, 0], [1, 0.01], [0, 1], [0.05, 1], [0.1, 1]]
        let merged = SpeakerClustering.mergeByCosine([0, 0, 1, 2, 2], embeddings: e, threshold: 0.78)
        #expect(merged == [0, 0, 1, 1, 1])
        // Nothing reaches the threshold: unchanged.
        #expect(SpeakerClustering.mergeByCosine([0, 1], embeddings: [[1, 0], [0, 1]], threshold: 0.78) == [0, 1])
    }

    /// Beyond 2048 windows: spectral clustering on a strided sample, nearest-centroid assignment,
    /// merge; bounded (this runs on 5000 windows, 2048² affinity).
    @Test func beyondTheSpectralLimitTheSampledPathFindsTheSpeakers() throws {
        let (x, truth) = Self.points(5000, centres: 3, block: 97)
        let start = Date()
        let outcome = try SpeakerClustering().cluster(x)
        let seconds = Date().timeIntervalSince(start)
        #expect(Self.canonical(outcome.labels) == Self.canonical(truth))
        let preset = try SpeakerClustering().cluster(x, speakers: 3)
        #expect(Self.canonical(preset.labels) == Self.canonical(truth))
        print("clustering 5000 windows: \(String(format: "%.1f", seconds)) s")
    }
}
