import Testing
import SenseVoiceEngine

/// The state machine on synthetic silence probabilities (0 = speech frame, 1 = silent frame).
/// Geometry from spec §6.5: a segment starts 40 frames before the window flips to speech
/// (the 15th speech frame) and, for an end silence of 650 ms (classic) or 1850 ms (dynamic, files
/// up to 60 s), ends at `(e + 17) · 10` ms where e is the last speech frame.
@Suite struct VADSegmenterTests {
    @Test(arguments: VADMode.allCases)
    func oneUtterance(mode: VADMode) throws {
        // Window flips at frame 114 → start 74; last speech frame 299 → end 316.
        #expect(try VADTestConfig.segment(frames: 600, speech: [100..<300], mode: mode) == [[740, 3160]])
    }

    @Test func shortPauseSplitsOnlyInClassicMode() throws {
        let speech = [100..<200, 260..<400]
        #expect(try VADTestConfig.segment(frames: 1000, speech: speech, mode: .classic) == [[740, 2160], [2440, 4160]])
        #expect(try VADTestConfig.segment(frames: 1000, speech: speech, mode: .dynamic) == [[740, 4160]])
    }

    @Test func forcedSplitIsMaxPlusOneFramesAndNextStartIsContiguous() throws {
        // max 1000 ms = 100 frames: a forced segment is 101 frames long and the next one starts
        // where it ended, not 40 frames before its own window flip.
        let segs = try VADTestConfig.segment(frames: 700, speech: [100..<500], mode: .classic, maxSingleSegmentMs: 1000)
        #expect(segs == [[740, 1750], [1750, 2760], [2760, 3770], [3770, 4780], [4780, 5160]])
        for s in segs.dropLast() { #expect(s[1] - s[0] == 1010) }
        for i in 1..<segs.count { #expect(segs[i][0] == segs[i - 1][1]) }
    }

    @Test(arguments: VADMode.allCases)
    func openSegmentClosesAtTheLastFrame(mode: VADMode) throws {
        // Speech to the end, and speech followed by less silence than the end threshold:
        // both close at T · 10 ms.
        #expect(try VADTestConfig.segment(frames: 300, speech: [100..<300], mode: mode) == [[740, 3000]])
        #expect(try VADTestConfig.segment(frames: 300, speech: [100..<250], mode: mode) == [[740, 3000]])
    }

    @Test(arguments: VADMode.allCases)
    func tooShortOrSilentGivesNothing(mode: VADMode) throws {
        #expect(try VADTestConfig.segment(frames: 14, speech: [0..<14], mode: mode) == [])
        #expect(try VADTestConfig.segment(frames: 15, speech: [0..<15], mode: mode) == [[0, 150]])
        #expect(try VADTestConfig.segment(frames: 500, speech: [], mode: mode) == [])
        #expect(try VADTestConfig.segment(frames: 0, speech: [], mode: mode) == [])
    }

    @Test func dynamicEndSilenceTable() {
        let table = [(0, 2000), (10000, 2000), (10001, 1000), (20000, 1000), (30000, 800), (40000, 600),
                     (50000, 400), (60000, 200), (60001, 100), (120000, 100)]
        for (acc, ms) in table { #expect(VADSegmenter.dynamicEndSilence(accumulatedMs: acc) == ms, "acc \(acc)") }
    }

    @Test func dynamicThresholdDropsWhenSpeechCrossesAChunk() throws {
        // 1 100 000 samples: two chunks, the second from frame 5996. Speech runs across the
        // boundary, so chunk 1 uses S(60000) = 200 → end silence 50 ms, no lookback: the segment
        // ends 10 frames after its last speech frame, as does the next one in the same chunk.
        let n = 1_100_000
        let speech = [5000..<6501, 6600..<6701]
        #expect(try VADTestConfig.segment(frames: 6873, speech: speech, mode: .dynamic, sampleCount: n)
                == [[49740, 65110], [65740, 67110]])
        #expect(try VADTestConfig.segment(frames: 6873, speech: speech, mode: .classic, sampleCount: n)
                == [[49740, 65170], [65740, 67170]])
    }

    @Test func dynamicThresholdStaysWhenTheBoundaryIsSilent() throws {
        let n = 1_100_000
        #expect(try VADTestConfig.segment(frames: 6873, speech: [1000..<2001, 6200..<6401], mode: .dynamic, sampleCount: n)
                == [[9740, 20170], [61740, 64170]])
    }

    @Test func dynamicThresholdAccumulatesOverChunks() throws {
        // 2 000 000 samples: chunks from frames 0, 5996, 11996. Speech over two boundaries with no
        // segment completed (max 300 s): chunk 2 uses S(120000) = 100 → end silence 0 ms.
        let n = 2_000_000
        #expect(try VADTestConfig.segment(frames: 12498, speech: [0..<12101], mode: .dynamic,
                                          maxSingleSegmentMs: 300_000, sampleCount: n) == [[0, 121070]])
        // With max 60 s the forced split in chunk 1 restarts the schedule: chunk 2 is back at S(60000).
        #expect(try VADTestConfig.segment(frames: 12498, speech: [0..<12101], mode: .dynamic,
                                          maxSingleSegmentMs: 60000, sampleCount: n)
                == [[0, 60010], [60010, 120020], [120020, 121110]])
    }

    @Test func streamingMatchesTheWholeArray() throws {
        let probs = VADTestConfig.probabilities(frames: 1000, speech: [100..<200, 260..<400, 700..<990])
        let n = VADTestConfig.sampleCount(frames: 1000)
        var s = try VADSegmenter(config: VADTestConfig.config, options: VADOptions(mode: .classic), sampleCount: n)
        #expect(s.frameCount == 1000)
        var partial: [[Int]] = []
        for (t, p) in probs.enumerated() {
            s.accept(silenceProbability: p, decibel: -20)
            if t == 500 { partial = s.segments }
        }
        #expect(s.isComplete)
        #expect(partial == [[740, 2160], [2440, 4160]])
        #expect(s.segments == [[740, 2160], [2440, 4160], [6740, 10000]])
    }

    @Test func decisionThresholds() throws {
        // θ 0.6 (classic): speech iff p_sil ≤ 0.2; θ 0.5 (dynamic): iff p_sil ≤ 0.25.
        func run(_ p: Float, _ mode: VADMode) throws -> [[Int]] {
            try VADSegmenter.segments(silenceProbabilities: [Float](repeating: p, count: 100),
                                      sampleCount: VADTestConfig.sampleCount(frames: 100),
                                      config: VADTestConfig.config, options: VADOptions(mode: mode))
        }
        #expect(try run(0.19, .classic) == [[0, 1000]])
        #expect(try run(0.21, .classic) == [])
        #expect(try run(0.24, .dynamic) == [[0, 1000]])
        #expect(try run(0.26, .dynamic) == [])
    }

    @Test func rejectsNonPositiveMaximum() {
        #expect(throws: SenseVoiceError.self) {
            try VADSegmenter(config: VADTestConfig.config, options: VADOptions(maxSingleSegmentMs: 0), sampleCount: 1000)
        }
    }
}
