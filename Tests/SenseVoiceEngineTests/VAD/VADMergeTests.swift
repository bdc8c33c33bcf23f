import Testing
import SenseVoiceEngine

@Suite struct VADMergeTests {
    @Test func zeroOrOneSegmentIsUnchanged() {
        #expect(VADMerge.merge([], mergeLengthMs: 15000) == [])
        #expect(VADMerge.merge([[3000, 50000]], mergeLengthMs: 15000) == [[3000, 50000]])
    }

    @Test func windowsStartAtZeroAndIncludeGaps() {
        #expect(VADMerge.merge([[0, 5000], [6000, 10000], [12000, 20000]], mergeLengthMs: 15000)
                == [[0, 12000], [12000, 20000]])
        // Leading silence becomes its own window.
        #expect(VADMerge.merge([[20000, 21000], [22000, 23000]], mergeLengthMs: 15000)
                == [[0, 20000], [20000, 23000]])
        // Everything under the limit collapses into one window from 0.
        #expect(VADMerge.merge([[500, 1000], [2000, 3000]], mergeLengthMs: 15000) == [[0, 3000]])
    }

    @Test func aLongSegmentStaysWhole() {
        #expect(VADMerge.merge([[1000, 40000], [41000, 42000]], mergeLengthMs: 15000)
                == [[0, 1000], [1000, 40000], [40000, 42000]])
    }

    @Test func sharedBoundariesCountOnce() {
        #expect(VADMerge.merge([[0, 10000], [10000, 20000], [20000, 26000]], mergeLengthMs: 15000)
                == [[0, 10000], [10000, 20000], [20000, 26000]])
    }

    @Test func longMixedPipelineSegments() {
        // long_mixed_pipeline.json's VAD segments (max 30000 ms) merged with merge_length_s 15.
        let vad = [[910, 19570], [21910, 22520], [26250, 46680], [49120, 61270], [61270, 67340],
                   [67340, 73440], [73440, 79590], [79590, 85800], [85800, 91990], [91990, 98050],
                   [99200, 101200], [101200, 103350]]
        let merged = VADMerge.merge(vad, mergeLengthMs: 15000)
        #expect(merged == [[0, 910], [910, 19570], [19570, 26250], [26250, 46680], [46680, 61270],
                           [61270, 73440], [73440, 85800], [85800, 99200], [99200, 103350]])
        for i in 1..<merged.count { #expect(merged[i][0] == merged[i - 1][1]) }
    }
}
