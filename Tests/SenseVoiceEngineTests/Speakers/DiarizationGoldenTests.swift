// CAM++ diarization stage by stage against funasr 1.4.16 (../shared/fixtures/golden/diarization/README.md).

import Foundation
import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

@Suite(.enabled(if: DiarizationGolden.available, "needs ../shared/fixtures/golden/diarization and tiny-campplus"))
struct DiarizationGoldenTests {
    @Test func windowsEqualSvChunk() throws {
        let samples = try DiarizationGolden.samples()
        #expect(samples.count == 765_257)
        let windows = SpeakerWindow.windows(segmentsMs: try DiarizationGolden.mergedSegments(), sampleCount: samples.count)
        let golden = try #require(try DiarizationGolden.json("windows.json")["windows"] as? [[String: Any]])
        try #require(windows.count == golden.count, "\(windows.count) windows, expected \(golden.count)")
        for (w, g) in zip(windows, golden) {
            #expect(w.startSample == g["start_sample"] as? Int)
            #expect(w.endSample == g["end_sample"] as? Int)
            #expect(abs(w.start - (try #require((g["start"] as? NSNumber)?.doubleValue))) <= 1e-6)
            #expect(abs(w.end - (try #require((g["end"] as? NSNumber)?.doubleValue))) <= 1e-6)
            #expect(w.segment == g["segment"] as? Int)
            #expect(w.isPadded == g["padded"] as? Bool)
        }
    }

    @Test func shortAndEmptySegmentsAsSvChunk() {
        // A 1 s segment: one window over all of it, padded; an empty one: none.
        let w = SpeakerWindow.windows(segmentsMs: [(1000, 2000), (3000, 3000)], sampleCount: 80_000)
        #expect(w == [SpeakerWindow(start: 1.0, end: 2.0, startSample: 16_000, endSample: 32_000, segment: 0)])
        #expect(w[0].isPadded)
        // Exactly 1.5 s: one window; 2 s: a second window moved back to end at the segment's end.
        let two = SpeakerWindow.windows(segmentsMs: [(0, 2000)], sampleCount: 32_000)
        #expect(two.map(\.startSample) == [0, 8000])
        #expect(two.map(\.endSample) == [24_000, 32_000])
    }

    @Test func featuresOfWindowZero() throws {
        let samples = try DiarizationGolden.samples()
        let model = try DiarizationGolden.model()
        let diarizer = Diarizer(model: model)
        let window = SpeakerWindow.windows(segmentsMs: try DiarizationGolden.mergedSegments(), sampleCount: samples.count)[0]
        let chunk = Array(samples[window.startSample..<window.endSample])
        let raw = SpeakerFeatures().rawFbank(chunk)
        let goldenRaw = try DiarizationGolden.npy("fbank_window0_raw.npy")
        #expect(raw.shape == goldenRaw.shape)
        let rawDiff = MaxDifference(raw.array, goldenRaw.floats)
        #expect(rawDiff.value <= 2e-3, "raw fbank: \(rawDiff)")
        let features = samples.withUnsafeBufferPointer { diarizer.features(of: window, in: $0) }
        let golden = try DiarizationGolden.npy("features_window0.npy")
        #expect(features.shape == [148, 80])
        let diff = MaxDifference(features.array, golden.floats)
        #expect(diff.value <= 2e-3, "features: \(diff) at \(diff.position(cols: 80))")
    }

