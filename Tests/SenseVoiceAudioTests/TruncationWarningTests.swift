import Foundation
import SenseVoiceAudio
import SenseVoiceTensor
import SenseVoiceTestSupport
import Testing

/// A file that holds less audio than its header declares is decoded with a warning, or refused
/// in strict mode; complete files and streaming writers' unset sizes give no warning.
@Suite struct TruncationWarningTests {
    /// 128 samples at 16 kHz (8 ms) under a header announcing 102.4 s.
    static let cut = BadInputTests.wav({ $0.dataSizeOverride = 3_276_800 }, samples: 128)

    @Test func cutOffWAVDecodesWithAWarning() throws {
        let expected = "truncated: header declares 102.4 s, file holds 0.008 s"
        let buffer = try AudioDecoder().decode(data: Self.cut, filenameHint: "cut.wav")
        #expect(buffer.samples.count == 128)
        #expect(buffer.warnings == [expected])
        let dir = try TemporaryDirectory()
        let fromFile = try AudioDecoder().decode(path: try dir.write("cut.wav", Self.cut))
        #expect(fromFile.warnings == [expected])
        let stream = try AudioStream(data: Self.cut, filenameHint: "cut.wav")
        #expect(stream.warnings == [expected])
    }

    @Test func strictRefusesACutOffFile() throws {
        var options = AudioDecodingOptions()
        options.strict = true
        let message = try BadInputTests.expectError(.audioTruncated, Self.cut, name: "cut.wav", options: options)
        #expect(message.contains("102.4 s") && message.contains("0.008 s"), "\(message)")
    }

    @Test func completeAndStreamingFilesHaveNoWarning() throws {
        var strict = AudioDecodingOptions()
        strict.strict = true
        let complete = BadInputTests.wav({ _ in }, samples: 1_600)
        #expect(try AudioDecoder(options: strict).decode(data: complete, filenameHint: "ok.wav").warnings.isEmpty)
        let streaming = BadInputTests.wav({ $0.dataSizeOverride = 0xFFFF_FFFF }, samples: 1_600)
        let buffer = try AudioDecoder(options: strict).decode(data: streaming, filenameHint: "live.wav")
        #expect(buffer.warnings.isEmpty && buffer.samples.count == 1_600)
    }
}
