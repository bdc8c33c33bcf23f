// Where `sensevoice stream` reads audio: raw PCM on stdin, or a file or URL through AudioStream.

import Foundation
import SenseVoiceEngine

#if canImport(Glibc)
import Glibc
#endif

/// Audio for a live transcription, read incrementally in chunks of about 0.1 s.
final class LiveAudioSource {
    private enum Backend {
        case stdin(PCMEncoding)
        case stream(AudioStream)
    }

    /// Rate of the chunks ``next()`` returns.
    let sampleRate: Int
    private let backend: Backend
    /// Bytes of an incomplete sample carried to the next read.
    private var carry: [UInt8] = []
    private var buffer: [UInt8]

    /// Opens `source`: `-` for raw PCM on stdin at `sampleRate` in `encoding`, a URL (`scheme://…`)
    /// through FFmpeg's protocols, or a file.
    /// - Throws: `SenseVoiceError` from opening the file or URL.
    init(_ source: String, sampleRate: Int, encoding: PCMEncoding) throws {
        if source == "-" {
            backend = .stdin(encoding)
            self.sampleRate = sampleRate
            buffer = [UInt8](repeating: 0, count: max(4096, sampleRate / 10 * encoding.bytesPerSample))
            return
        }
        let stream = source.contains("://") ? try AudioStream(url: source) : try AudioStream(path: source)
        backend = .stream(stream)
        self.sampleRate = stream.sampleRate
        buffer = []
    }

    /// The next chunk of mono samples, or nil at the end of the input.
    /// - Throws: `SenseVoiceError` (`.audioTruncated` when stdin ends inside a sample, `.ioError`,
    ///   decoding errors).
    func next() throws -> [Float]? {
        switch backend {
        case .stream(let stream):
            return try stream.nextChunk(maxSamples: sampleRate / 10)
        case .stdin(let encoding):
            while true {
                let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SenseVoiceError(.ioError, "reading stdin failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 {
                    guard carry.isEmpty else {
                        throw SenseVoiceError(.audioTruncated, "stdin ended inside a sample: \(carry.count) byte(s) left over, which is not a whole \(encoding.bytesPerSample)-byte \(encoding.rawValue) sample; send whole samples")
                    }
                    return nil
                }
                carry += buffer[0..<n]
                let whole = carry.count - carry.count % encoding.bytesPerSample
                guard whole > 0 else { continue }
                let samples = try carry[0..<whole].withUnsafeBytes { try encoding.decode($0) }
                carry.removeFirst(whole)
                return samples
            }
        }
    }
}
