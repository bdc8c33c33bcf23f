// `--channels split` inside the pipeline: each channel is recognised exactly as that channel alone
// would be (real FSMN-VAD, the tiny SenseVoice), merged in time order, from a file or from memory.

import Foundation
import SenseVoiceAudio
import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

@Suite struct ChannelSplitPipelineTests {
    static func transcriber() throws -> Transcriber {
        let vad = try Fixtures.requireVADModel()
        return try Transcriber(configuration: EngineConfiguration(modelDirectory: Fixtures.tinyModel.path, vadModelDirectory: vad.path,
                                                                  threads: 2, workers: 1))
    }

    @Test func eachChannelIsRecognisedOnItsOwnAndMergedInTimeOrder() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sv-call-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        try StereoCall.write(to: url)
        let transcriber = try Self.transcriber()
        let session = transcriber.makeSession()
        let decoder = AudioDecoder()
        var options = TranscriptionOptions()
        options.channels = ChannelSplitOptions(speakerNames: ["agent"])
        let result = try session.transcribeChannels(file: "call.wav", options: options) {
            try decoder.decode(path: url.path, displayName: "call.wav", channel: $0)
        }
        // Channel by channel, the segments are those of the channel transcribed as a mono file.
        for channel in 0..<2 {
            let alone = try session.transcribe(try decoder.decode(path: url.path, displayName: "call.wav", channel: channel).audio,
                                               file: "call.wav", options: TranscriptionOptions())
            let mine = result.segments.filter { $0.channel == channel }
            #expect(!mine.isEmpty)
            #expect(mine.allSatisfy { $0.speaker == (channel == 0 ? "agent" : "ch1") }, "fewer names than channels: the rest are chN")
            #expect(mine.map { s in var s = s; s.channel = nil; s.speaker = nil; return s } == alone.segments, "channel \(channel)")
        }
        #expect(result.segments.map(\.startMs) == result.segments.map(\.startMs).sorted())
        #expect(result.durationMs == StereoCall.durationMs)
        #expect(result.speakers?.map(\.speaker) == ["agent", "ch1"])
        #expect(result.text == TranscriptionResult(file: nil, durationMs: 0, segments: result.segments, timings: Timings()).text)

        // Through the pool, from a file and from memory (a job in a store without files): the same segments.
        let pool = InferencePool(transcriber: transcriber, threads: 1, name: "test-split")
        let fromFile = try await pool.transcribe(path: url.path, displayName: "call.wav", options: options, decoder: decoder)
        let fromMemory = try await pool.transcribe(data: [UInt8](try Data(contentsOf: url)), filename: "call.wav", options: options,
                                                   decoder: decoder)
        #expect(fromFile.segments == result.segments)
        #expect(fromMemory.segments == result.segments)
    }

    @Test func splitRefusesMonoFilesAndDiarization() throws {
        let session = try Self.transcriber().makeSession()
        let decoder = AudioDecoder()
        var options = TranscriptionOptions()
        options.channels = ChannelSplitOptions()
        let mono = #expect(throws: SenseVoiceError.self) {
            try session.transcribeChannels(file: "en.wav", options: options) {
                try decoder.decode(path: Fixtures.audio("en.wav").path, displayName: "en.wav", channel: $0)
            }
        }
        #expect(mono?.code == .invalidOption)
        #expect(mono?.message.hasPrefix("en.wav has one channel (mono)") == true)
        options.diarization = DiarizationOptions()
        #expect(throws: SenseVoiceError.self) { try options.validate() }
    }
}
