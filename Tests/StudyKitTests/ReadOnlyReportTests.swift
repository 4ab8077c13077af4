import Crypto
import Foundation
import XCTest

@testable import StudyKit

/// Reports never write to the study: notebooks, --report and exports open it read-only.
final class ReadOnlyReportTests: XCTestCase {
    /// A sample study (ingest + dedupe) in `dir`, with no connection left open.
    private func sampleStudy(in dir: TemporaryDirectory) throws -> String {
        let db = dir.path("study.sqlite")
        let files = SampleStudyTests.files.map { Repository.path("data/sample/\($0)") }
        let ingest = try runTool("ingest", ["--db", db] + files)
        XCTAssertEqual(ingest.status, 0, ingest.err)
        let dedupe = try runTool("dedupe", ["--db", db])
        XCTAssertEqual(dedupe.status, 0, dedupe.err)
        return db
    }

    private func sha256(_ path: String) throws -> String {
        Fingerprint.hex(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// The data-loss report of issue 14: `COMMIT; DELETE ...; DROP TABLE ...` in one notebook block
    /// ended the wrapping transaction and destroyed the study. Now nothing a notebook holds can
    /// change the database file, and each attempt is shown as an error in place.
    func testNoNotebookCanChangeTheStudy() throws {
        let dir = try TemporaryDirectory()
        let db = try sampleStudy(in: dir)
        let before = try sha256(db)
        let posts = try Database(path: db, mode: .readOnly).count("posts")
        let attacks = [
            "COMMIT; DELETE FROM posts; DROP TABLE post_clusters;",
            "ROLLBACK; BEGIN IMMEDIATE; DELETE FROM posts; COMMIT;",
            "PRAGMA query_only = 0; DELETE FROM posts;",
            "ATTACH '\(dir.path("evil.sqlite"))' AS evil; CREATE TABLE evil.t(x);",
            "PRAGMA journal_mode = DELETE;",
            "UPDATE study_settings SET value = 'x';",
            "CREATE TABLE posts_copy AS SELECT * FROM posts;",
            "VACUUM;",
        ]
        var notebook = "# Attacks\n\n"
        for attack in attacks { notebook += "```sql\n\(attack)\nSELECT count(*) AS n FROM posts;\n```\n\n" }
        let file = try dir.write("attacks.md", notebook)
        let rendered = try runTool("aggregate", ["notebook", "--db", db, "--out", dir.path("out"), file])
        XCTAssertEqual(rendered.status, 0, rendered.err)
        let output = try String(contentsOfFile: dir.path("out/attacks.md"), encoding: .utf8)
        XCTAssertEqual(output.components(separatedBy: "> **Error:**").count - 1, attacks.count, output)

        XCTAssertEqual(try sha256(db), before, "the database file is byte for byte the same")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("evil.sqlite")))
        let study = try Database(path: db, mode: .readOnly)
        XCTAssertEqual(try study.count("posts"), posts)
        XCTAssertGreaterThan(try study.count("post_clusters"), 0)
        XCTAssertEqual(try study.scalarText("PRAGMA journal_mode"), "wal")
    }

    /// A study in a folder the user cannot write is still read and reported on; a stage that
    /// writes says why it cannot. (Run as an unprivileged user: root may write anywhere.)
    func testAStudyInAReadOnlyFolderCanBeReportedOn() throws {
        let dir = try TemporaryDirectory()
        let db = try sampleStudy(in: dir)
        let out = try TemporaryDirectory()
        let folder = dir.url.path
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: out.url.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: db + "-shm"), "no -shm file left to help a reader")

        let unprivileged: (String, [String]) throws -> ProcessResult = { tool, arguments in
            guard getuid() == 0 else { return try runTool(tool, arguments) }
            return try runProcess(
                "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", toolPath(tool)] + arguments)
        }
        let report = try unprivileged("dedupe", ["--db", db, "--report-only", "--top", "3"])
        XCTAssertEqual(report.status, 0, report.err)
        XCTAssertTrue(report.out.contains("cluster"), report.out)
        let notebook = try out.write("nb.md", "```sql\nSELECT count(*) AS posts FROM posts\n```\n")
        let rendered = try unprivileged("aggregate", ["notebook", "--db", db, "--out", out.path("rendered"), notebook])
        XCTAssertEqual(rendered.status, 0, rendered.err)
        XCTAssertTrue(try String(contentsOfFile: out.path("rendered/nb.md"), encoding: .utf8).contains("| 3384 |"))

        let write = try unprivileged("dedupe", ["--db", db])
        XCTAssertEqual(write.status, 1)
        XCTAssertTrue(write.err.hasPrefix("Error: \(db): cannot write"), write.err)
        XCTAssertTrue(write.err.contains("reports, exports and notebooks can still read it"), write.err)
    }
}
