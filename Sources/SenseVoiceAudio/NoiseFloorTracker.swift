// A causal estimate of a recording's noise floor, for afftdn's `nf` (docs/decisions.md: denoising).

import Foundation

/// The noise floor of the audio heard so far: the 10th percentile of the power of the 20 ms
/// frames of the last 10 s, in dB relative to full scale. Speech leaves gaps between words, so the
/// quietest tenth of the frames is mostly noise; 10 s lets the floor follow a recording whose
/// noise changes. Only past samples count, and frames are cut at fixed positions, so the estimate
/// is causal and the same whatever the chunking.
struct NoiseFloorTracker: Sendable {
    /// Samples per frame (20 ms).
    let frameLength: Int
    /// Frames remembered (10 s).
    let capacity: Int
    private var powers: [Double] = []
    private var next = 0
    private var sum = 0.0
    private var filled = 0

    /// The percentile used.
    static let percentile = 0.10

    init(sampleRate: Int) {
        frameLength = max(1, sampleRate / 50)
        capacity = 500
    }

    /// Adds samples (of any count; frames continue across calls).
    mutating func add(_ samples: ArraySlice<Float>) {
        for x in samples {
            sum += Double(x) * Double(x)
            filled += 1
            if filled == frameLength {
                let power = 10 * log10(sum / Double(frameLength) + 1e-12)
                if powers.count < capacity { powers.append(power) } else { powers[next] = power }
                next = (next + 1) % capacity
                sum = 0
                filled = 0
            }
        }
    }

    /// The floor in dBFS; nil before the first whole frame.
    var floor: Double? {
        guard !powers.isEmpty else { return nil }
        let sorted = powers.sorted()
        return sorted[Int(Double(sorted.count - 1) * Self.percentile)]
    }
}
