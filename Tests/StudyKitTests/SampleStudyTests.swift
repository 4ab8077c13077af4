import Foundation
import XCTest

@testable import StudyKit

/// The bundled sample study, checked against the generator's own ground truth (ground_truth.csv),
/// which records for every record whether and why it was planted broken.
final class SampleStudyTests: XCTestCase {
    static let files = ["x_keep4o.jsonl", "x_keep4o_twarc.csv", "reddit_keep4o.ndjson"]

    struct TruthRow {
        let platform, externalID, file: String
        let line: Int
        let kind, brokenReason: String
    }

    static func groundTruth() throws -> [TruthRow] {
        let text = try String(contentsOfFile: Repository.path("data/sample/ground_truth.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        return lines.map { line in
            // Only the first six columns and the last are read here; none of them holds a comma.
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return TruthRow(
                platform: cells[column("platform")], externalID: cells[column("external_id")],
                file: cells[column("source_file")], line: Int(cells[column("line")])!,
                kind: cells[column("kind")], brokenReason: cells.last!)
        }
    }

    func testEveryPlantedBrokenRecordIsRejectedForItsReasonAndNothingElseIs() throws {
        let dir = try TemporaryDirectory()
        let paths = Self.files.map { Repository.path("data/sample/\($0)") }
        let (db, summaries) = try ingest(paths, in: dir)
        try assertReconciles(db, summaries)
        let truth = try Self.groundTruth()
        XCTAssertGreaterThanOrEqual(truth.count, 3000)
        XCTAssertEqual(summaries.reduce(0) { $0 + $1.read }, truth.count, "every ground-truth record is read once")

        let expectedRejects = Set(
            truth.filter { $0.kind == "broken" }.map { "\($0.file):\($0.line):\($0.brokenReason)" })
        let actualRejects = Set(
            try db.query(
                """
                SELECT f.path, r.source_line, r.reason_code FROM rejects r JOIN source_files f USING (source_file_id)
                """
            ).map { "\(($0.text(0)! as NSString).lastPathComponent):\($0.int(1)!):\($0.text(2)!)" })
        XCTAssertEqual(actualRejects, expectedRejects)

        // Records that are fine are stored once; ids collected twice become duplicate records.
        let valid = truth.filter { $0.kind != "broken" }
        let distinct = Set(valid.map { "\($0.platform):\($0.externalID)" })
        XCTAssertEqual(try db.count("posts"), distinct.count)
        XCTAssertEqual(try db.count("duplicate_records"), valid.count - distinct.count)
        XCTAssertGreaterThan(valid.count - distinct.count, 0, "the sample plants tweets collected twice")
    }

    func testPlatformsAndLanguageHintsArrive() throws {
        let dir = try TemporaryDirectory()
        let (db, _) = try ingest(Self.files.map { Repository.path("data/sample/\($0)") }, in: dir)
        let platforms = try db.query("SELECT platform FROM posts GROUP BY platform ORDER BY platform").map {
            $0.text(0)!
        }
        XCTAssertEqual(platforms, ["reddit", "x"])
        let hints = Set(
            try db.query("SELECT DISTINCT lang_hint FROM posts WHERE lang_hint IS NOT NULL").map { $0.text(0)! })
        XCTAssertTrue(hints.isSuperset(of: ["en", "ja", "zh", "ko", "es", "fr", "de", "pt"]), "\(hints)")
        XCTAssertEqual(try db.count("posts", where: "author_handle IS NOT NULL"), 0, "pseudonymous by default")
    }
}
