// Follows funasr/utils/vad_utils.py: merge_vad (spec §7 step 2).

/// Joins VAD segments into windows of up to `mergeLengthMs` for batched recognition.
public enum VADMerge {
    /// FunASR's `merge_vad`: contiguous windows built from every segment boundary.
    ///
    /// With at most one segment the input comes back unchanged. Otherwise the sorted, de-duplicated
    /// set of all starts and ends is walked from 0 ms (not from the first segment): a window is
    /// cut at boundary `B[i]` as soon as the next boundary would make it `mergeLengthMs` or
    /// longer. So windows are contiguous, include the silences between segments, the first may be
    /// leading silence `[0, firstStart]`, and a single segment longer than `mergeLengthMs` stays whole.
    ///
    /// - Parameters:
    ///   - segments: `[[startMs, endMs]]` from the VAD.
    ///   - mergeLengthMs: the window length to stay under (`merge_length_s · 1000`, 15000 by default).
    /// - Returns: the merged `[[startMs, endMs]]`.
    public static func merge(_ segments: [[Int]], mergeLengthMs: Int) -> [[Int]] {
        if segments.count <= 1 { return segments }
        let bounds = Array(Set(segments.flatMap { $0.prefix(2) })).sorted()
        guard let last = bounds.last else { return [] }
        var merged: [[Int]] = []
        var begin = 0
        for i in 0..<(bounds.count - 1) {
            let time = bounds[i]
            if bounds[i + 1] - begin < mergeLengthMs { continue }
            if time - begin > 0 { merged.append([begin, time]) }
            begin = time
        }
        merged.append([begin, last])
        return merged
    }
}
