// Runs a DenoiseMethod over mono float samples through libavfilter (CFFmpegFilter), chunk by chunk.

import CFFmpegFilter
import SenseVoiceTensor

/// One denoising filter over one stream of mono samples at a fixed rate. Feed chunks with
/// ``process(_:)`` and end with ``finish()``; the filter keeps its state between chunks, so a file
/// denoised in chunks equals the file denoised at once. Used by one thread at a time.
///
/// The output has as many samples as the input: filters that hold samples back (resampling for
/// RNNoise at 48 kHz) release them at ``finish()``, which also pads or trims the tail so times in
/// the denoised audio are the times in the original.
public final class Denoiser {
    public let method: DenoiseMethod
    public let sampleRate: Int
    private var filter: OpaquePointer?
    private var consumed = 0
    private var produced = 0

    /// - Throws: `SenseVoiceError(.invalidOption)` when the RNNoise model is refused, or
    ///   `.internalError` when FFmpeg lacks the filter or cannot build it.
    /// - Precondition: `method` is not ``DenoiseMethod/off``.
    public init(_ method: DenoiseMethod, sampleRate: Int) throws {
        precondition(method != .off, "no denoiser for off")
        self.method = method
        self.sampleRate = sampleRate
        var message = [CChar](repeating: 0, count: 256)
        var handle: OpaquePointer?
        let status: Int32
        switch method {
        case .off: status = SVAF_ERR_GRAPH
        case .afftdn: status = svaf_open(SVAF_AFFTDN, nil, Int32(sampleRate), &handle, &message, message.count)
        case .rnnoise(let file): status = svaf_open(SVAF_ARNNDN, file, Int32(sampleRate), &handle, &message, message.count)
        }
        guard status == SVAF_OK, let handle else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if status == SVAF_ERR_MODEL, case .rnnoise(let file) = method {
                throw SenseVoiceError(.invalidOption, "--denoise: \(file) is not an RNNoise model FFmpeg can load (\(reason)); give a .rnnn model file")
            }
            throw SenseVoiceError(.internalError, "denoising with \(method.description) is unavailable: \(reason)")
        }
        filter = handle
    }

    deinit { svaf_close(filter) }

    /// Denoises the next chunk; returns the samples the filter has released so far (possibly fewer
    /// than given while it fills its window).
    public func process(_ samples: [Float]) throws -> [Float] {
        consumed += samples.count
        return try run(samples, flush: false)
    }

    /// Ends the stream: returns the remaining samples, so that the total output length equals the
    /// total input length.
    public func finish() throws -> [Float] {
        var tail = try run([], flush: true)
        let missing = consumed - produced
        if missing > 0 {
            tail += [Float](repeating: 0, count: missing)
        } else if missing < 0 {
            tail.removeLast(min(-missing, tail.count))
        }
        produced = consumed
        return tail
    }

    /// Denoises a whole signal at once (same length out as in).
    public static func apply(_ method: DenoiseMethod, to samples: [Float], sampleRate: Int) throws -> [Float] {
        guard method != .off else { return samples }
        let denoiser = try Denoiser(method, sampleRate: sampleRate)
        var out = try denoiser.process(samples)
        out += try denoiser.finish()
        return out
    }

    private func run(_ samples: [Float], flush: Bool) throws -> [Float] {
        var message = [CChar](repeating: 0, count: 256)
        var out: UnsafePointer<Float>?
        var count = 0
        let status = samples.withUnsafeBufferPointer { buffer in
            svaf_process(filter, buffer.baseAddress, buffer.count, flush ? 1 : 0, &out, &count, &message, message.count)
        }
        guard status == SVAF_OK else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw SenseVoiceError(.internalError, "denoising with \(method.description) failed: \(reason)")
        }
        var result = count > 0 && out != nil ? Array(UnsafeBufferPointer(start: out, count: count)) : []
        // Never hand out more than was given: anything beyond is trimmed at the end.
        let allowed = consumed - produced
        if result.count > allowed { result.removeLast(result.count - allowed) }
        produced += result.count
        return result
    }
}
