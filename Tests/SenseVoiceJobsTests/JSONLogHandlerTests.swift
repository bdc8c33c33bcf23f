// JSONLogHandler: one JSON object per line with ts, level, msg, logger and flattened metadata.

import Foundation
import Logging
import SenseVoiceJobs
import ServiceLifecycle
import Synchronization
import Testing

/// Collects the lines a handler writes.
final class LineSink: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    @Sendable func write(_ line: String) { storage.withLock { $0.append(line) } }
}

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    func object(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false, "one record per line: \(line)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func recordHasTimestampLevelMessageLoggerAndMetadata() throws {
        let sink = LineSink()
        var logger = Logger(label: "sensevoice.jobs") { JSONLogHandler(label: $0, write: sink.write) }
        logger[metadataKey: "job_id"] = "j-1"
        logger.info("job \"started\"\n", metadata: ["request_id": "r-9", "attempt": "\(2)"])
        let record = try object(try #require(sink.lines.first))
        #expect(record["msg"] as? String == "job \"started\"\n")
        #expect(record["level"] as? String == "info")
        #expect(record["logger"] as? String == "sensevoice.jobs")
        #expect(record["job_id"] as? String == "j-1")
        #expect(record["request_id"] as? String == "r-9")
        #expect(record["attempt"] as? String == "2")
        let ts = try #require(record["ts"] as? String)
        #expect(ts.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "ts: \(ts)")
    }

    @Test func timestampIsUTCWithMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_795_000_000.5)
        #expect(JSONLogHandler.line(date: date, level: .error, message: "m", label: "l", metadata: [:])
            == #"{"ts":"2026-11-18T11:06:40.500Z","level":"error","msg":"m","logger":"l"}"# + "\n")
    }

    @Test func levelFiltersAndNestedMetadataStaysJSON() throws {
        let sink = LineSink()
        var logger = Logger(label: "x") { JSONLogHandler(label: $0, write: sink.write) }
        logger.logLevel = .notice
        logger.info("dropped")
        logger.warning("kept", metadata: ["list": ["a", "b"], "map": ["k": "v"], "msg": "clash", "ctl": "\u{1}"])
        #expect(sink.lines.count == 1)
        let record = try object(sink.lines[0])
        #expect(record["msg"] as? String == "kept")
        #expect(record["meta.msg"] as? String == "clash")
        #expect(record["list"] as? [String] == ["a", "b"])
        #expect((record["map"] as? [String: String])?["k"] == "v")
        #expect(record["ctl"] as? String == "\u{1}")
    }

    @Test func metadataProviderValuesAreIncluded() throws {
        let sink = LineSink()
        let provider = Logger.MetadataProvider { ["trace_id": "t-1"] }
        let logger = Logger(label: "p") { JSONLogHandler(label: $0, metadataProvider: provider, write: sink.write) }
        logger.error("boom")
        #expect(try object(try #require(sink.lines.first))["trace_id"] as? String == "t-1")
    }
}

@Suite("Job worker logs")
struct JobWorkerLogTests {
    @Test("every log line about a job carries its job_id")
    func jobIDInWorkerLogs() async throws {
        let f = try WorkerFixture()
        let sink = LineSink()
        let logger = Logger(label: "sensevoice.jobs") { JSONLogHandler(label: $0, write: sink.write) }
        let base = f.service(workers: 1)
        let service = JobWorkerService(store: base.store, blobs: base.blobs, processor: base.processor,
                                       configuration: base.configuration, wake: base.wake, logger: logger)
        var submitted: JobRecord?
        try await withServices([service]) {
            let job = try await f.submit(["ok"])[0]
            submitted = job
            _ = try await f.waitFor(job.id) { $0?.state.isFinished == true }
        }
        let job = try #require(submitted)
        let records = try sink.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let about = records.filter { record in
            guard let msg = record["msg"] as? String else { return false }
            return msg.hasPrefix("job ") && !msg.hasPrefix("job workers")
        }
        #expect(about.contains { $0["msg"] as? String == "job started" })
        #expect(about.contains { $0["msg"] as? String == "job succeeded" })
        for record in about { #expect(record["job_id"] as? String == job.id, "\(record)") }
    }
}
