import Foundation
import XCTest

@testable import StudyKit

/// The `annotate` executable: output and one-line errors.
final class AnnotateCommandTests: XCTestCase {
    func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try runAnnotate(arguments)
    }

    func testCommandsEndToEnd() throws {
        let dir = try TemporaryDirectory()
        let db = try makeAnnotateStudy(in: dir, posts: standardTestPosts())
        let path = dir.path("study.sqlite")

        var r = try run([
            "sample", "--db", path, "--name", "pilot", "--size", "10", "--coders", "alice,bob", "--overlap", "1",
        ])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("sample 'pilot': 10 of 59 eligible posts"), r.out)
        XCTAssertTrue(r.out.contains("human:alice: 10 posts (10 shared)"), r.out)
        r = try run([
            "sample", "--db", path, "--name", "pilot", "--size", "10", "--coders", "alice,bob", "--overlap", "1",
        ])
        XCTAssertTrue(r.out.contains("already drawn"), r.out)

        r = try run(["code", "--db", path, "--sample", "pilot", "--coder", "alice"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(
            r.err, "Error: `annotate code` needs a terminal; use `annotate import` to load codings from a CSV file\n")

        r = try run(["agreement", "--db", path, "--sample", "pilot"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.hasPrefix("Error: sample 'pilot' has 0 human coder(s)"), r.err)
        r = try run(["agreement", "--db", path, "--sample", "nope"])
        XCTAssertEqual(r.err, "Error: no sample named 'nope' (samples: pilot)\n")

        // Both coders fill in the exported spreadsheet: alice marks every post relevant, bob all but one.
        for coder in ["alice", "bob"] {
            r = try run(["export", "--db", path, "--sample", "pilot", "--coder", coder])
            XCTAssertEqual(r.status, 0, r.err)
            var lines = r.out.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            XCTAssertEqual(lines.count, 11)
            for i in 1..<lines.count {
                var fields = lines[i].components(separatedBy: ",")
                fields[4] = "coded"
                fields[5] = coder == "bob" && i == 1 ? "0" : "1"
                lines[i] = fields.joined(separator: ",")
            }
            let file = try dir.write("\(coder).csv", lines.joined(separator: "\r\n") + "\r\n")
            r = try run(["import", "--db", path, "--sample", "pilot", "--coder", coder, file])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertTrue(r.out.hasSuffix("10 coded, 0 skipped, 0 left undecided\n"), r.out)
        }
        r = try run(["agreement", "--db", path, "--sample", "pilot", "--replicates", "200"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Disagreements (1):"), r.out)
        XCTAssertTrue(r.out.contains("alice=1 bob=0"), r.out)
        XCTAssertTrue(r.out.contains("relevant"), r.out)
        XCTAssertEqual(
            try db.count(
                "agreement_results",
                where: "category = 'relevant' AND statistic = 'percent_agreement' AND abs(value - 0.9) < 1e-12"), 1)

        r = try run(["validate", "--db", path, "--against", "alice", "--sample", "pilot"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("lexicon:testbook@0.1"), r.out)
        XCTAssertEqual(
            try db.count(
                "validation_confusion",
                where: "reference_coder = 'human:alice' AND category = 'relevant' AND tp + fn = 10"), 1)

        let bad = try dir.write("bad.csv", "post_id,status,relevant\n999,coded,1\n")
        r = try run(["import", "--db", path, "--sample", "pilot", "--coder", "alice", bad])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.hasPrefix("Error: \(dir.path("bad.csv")):1: no 'companion' column"), r.err)
    }
}
