import Foundation
import XCTest

@testable import StudyKit

final class IngestCommandTests: XCTestCase {
    func testSummaryAndRerunFromTheCommandLine() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write(
            "x.jsonl",
            #"{"id":"1","text":"keep 4o","created_at":"2025-08-08T14:03:11Z","author_id":"9"}"# + "\nnot json\n")
        let db = dir.path("study.sqlite")
        let first = try runTool("ingest", ["--db", db, file])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertTrue(first.out.contains("read 2 = stored 1 + duplicate ids 0 + rejected 1"), first.out)
        XCTAssertTrue(first.out.contains("rejects_explained"), first.out)
        XCTAssertEqual(first.err, "", "no progress output when stderr is not a terminal")
        let second = try runTool("ingest", ["--db", db, file])
        XCTAssertEqual(second.status, 0)
        XCTAssertTrue(second.out.contains("already ingested"), second.out)
    }

    func testErrorsNameTheFileAndExitNonZero() throws {
        let dir = try TemporaryDirectory()
        let csv = try dir.write("odd.csv", "a,b\n1,2\n")
        let result = try runTool("ingest", ["--db", dir.path("study.sqlite"), csv])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.hasPrefix("Error: \(csv):1: no column mapping"), result.err)
        let missing = try runTool("ingest", ["--db", dir.path("study.sqlite"), dir.path("nope.jsonl")])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.err.contains("no such file"), missing.err)
    }

    func testHelpTeachesTheFormats() throws {
        let help = try runTool("ingest", ["--help"])
        XCTAssertEqual(help.status, 0)
        for word in [
            "X API v2", "CSV", "Reddit", "Xiaohongshu", "Weibo", "--mapping", "--keep-handles", "--assume-utc",
            "rejects",
            "xiaohongshu, weibo", "exit status",
        ] {
            XCTAssertTrue(help.out.contains(word), word)
        }
    }
}
