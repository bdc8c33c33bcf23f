// What only the SQLite job store has. Queue order, leases, outcomes, reaping, retention and
// persistence are checked for SQLite and PostgreSQL alike in JobStoreConformanceTests.

import SenseVoiceJobs
import Testing

@Suite("SQLiteJobStore")
struct SQLiteJobStoreTests {
    @Test("an unwritable path is a storage error that names it")
    func unwritable() {
        #expect(throws: JobError.self) { try SQLiteJobStore(path: "/proc/nope/jobs.sqlite") }
    }
}
