// GET /v1/realtime?intent=transcription: OpenAI's Realtime transcription events over a real WebSocket.

import Foundation
import HTTPTypes
import HummingbirdWSClient
import NIOCore
import NIOWebSocket
import SenseVoiceEngine
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("GET /v1/realtime?intent=transcription (WebSocket)", .serialized)
struct RealtimeRouteTests {
    static let path = "/v1/realtime?intent=transcription"

    /// The first `seconds` of long_mixed.wav as PCM16 at `rate`.
    static func pcm16(seconds: Double, rate: Int = 24_000) throws -> [UInt8] {
        let pcm = try LiveStreamRouteTests.audio(seconds: seconds)
        let samples = pcm.withUnsafeBytes { raw in raw.bindMemory(to: Int16.self).map { Float(Int16(littleEndian: $0)) / 32768 } }
        let resampled = rate == 16_000 ? samples : SincResampler.resample(samples, from: 16_000, to: rate)
        var out: [UInt8] = []
        out.reserveCapacity(resampled.count * 2)
        for v in resampled {
            let i = Int16(max(-32768, min(32767, (v * 32768).rounded())))
            withUnsafeBytes(of: i.littleEndian) { out += $0 }
        }
        return out
    }

    static func append(_ bytes: ArraySlice<UInt8>) -> String {
        #"{"type":"input_audio_buffer.append","audio":""# + Data(bytes).base64EncodedString() + #""}"#
    }

    /// Sends `pcm` in 100 ms appends at 24 kHz.
    static func sendAppends(_ pcm: [UInt8], to out: WebSocketOutboundWriter) async throws {
        for offset in stride(from: 0, to: pcm.count, by: 4800) {
            try await out.write(.text(append(pcm[offset..<min(pcm.count, offset + 4800)])))
        }
    }

    /// Every committed item has its completed transcription (and at least `items` were committed).
    static func allCompleted(items: Int) -> @Sendable (LiveSessionRecord) -> Bool {
        { record in
            let committed = record.events("input_audio_buffer.committed").count
            return committed >= items && record.events("conversation.item.input_audio_transcription.completed").count >= committed
        }
    }

