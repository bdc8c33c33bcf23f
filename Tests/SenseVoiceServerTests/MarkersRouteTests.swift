// `format=markers` on the transcription route and on a job's result: layouts, filters, errors.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SenseVoiceEngine
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("format=markers")
struct MarkersRouteTests {
    static let uri = "/api/v1/transcriptions"

    @Test("POST format=markers: CSV rows are the JSON result's emotions and events; chapters and EDL layouts")
    func transcriptionRoute() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            func post(_ fields: [(String, String)]) async throws -> TestResponse {
                let body = MultipartBody.with(file: try TestServer.clip("ja.wav"), filename: "ja.wav", fields: [("use_itn", "false")] + fields)
                return try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            }
            let json = try JSONDecoder().decode(TranscriptionResult.self, from: Data(try await post([]).text.utf8))
            let expected = HighlightMarker.list(in: json, options: HighlightOptions(), labels: .english)
            #expect(!expected.isEmpty, "the tiny model tags ja.wav (without ITN) fearful")

            let csv = try await post([("format", "markers")])
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let rows = csv.text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            #expect(rows.first?.joined(separator: ",") == "start,end,kind,label,text")
            #expect(rows.dropFirst().map { String($0[3]) } == expected.map(\.label))

            let chinese = try await post([("format", "markers"), ("label_style", "zh")])
            #expect(chinese.text.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[3]) }
                == HighlightMarker.list(in: json, options: HighlightOptions(), labels: .chinese).map(\.label))

            let edl = try await post([("format", "markers"), ("markers_format", "edl"), ("edl_fps", "24"), ("edl_start", "00:00:00")])
            #expect(edl.status == .ok)
            #expect(edl.headers[.contentType]?.hasPrefix("text/x-edl") == true)
            #expect(edl.text.hasPrefix("TITLE: ja.wav\nFCM: NON-DROP FRAME\n"))
            #expect(edl.text.components(separatedBy: " |C:ResolveColor").count - 1 == expected.count)

            let chapters = try await post([("format", "markers"), ("markers_format", "chapters")])
            #expect(chapters.text.hasPrefix("0:00 "))

            let none = try await post([("format", "markers"), ("only_events", "applause")])
            #expect(none.status == .ok && none.text.isEmpty, "a filter nothing matches gives an empty file")

            for bad in [[("only_events", "giggles")], [("only_emotions", "bored")], [("markers_format", "pdf")],
                        [("edl_fps", "abc")], [("edl_fps", "29")], [("edl_start", "25:00:00")], [("label_style", "fr")]] {
                let response = try await post([("format", "markers")] + bad)
                try expectError(response, .badRequest, code: "invalid_option")
                #expect(response.text.contains(bad[0].0), "the message names the field: \(response.text)")
            }
        }
    }

    @Test("a job's result in format=markers, downloaded with the layout's extension")
    func jobResult() async throws {
        try await TestServer.application(try TestServer.environment()).test(.router) { client in
            let submission = try await JobsRouteTests.submit(client, files: [("ja.wav", try TestServer.clip("ja.wav"))],
                                                       fields: [("use_itn", "false")])
            let id = try #require(JobsRouteTests.ids(submission).first)
            let job = try await JobsRouteTests.waitFinished(client, id: id)
            #expect(job["state"] as? String == "succeeded")
            let edl = try await client.execute(uri: "/api/v1/jobs/\(id)/result?format=markers&markers_format=edl&download=1", method: .get)
            #expect(edl.status == .ok)
            #expect(edl.text.hasPrefix("TITLE: ja.wav\n"))
            #expect(edl.headers[.contentDisposition]?.contains("filename=\"ja.edl\"") == true, "\(edl.headers[.contentDisposition] ?? "")")
            let csv = try await client.execute(uri: "/api/v1/jobs/\(id)/result?format=markers&only_emotions=fearful,angry", method: .get)
            #expect(csv.status == .ok)
            #expect(csv.text.hasPrefix("start,end,kind,label,text\n"))
            #expect(csv.text.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[3] } == ["fearful"])
            try expectError(try await client.execute(uri: "/api/v1/jobs/\(id)/result?format=markers&only_events=x", method: .get),
                            .badRequest, code: "invalid_option")
        }
    }
}
