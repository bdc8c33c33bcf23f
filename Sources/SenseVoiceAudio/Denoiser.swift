// Runs a DenoiseMethod over mono float samples through libavfilter (CFFmpegFilter), chunk by chunk.

import CFFmpegFilter
import SenseVoiceTensor
import Synchronization

/// One denoising filter over one stream of mono samples at a fixed rate. Feed chunks with
/// ``process(_:)`` and end with ``finish()``.
///
/// - **Causal:** an output sample depends only on input up to ``latency`` samples after it; the
///   filter holds those back and releases them as more input (or ``finish()``) arrives.
/// - **Aligned:** the filter's own delay is removed, so output sample *i* is the denoised input
///   sample *i* (times in the denoised audio are the times in the original), and the total output
///   length equals the total input length.
/// - **Deterministic and chunk-independent:** the filters work in fixed frames whatever the chunk
///   sizes, so denoising a recording in chunks of any size gives bit for bit the samples of
///   denoising it in one call (`DenoiserTests` checks it), and the same input always gives the
///   same output.
///
/// The libavfilter graph is guarded by a lock, so a denoiser may move between threads (a live
/// stream's reader task); feed it from one stream at a time.
public final class Denoiser: Sendable {
    public let method: DenoiseMethod
    public let sampleRate: Int
    /// Input samples the filter needs after a sample before it can release it (its delay).
    public let latency: Int
    private let state: Mutex<FilterState>

    /// The filter and its counters; closes the filter when dropped.
    private struct FilterState: ~Copyable {
        let filter: OpaquePointer
        /// Samples fed and handed out; filter output still to drop to undo its delay.
        var consumed = 0
        var produced = 0
        var toSkip: Int
        var finished = false
        /// afftdn: the noise floor heard so far, the samples fed into the current half-second
        /// block, and the floor (dB) the filter was last given.
        var tracker: NoiseFloorTracker?
        var blockFill = 0
        var floorSetting = Denoiser.initialFloor

        init(filter: OpaquePointer, latency: Int, tracker: NoiseFloorTracker?) {
            self.filter = filter
            toSkip = latency
            self.tracker = tracker
        }

        deinit { svaf_close(filter) }
    }

    /// - Throws: `SenseVoiceError(.invalidOption)` when the RNNoise model file is missing or
    ///   refused (naming the file), or `.internalError` when FFmpeg lacks the filter or cannot
    ///   build it.
    /// - Precondition: `method` is not ``DenoiseMethod/off``.
    public init(_ method: DenoiseMethod, sampleRate: Int) throws {
        precondition(method != .off, "no denoiser for off")
        self.method = method
        self.sampleRate = sampleRate
        var message = [CChar](repeating: 0, count: 256)
        var handle: OpaquePointer?
        let status: Int32
        switch method {
        case .off:
            status = SVAF_ERR_GRAPH
        case .afftdn:
            status = svaf_open(SVAF_AFFTDN, nil, DenoiseMethod.afftdnOptions, Int32(sampleRate), &handle, &message, message.count)
        case .rnnoise(let file):
            try DenoiseMethod.checkModelFile(file, option: "--denoise")
            status = svaf_open(SVAF_ARNNDN, file, nil, Int32(sampleRate), &handle, &message, message.count)
        }
        guard status == SVAF_OK, let handle else {
            let reason = Self.text(message)
            if status == SVAF_ERR_MODEL, case .rnnoise(let file) = method {
                throw SenseVoiceError(.invalidOption, "--denoise: \(file) is not an RNNoise model FFmpeg can load (\(reason)); give an RNNoise model file (.rnnn, text that starts with \"rnnoise-nu model file version 1\")")
            }
            throw SenseVoiceError(.internalError, "denoising with \(method.description) is unavailable: \(reason)")
        }
        latency = Self.latency(of: method, sampleRate: sampleRate)
        blockLength = max(1, sampleRate / 2)
        let tracker = method == .afftdn ? NoiseFloorTracker(sampleRate: sampleRate) : nil
        state = Mutex(FilterState(filter: handle, latency: latency, tracker: tracker))
    }

    /// afftdn's noise floor is set anew every this many samples (half a second), between blocks.
    private let blockLength: Int
    /// afftdn's floor before the first block: FFmpeg's default, -50 dB (gentle).
    static let initialFloor = -50
    /// How far above the measured noise floor afftdn's `nf` goes (dB), and afftdn's own limits.
    static let floorMargin = 5.0
    static let floorRange = -80...(-20)

    /// The afftdn `nf` for a measured noise floor (dBFS): the floor plus ``floorMargin``, whole
    /// decibels, within afftdn's limits.
    static func afftdnFloor(forMeasured floor: Double) -> Int {
        min(max(Int((floor + floorMargin).rounded()), floorRange.lowerBound), floorRange.upperBound)
    }

