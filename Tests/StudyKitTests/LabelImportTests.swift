import Foundation
import XCTest

@testable import StudyKit

/// `annotate import-labels`: labels keyed by external ids, all or nothing, errors with file:line.
final class LabelImportTests: XCTestCase {
    func codebook(_ db: Database) throws -> Codebook {
        try CodebookLoader.parse(yaml: testCodebookYAML, path: "testbook.yaml")
    }

    func labels(_ db: Database, coder: String) throws -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        try db.forEachRow(
            """
            SELECT p.external_id, c.category, c.value FROM codings c JOIN posts p ON p.post_id = c.post_id
            WHERE c.coder = ?
            """, [.text(coder)]
        ) { row in
            out[try row.required(text: "external_id"), default: [:]][try row.required(text: "category")] =
                try row.required(int: "value")
        }
        return out
    }

    func testImportsLabelsByExternalIDWithNotesAndRules() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        let file = try dir.write(
            "earlier.csv",
            #"""
            id,relevant,companion,attachment,grief,note
            ext3,1,1,1,0,"calls it ""my friend"""
            ext7,0,0,0,0,
            ext9,1,0,0,1,
            ext11,0,1,0,0,broken rules on purpose

            """#)
        let summary = try LabelImport.importFile(
            file, into: db, codebook: try codebook(db), options: .init(coder: "maria"))
        XCTAssertEqual(summary.coder, "human:maria")
        XCTAssertEqual(summary.posts, 4)
        XCTAssertEqual(summary.positives, ["relevant": 2, "companion": 2, "attachment": 1, "grief": 1])
        XCTAssertEqual(summary.categoriesMissing, [])
        // ext11: companion without the gate, and without the attachment it implies.
        XCTAssertEqual(summary.ruleWarnings.count, 2)
        XCTAssertTrue(summary.ruleWarnings.allSatisfy { $0.hasPrefix("\(file):5: ") }, "\(summary.ruleWarnings)")

        let stored = try labels(db, coder: "human:maria")
        XCTAssertEqual(stored["ext3"], ["relevant": 1, "companion": 1, "attachment": 1, "grief": 0])
        XCTAssertEqual(stored["ext7"], ["relevant": 0, "companion": 0, "attachment": 0, "grief": 0])
        XCTAssertEqual(stored.count, 4)
        let evidence = try db.scalarText(
            """
            SELECT evidence FROM codings c JOIN posts p ON p.post_id = c.post_id
            WHERE p.external_id = 'ext3' AND c.coder = 'human:maria' AND c.category = 'companion'
            """)
        XCTAssertEqual(evidence, #"[{"import":"earlier.csv","line":2,"note":"calls it \"my friend\""}]"#)
        XCTAssertEqual(try db.scalarText("SELECT status FROM runs WHERE run_id = \(summary.runID)"), "completed")

        // Importing again replaces the coder's labels of those posts; another coder is separate.
        let second = try dir.write("second.csv", "id,grief\next3,1\n")
        let again = try LabelImport.importFile(
            second, into: db, codebook: try codebook(db), options: .init(coder: "maria"))
        XCTAssertEqual(again.categoriesMissing, ["relevant", "companion", "attachment"])
        XCTAssertEqual(
            try labels(db, coder: "human:maria")["ext3"], ["relevant": 1, "companion": 1, "attachment": 1, "grief": 1])
        _ = try LabelImport.importFile(file, into: db, codebook: try codebook(db), options: .init(coder: "adjudicated"))
        XCTAssertEqual(try labels(db, coder: "adjudicated").count, 4)
    }

    func testEveryProblemIsReportedWithFileAndLineAndNothingIsStored() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        let file = try dir.write(
            "bad.csv",
            """
            id,relevant,companion,attachment,grief
            ext1,1,0,0,0
            nope,1,0,0,0
            ext2,1,yes,0,0
            ext1,0,0,0,0
            ext4,1,0,0

            """)
        XCTAssertThrowsError(
            try LabelImport.importFile(file, into: db, codebook: try codebook(db), options: .init(coder: "maria"))
        ) {
            XCTAssertEqual(
                "\($0)",
                """
                \(file):3: id 'nope' is not a post of the study
                \(file):4: column 'companion': 'yes' is not 0 or 1
                \(file):5: id 'ext1' was already labelled on line 2
                \(file):6: 4 fields, the header has 5
                nothing was imported
                """)
        }
        XCTAssertEqual(try db.count("codings", where: "coder = 'human:maria'"), 0)
        XCTAssertEqual(try db.count("runs", where: "stage = 'annotate-import-labels'"), 0)

        let header = try dir.write("header.csv", "post,relevant,sadness\next1,1,0\n")
        XCTAssertThrowsError(
            try LabelImport.importFile(header, into: db, codebook: try codebook(db), options: .init(coder: "maria"))
        ) {
            XCTAssertEqual("\($0)", "\(header):1: no 'id' column (the posts' external ids, as ingest stored them)")
        }
        let unknown = try dir.write("unknown.csv", "id,relevant,sadness\next1,1,0\n")
        XCTAssertThrowsError(
            try LabelImport.importFile(unknown, into: db, codebook: try codebook(db), options: .init(coder: "maria"))
        ) {
            XCTAssertTrue(
                "\($0)".hasPrefix("\(unknown):1: column 'sadness' is not a category of codebook testbook@0.1"), "\($0)")
        }
    }

    func testAnIDOnTwoPlatformsNeedsAPlatform() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        try db.run(
            """
            INSERT INTO posts(post_id, platform, external_id, created_at, created_unix, text, source_file_id,
                              source_line)
            VALUES (100, 'reddit', 'ext5', '2025-08-09T00:00:00Z', 1754697600, 'a reddit post', 1, 100)
            """)
        let file = try dir.write("labels.csv", "id,relevant\next5,1\n")
        XCTAssertThrowsError(
            try LabelImport.importFile(file, into: db, codebook: try codebook(db), options: .init(coder: "maria"))
        ) {
            XCTAssertTrue(
                "\($0)".hasPrefix(
                    "\(file):2: id 'ext5' exists on several platforms (reddit, x): "
                        + "add a 'platform' column or pass --platform"
                ), "\($0)")
        }
        _ = try LabelImport.importFile(
            file, into: db, codebook: try codebook(db), options: .init(coder: "maria", platform: "reddit"))
        XCTAssertEqual(try db.scalarInt("SELECT post_id FROM codings WHERE coder = 'human:maria'"), 100)
        let withColumn = try dir.write("labels2.csv", "id,platform,relevant\next5,x,0\n")
        _ = try LabelImport.importFile(withColumn, into: db, codebook: try codebook(db), options: .init(coder: "maria"))
        XCTAssertEqual(try db.scalarInt("SELECT value FROM codings WHERE coder = 'human:maria' AND post_id = 5"), 0)
    }

    func testCommandPrintsASummaryAndOneErrorLine() throws {
        let dir = try TemporaryDirectory()
        _ = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        let path = dir.path("study.sqlite")
        let good = try dir.write("good.csv", "id,relevant,companion,attachment,grief\next2,1,1,1,0\next4,0,0,0,0\n")
        var r = try runAnnotate(["import-labels", "--db", path, "--coder", "maria", good])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("\(good): 2 posts labelled by human:maria (run "), r.out)
        XCTAssertTrue(r.out.contains("positives: relevant 1, companion 1, attachment 1, grief 0"), r.out)
        let bad = try dir.write("bad.csv", "id,relevant\nnope,1\n")
        r = try runAnnotate(["import-labels", "--db", path, "--coder", "maria", bad])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.err, "Error: \(bad):2: id 'nope' is not a post of the study\nnothing was imported\n")
    }
}

/// Runs the `annotate` executable with no terminal.
func runAnnotate(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    try runProcess(try annotateBinary(), arguments)
}
