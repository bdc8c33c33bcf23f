// The web UI's label script (the engine's --label-style words), its scripts, and /ready's `speakers`.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SenseVoiceEngine
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("web UI languages and speakers: labels.js, scripts, /ready speakers")
struct WebUILanguageTests {
    /// The JSON object of `const TAG_LABELS = {…};`.
    static func labels(_ script: String) throws -> [String: [String: String]] {
        let start = try #require(script.range(of: "const TAG_LABELS = "))
        let end = try #require(script.range(of: ";\n", range: start.upperBound..<script.endIndex))
        let json = Data(script[start.upperBound..<end.lowerBound].utf8)
        return try JSONDecoder().decode([String: [String: String]].self, from: json)
    }

    @Test("labels.js carries the engine's words for every labelled tag, nothing for the unlabelled ones")
    func labelScript() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let response = try await client.execute(uri: "/labels.js", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
            let labels = try Self.labels(response.text)
            #expect(labels["angry"] == ["en": "angry", "zh": "生气"])
            #expect(labels["laughter"] == ["en": "laughter", "zh": "笑声"])
            #expect(labels["applause"]?["zh"] == "掌声")
            #expect(labels["neutral"] == nil && labels["speech"] == nil)
            // Exactly the engine's table, rendered as --label-style writes it.
            let emotions = Emotion.allCases.filter { ReadableLabels.label(for: $0, style: .chinese) != nil }
            let events = AudioEvent.allCases.filter { ReadableLabels.label(for: $0, style: .chinese) != nil }
            #expect(Set(labels.keys) == Set(emotions.map(\.jsonName) + events.map(\.jsonName)))
            for e in emotions {
                #expect(ReadableLabels.label(for: e, style: .chinese) == "(\(labels[e.jsonName]?["zh"] ?? ""))")
                #expect(ReadableLabels.label(for: e, style: .english) == "[\(labels[e.jsonName]?["en"] ?? "")]")
            }
            for e in events {
                #expect(ReadableLabels.label(for: e, style: .chinese) == "(\(labels[e.jsonName]?["zh"] ?? ""))")
            }
        }
    }

    @Test("every script the page names is served; the page names the language switch")
    func scriptsServed() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get).text
            #expect(page.contains("id=\"ui-language\""))
            let scripts = page.matches(of: /<script src="(\/[a-z0-9.-]+\.js)"/).map { String($0.output.1) }
            #expect(scripts.starts(with: ["/labels.js", "/i18n.js", "/app.js"]), "\(scripts)")
            for path in scripts + ["/live-worklet.js"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8", "\(path)")
            }
        }
    }

    @Test("/ready says whether the server can tell speakers apart")
    func readySpeakers() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let ready = try await client.execute(uri: "/ready", method: .get).json()
            #expect(ready["speakers"] as? Bool == false)
        }
        guard let shared = Fixtures.shared,
              FileManager.default.fileExists(atPath: shared.appendingPathComponent("tiny-campplus/config.yaml").path) else { return }
        let pool = try DiarizationRouteTests.pool()
        try await TestServer.application(try TestServer.environment(pool: pool), workers: false).test(.router) { client in
            let ready = try await client.execute(uri: "/ready", method: .get).json()
            #expect(ready["speakers"] as? Bool == true)
        }
    }
}