    /// The delay of each filter in samples at `sampleRate`, from how FFmpeg frames its input:
    /// afftdn analyses windows of three hops of `rate / 80` samples and releases a hop once its
    /// window is complete (two hops late); arnndn works on 10 ms frames at 48 kHz and releases
    /// each frame one frame late. `DenoiserTests` checks the alignment on real speech.
    static func latency(of method: DenoiseMethod, sampleRate: Int) -> Int {
        switch method {
        case .off: 0
        case .afftdn: 2 * (sampleRate / 80)
        case .rnnoise: sampleRate / 100
        }
    }

    /// Checks that `method` can run here (the filter exists; an RNNoise model file loads), by
    /// building it once: a command or server calls this at start, so a bad `--denoise` fails
    /// before any audio is read.
    /// - Throws: what ``init(_:sampleRate:)`` throws.
    public static func check(_ method: DenoiseMethod, sampleRate: Int = AudioBuffer.modelSampleRate) throws {
        guard method != .off else { return }
        _ = try Denoiser(method, sampleRate: sampleRate)
    }

    /// Denoises the next chunk; returns the samples the filter has released so far (fewer than
    /// given while it fills its window, then as many as given).
    /// - Throws: `SenseVoiceError(.invalidOption)` after ``finish()``, `.internalError` when the
    ///   filter fails.
    public func process(_ samples: [Float]) throws -> [Float] {
        try state.withLock { state in
            guard !state.finished else {
                throw SenseVoiceError(.invalidOption, "the denoiser has already finished; start a new one")
            }
            state.consumed += samples.count
            guard state.tracker != nil else { return try run(&state, samples, flush: false) }
            // afftdn: feed in half-second blocks, and between blocks set the noise floor from the
            // audio heard so far. Blocks sit at fixed positions, so any chunking gives the same.
            var out: [Float] = []
            var offset = 0
            while offset < samples.count {
                let n = min(samples.count - offset, blockLength - state.blockFill)
                let part = Array(samples[offset..<(offset + n)])
                out += try run(&state, part, flush: false)
                state.tracker?.add(part[...])
                state.blockFill += n
                offset += n
                if state.blockFill == blockLength {
                    state.blockFill = 0
                    try followNoiseFloor(&state)
                }
            }
            return out
        }
    }

    /// Ends the stream: returns the remaining samples, so that the total output length equals the
    /// total input length. Later calls return nothing.
    public func finish() throws -> [Float] {
        try state.withLock { state in
            guard !state.finished else { return [] }
            state.finished = true
            // Push the held-back samples out with silence after them, then end the input.
            var tail = try run(&state, [Float](repeating: 0, count: latency), flush: true)
            let missing = state.consumed - state.produced
            if missing > 0 { tail += [Float](repeating: 0, count: missing) }
            state.produced = state.consumed
            return tail
        }
    }

    /// Denoises a whole signal at once (same length out as in); `.off` returns it unchanged.
    public static func apply(_ method: DenoiseMethod, to samples: [Float], sampleRate: Int) throws -> [Float] {
        guard method != .off else { return samples }
        let denoiser = try Denoiser(method, sampleRate: sampleRate)
        var out = try denoiser.process(samples)
        out += try denoiser.finish()
        return out
    }

    /// Gives afftdn the floor measured so far, when it changed by a decibel or more.
    private func followNoiseFloor(_ state: inout FilterState) throws {
        guard let measured = state.tracker?.floor else { return }
        let floor = Self.afftdnFloor(forMeasured: measured)
        guard floor != state.floorSetting else { return }
        var message = [CChar](repeating: 0, count: 256)
        guard svaf_command(state.filter, "nf", String(floor), &message, message.count) == SVAF_OK else {
            throw SenseVoiceError(.internalError, "denoising with afftdn failed: \(Self.text(message))")
        }
        state.floorSetting = floor
    }

    /// Feeds `samples` (and ends the input when `flush`), drops the filter's delay from the front
    /// of its output, and never hands out more samples than were fed.
    private func run(_ state: inout FilterState, _ samples: [Float], flush: Bool) throws -> [Float] {
        var message = [CChar](repeating: 0, count: 256)
        var out: UnsafePointer<Float>?
        var count = 0
        let filter = state.filter
        let status = samples.withUnsafeBufferPointer { buffer in
            svaf_process(filter, buffer.baseAddress, buffer.count, flush ? 1 : 0, &out, &count, &message, message.count)
        }
        guard status == SVAF_OK else {
            throw SenseVoiceError(.internalError, "denoising with \(method.description) failed: \(Self.text(message))")
        }
        guard count > 0, let out else { return [] }
        var released = UnsafeBufferPointer(start: out, count: count)[...]
        let skip = min(state.toSkip, released.count)
        released = released.dropFirst(skip)
        state.toSkip -= skip
        let allowed = state.consumed - state.produced
        if released.count > allowed { released = released.prefix(allowed) }
        state.produced += released.count
        return Array(released)
    }

    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
