// A minimal 16-bit PCM WAV reader for tests that must not depend on SenseVoiceAudio.

public import Foundation

/// Test-only WAV helper: reads canonical 16-bit mono PCM files as floats in [-1, 1).
public enum TestWAV {
    /// Samples of a 16-bit PCM WAV divided by 32768 (torchaudio's normalisation).
    public static func readPCM16(_ url: URL) throws -> (samples: [Float], sampleRate: Int) {
        let d = [UInt8](try Data(contentsOf: url))
        func u32(_ o: Int) -> Int { Int(d[o]) | Int(d[o + 1]) << 8 | Int(d[o + 2]) << 16 | Int(d[o + 3]) << 24 }
        func u16(_ o: Int) -> Int { Int(d[o]) | Int(d[o + 1]) << 8 }
        var pos = 12
        var rate = 0
        while pos + 8 <= d.count {
            let id = String(decoding: d[pos..<pos + 4], as: UTF8.self)
            let size = u32(pos + 4)
            if id == "fmt " { rate = u32(pos + 12); precondition(u16(pos + 22) == 16 && u16(pos + 10) == 1) }
            if id == "data" {
                let n = min(size, d.count - pos - 8) / 2
                var out = [Float](repeating: 0, count: n)
                for i in 0..<n { out[i] = Float(Int16(bitPattern: UInt16(u16(pos + 8 + 2 * i)))) / 32768 }
                return (out, rate)
            }
            pos += 8 + size + (size & 1)
        }
        throw CocoaError(.fileReadCorruptFile)
    }
}
