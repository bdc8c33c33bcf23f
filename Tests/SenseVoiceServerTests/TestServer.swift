// Builds servers on the tiny fixture model for route tests, and multipart bodies to send them.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SenseVoiceEngine
import SenseVoiceJobs
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import ServiceLifecycle
import Testing

/// A server environment in a fresh temporary data folder.
enum TestServer {
    /// The tiny model, loaded once per test process.
    static let bundle: SenseVoice = {
        do { return try SenseVoice(modelDirectory: Fixtures.tinyModel.path) } catch { fatalError("tiny model: \(error)") }
    }()

    /// The pipeline over the tiny model, with the server's long-audio limit.
    static let transcriber = Transcriber(bundle: bundle, configuration: EngineConfiguration(
        modelDirectory: Fixtures.tinyModel.path, workers: 2, maxNoVADSeconds: EngineConfiguration.serviceMaxNoVADSeconds))

    /// A pool shared by tests that do not block it.
    static let sharedPool = InferencePool(transcriber: transcriber, threads: 2, name: "test-inference")

    /// A fresh environment; `ready: false` leaves the model "loading".
    static func environment(ready: Bool = true, pool: InferencePool? = nil,
                            _ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> ServerEnvironment {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-server-test-\(UUID().uuidString)")
        var configuration = ServerConfiguration(engine: transcriber.configuration, dataDirectory: dir,
                                                lease: 5, shutdownGrace: .seconds(2))
        configure(&configuration)
        let host = ready ? ModelHost(pool: pool ?? sharedPool) : ModelHost()
        return try ServerEnvironment.embedded(configuration: configuration, host: host)
    }

    /// The application, with job workers and the lease reaper unless `workers` is false.
    static func application(_ env: ServerEnvironment, workers: Bool = true) -> some ApplicationProtocol {
        let services = workers ? ServerApp.makeBackgroundServices(env, loadModel: false) : []
        return ServerApp.makeApplication(env, services: services)
    }

    /// A fixture clip's bytes.
    static func clip(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Fixtures.audio(name)))
    }

    /// A 16-bit mono 16 kHz WAV of quiet noise.
    static func noiseWAV(seconds: Double) -> [UInt8] {
        let n = Int(seconds * 16_000)
        var out: [UInt8] = Array("RIFF".utf8) + le32(36 + 2 * n) + Array("WAVEfmt ".utf8) + le32(16)
        out += le16(1) + le16(1) + le32(16_000) + le32(32_000) + le16(2) + le16(16) + Array("data".utf8) + le32(2 * n)
        var state: UInt32 = 12345
        out.reserveCapacity(out.count + 2 * n)
        for _ in 0..<n {
            state = state &* 1_103_515_245 &+ 12345
            let v = Int16(truncatingIfNeeded: Int32(state >> 16) % 2000 - 1000)
            out += le16(Int(UInt16(bitPattern: v)))
        }
        return out
    }

    private static func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    private static func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xFF) } }
}

/// A `multipart/form-data` body.
struct MultipartBody {
    let boundary = "----sensevoice-test-\(UUID().uuidString)"
    private var bytes: [UInt8] = []

    mutating func field(_ name: String, _ value: String) {
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    mutating func file(_ name: String = "file", filename: String, _ data: [UInt8], contentType: String = "application/octet-stream") {
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
        bytes += data
        bytes += Array("\r\n".utf8)
    }

    var buffer: ByteBuffer {
        ByteBuffer(bytes: bytes + Array("--\(boundary)--\r\n".utf8))
    }

    var headers: HTTPFields {
        var h = HTTPFields()
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return h
    }

    /// A body with one file and some fields.
    static func with(file: [UInt8], filename: String = "clip.wav", fields: [(String, String)] = []) -> MultipartBody {
        var body = MultipartBody()
        for (k, v) in fields { body.field(k, v) }
        body.file(filename: filename, file)
        return body
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(text.prefix(300))", sourceLocation: sourceLocation)
    }
}

/// Checks the status and the `{"error":{"code","message"}}` body of an error response.
func expectError(_ response: TestResponse, _ status: HTTPResponse.Status, code: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(response.status == status, "status \(response.status.code), body \(response.text.prefix(300))", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    let object = try response.json(sourceLocation: sourceLocation)
    #expect(object.keys.sorted() == ["error"], sourceLocation: sourceLocation)
    let error = try #require(object["error"] as? [String: Any], sourceLocation: sourceLocation)
    #expect(error.keys.sorted() == ["code", "message"], sourceLocation: sourceLocation)
    #expect(error["code"] as? String == code, "code \(error["code"] ?? "nil"), message \(error["message"] ?? "")", sourceLocation: sourceLocation)
    #expect(((error["message"] as? String) ?? "").count > 10, sourceLocation: sourceLocation)
}