    @Test func embeddingsOfEveryWindow() throws {
        let samples = try DiarizationGolden.samples()
        let diarizer = Diarizer(model: try DiarizationGolden.model())
        let windows = SpeakerWindow.windows(segmentsMs: try DiarizationGolden.mergedSegments(), sampleCount: samples.count)
        let actual = diarizer.embeddings(of: windows, in: samples, threads: 2)
        let expected = try DiarizationGolden.embeddings()
        try #require(actual.count == expected.count)
        var worst = 0 as Float
        var worstCos = 1.0
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            let diff = MaxDifference(a, e)
            worst = max(worst, diff.value)
            var dot = 0.0, na = 0.0, ne = 0.0
            for j in 0..<a.count { dot += Double(a[j] * e[j]); na += Double(a[j] * a[j]); ne += Double(e[j] * e[j]) }
            let cos = dot / (na.squareRoot() * ne.squareRoot())
            worstCos = min(worstCos, cos)
            #expect(diff.value <= 5e-3, "window \(i): \(diff)")
            #expect(cos >= 0.9999, "window \(i): cosine \(cos)")
        }
        print("CAM++ embeddings vs funasr: max |diff| \(worst), min cosine \(worstCos)")
    }

    @Test func clusteringOfGoldenEmbeddingsGivesTheSamePartitions() throws {
        let embeddings = try DiarizationGolden.embeddings()
        let outcome = try SpeakerClustering().cluster(embeddings)
        #expect(DiarizationGolden.canonical(outcome.raw) == DiarizationGolden.canonical(try DiarizationGolden.labels("raw")))
        #expect(DiarizationGolden.canonical(outcome.labels) == DiarizationGolden.canonical(try DiarizationGolden.labels("merged")))
        let oracle = try SpeakerClustering().cluster(embeddings, speakers: 2)
        #expect(DiarizationGolden.canonical(oracle.labels) == DiarizationGolden.canonical(try DiarizationGolden.labels("oracle2")))
        // The eigenvalues of the eigengap agree with scipy's (float32 there).
        let spectral = try #require(try DiarizationGolden.json("labels.json")["spectral"] as? [String: Any])
        let values = try #require(spectral["eigenvalues_first16"] as? [Double])
        #expect(outcome.eigenvalues.count == values.count)
        for (a, e) in zip(outcome.eigenvalues, values) { #expect(abs(a - e) <= 1e-4, "eigenvalue \(a) vs \(e)") }
    }

    @Test func postprocessAndSentenceSpeakersFromGoldenLabels() throws {
        let samples = try DiarizationGolden.samples()
        let segments = try DiarizationGolden.mergedSegments()
        let windows = SpeakerWindow.windows(segmentsMs: segments, sampleCount: samples.count)
        for (labelsKey, sentencesKey) in [("merged", "sentence_info"), ("oracle2", "sentence_info_preset_spk_num_2")] {
            let turns = SpeakerTurn.turns(windows: windows, labels: try DiarizationGolden.labels(labelsKey))
            #expect(turns == (try DiarizationGolden.turns(labelsKey)), "\(labelsKey)")
            let sentences = try DiarizationGolden.sentences(sentencesKey)
            for s in sentences {
                #expect(SpeakerTurn.speaker(startMs: s.start, endMs: s.end, turns: turns) == s.speaker,
                        "\(sentencesKey) \(s.start)–\(s.end)")
            }
        }
    }

    @Test(arguments: [nil, 2] as [Int?])
    func wholeStageEqualsFunASR(speakers: Int?) throws {
        let samples = try DiarizationGolden.samples()
        let segments = try DiarizationGolden.mergedSegments()
        let result = try Diarizer(model: try DiarizationGolden.model())
            .diarize(samples: samples, segmentsMs: segments, speakers: speakers, threads: 2)
        let key = speakers == nil ? "merged" : "oracle2"
        #expect(DiarizationGolden.canonical(result.clusters.labels) == DiarizationGolden.canonical(try DiarizationGolden.labels(key)))
        if speakers == nil {
            #expect(DiarizationGolden.canonical(result.clusters.raw) == DiarizationGolden.canonical(try DiarizationGolden.labels("raw")))
        }
        #expect(result.turns == (try DiarizationGolden.turns(key)))
        let sentences = try DiarizationGolden.sentences(speakers == nil ? "sentence_info" : "sentence_info_preset_spk_num_2")
        #expect(sentences.map { [$0.start, $0.end] } == segments.map { [$0.start, $0.end] })
        #expect(result.segmentSpeakers == sentences.map(\.speaker))
    }
}