    @Test("server VAD: created, speech_started/stopped, committed and completed (with emotion and events) per item")
    func serverVAD() async throws {
        let pcm = try Self.pcm16(seconds: 30)
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await LiveClient.session(port: port, path: Self.path, closeWhen: Self.allCompleted(items: 3), timeout: .seconds(120)) { out in
                try await out.write(.text(#"{"type":"transcription_session.update","session":{"input_audio_format":"pcm16","input_audio_transcription":{"model":"sensevoice","language":"en"},"turn_detection":{"type":"server_vad"}}}"#))
                try await Self.sendAppends(pcm, to: out)
                try await out.write(.text(#"{"type":"input_audio_buffer.commit"}"#))
            }
            let types = record.types
            #expect(types.first == "transcription_session.created")
            #expect(types.contains("transcription_session.updated"))
            #expect(record.events("error").isEmpty, "\(record.texts)")
            let committed = record.events("input_audio_buffer.committed")
            let completed = record.events("conversation.item.input_audio_transcription.completed")
            #expect(committed.count >= 2)
            #expect(completed.count == committed.count, "\(types)")
            #expect(record.events("input_audio_buffer.speech_started").count == committed.count)
            #expect(record.events("input_audio_buffer.speech_stopped").count == committed.count)
            #expect(committed.map { $0["item_id"] as? String } == completed.map { $0["item_id"] as? String })
            for event in completed {
                #expect(event["transcript"] is String)
                #expect(event["events"] is [String])
                #expect(event["content_index"] as? Int == 0)
                #expect(event["start_ms"] is Int && event["end_ms"] is Int)
            }
            // Deltas of an item add up to its transcript.
            for event in completed {
                let item = event["item_id"] as? String
                let deltas = record.events("conversation.item.input_audio_transcription.delta").filter { $0["item_id"] as? String == item }
                #expect(deltas.map { $0["delta"] as? String ?? "" }.joined() == event["transcript"] as? String)
            }
            let updated = try #require(record.events("transcription_session.updated").first?["session"] as? [String: Any])
            #expect((updated["input_audio_transcription"] as? [String: Any])?["language"] as? String == "en")
        }
    }

    @Test("turn_detection null: audio waits for commit, which makes one item; clear empties the buffer")
    func manualCommit() async throws {
        let pcm = try Self.pcm16(seconds: 3)
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await LiveClient.session(port: port, path: Self.path, closeWhen: Self.allCompleted(items: 1), timeout: .seconds(120)) { out in
                try await out.write(.text(#"{"type":"session.update","session":{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"turn_detection":null}}}}"#))
                try await Self.sendAppends(pcm, to: out)
                try await out.write(.text(#"{"type":"input_audio_buffer.clear"}"#))
                try await out.write(.text(#"{"type":"input_audio_buffer.commit"}"#))
                try await Self.sendAppends(pcm, to: out)
                try await out.write(.text(#"{"type":"input_audio_buffer.commit"}"#))
            }
            #expect(record.types.contains("session.updated"))
            #expect(record.types.contains("input_audio_buffer.cleared"))
            #expect(record.events("input_audio_buffer.speech_started").isEmpty)
            let errors = record.events("error").compactMap { ($0["error"] as? [String: Any])?["code"] as? String }
            #expect(errors == ["input_audio_buffer_commit_empty"], "\(record.texts)")
            let completed = record.events("conversation.item.input_audio_transcription.completed")
            #expect(completed.count == 1)
            #expect(completed.first?["start_ms"] as? Int == 3000)
            #expect(completed.first?["end_ms"] as? Int == 6000)
        }
    }

    @Test("malformed events get an error event and the session goes on; a bad rate or turn detection is refused")
    func malformed() async throws {
        let pcm = try Self.pcm16(seconds: 3)
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await LiveClient.session(port: port, path: Self.path, closeWhen: Self.allCompleted(items: 1), timeout: .seconds(120)) { out in
                try await out.write(.text(#"{"type":"input_audio_buffer.append","audio":"@@@ not base64 @@@"}"#))
                try await out.write(.text(#"{"type":"input_audio_buffer.append","audio":"AAEC"}"#))
                try await out.write(.text(#"{"type":"response.create","event_id":"evt_1"}"#))
                try await out.write(.text(#"{"type":"session.update","session":{"audio":{"input":{"format":{"type":"audio/pcm","rate":0}}}}}"#))
                try await out.write(.text(#"{"type":"transcription_session.update","session":{"turn_detection":{"type":"semantic_vad"}}}"#))
                try await out.write(.binary(ByteBuffer(bytes: [0, 0])))
                try await Self.sendAppends(pcm, to: out)
                try await out.write(.text(#"{"type":"input_audio_buffer.commit"}"#))
            }
            let errors = record.events("error").compactMap { $0["error"] as? [String: Any] }
            #expect(errors.compactMap { $0["code"] as? String }
                    == ["invalid_base64", "audio_truncated", "unknown_event", "invalid_option", "invalid_option", "binary_not_supported"],
                    "\(record.texts)")
            #expect(errors.first { $0["code"] as? String == "unknown_event" }?["event_id"] as? String == "evt_1")
            #expect(!record.events("conversation.item.input_audio_transcription.completed").isEmpty)

            let wrongIntent = try await LiveClient.session(port: port, path: "/v1/realtime?intent=conversation") { _ in }
            #expect(wrongIntent.closeCode == .policyViolation)
            try await LiveStreamRouteTests.expectHealthy(port: port)
        }
    }

    @Test("the official openai package's realtime client runs a transcription session",
          .enabled(if: PythonTools.hasOpenAI, PythonTools.openAIMissing))
    func openAIPackage() async throws {
        try await LiveStreamRouteTests.withServer { port, _ in
            let output = try await PythonTools.run(script: "scripts/openai-client-test.py",
                                                   ["realtime", "--base-url", "http://127.0.0.1:\(port)/v1",
                                                    "--file", Fixtures.audio("en.wav").path, "--speed", "4"])
            let summary = output.split(separator: "\n").last { $0.hasPrefix("{") }
            #expect(summary?.contains(#""ok": true"#) == true, "\(output.suffix(3000))")
        }
    }
}
