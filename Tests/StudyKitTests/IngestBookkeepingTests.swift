import Foundation
import XCTest

@testable import StudyKit

/// Issue 14's ingest promises: a damaged file is an error naming it and leaves nothing behind,
/// the other files are still ingested, and nothing is guessed (dates, mapping keys, formats).
final class IngestBookkeepingTests: XCTestCase {
    static let tweet = #"{"id":"1","text":"keep 4o","created_at":"2025-08-08T14:03:11Z","author_id":"9"}"#

    /// Many distinct lines, gzipped with the system's gzip: big enough that half of it is a real cut.
    func gzipped(_ dir: TemporaryDirectory, name: String, lines: Int) throws -> String {
        var text = ""
        for i in 1...lines {
            text +=
                #"{"id":"\#(i)","text":"post \#(i) 还我4o \#(i * 7919 % 104_729)","#
                + #""created_at":"2025-08-08T14:03:11Z"}"#
                + "\n"
        }
        let plain = try dir.write(name, text)
        XCTAssertEqual(try runProcess("/bin/gzip", ["-f", plain]).status, 0)
        return plain + ".gz"
    }

    func testTruncatedAndCorruptGzipAreRefusedWhileTheOtherFilesAreIngested() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write("good.jsonl", Self.tweet + "\n")
        let whole = try gzipped(dir, name: "whole.jsonl", lines: 20_000)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: whole)))
        let half = try dir.write("half.jsonl.gz", Array(bytes.prefix(bytes.count / 2)))
        var damaged = bytes
        for i in stride(from: bytes.count / 3, to: bytes.count / 3 + 64, by: 1) { damaged[i] ^= 0x5A }
        let corrupt = try dir.write("corrupt.jsonl.gz", damaged)
        let lastCSV = try dir.write("last.csv", "id,text,created_at\nc1,after the bad ones,2025-08-08T10:00:00Z\n")

        let (db, summaries) = try ingest([good, half, corrupt, whole, lastCSV], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(summaries.map { $0.failure == nil }, [true, false, false, true, true])
        XCTAssertTrue(
            summaries[1].failure!.contains("the gzip data ends early: the file is truncated"), summaries[1].failure!)
        XCTAssertTrue(summaries[1].failure!.contains("Nothing from this file was stored"), summaries[1].failure!)
        XCTAssertTrue(summaries[2].failure!.contains("gzip data"), summaries[2].failure!)
        XCTAssertEqual(summaries[3].stored, 19_999)
        XCTAssertEqual(summaries[3].duplicates, 1)
        // Nothing of the two damaged files; everything of the three good ones.
        XCTAssertEqual(try db.count("source_files"), 3)
        XCTAssertEqual(try db.count("posts"), 20_002 - 1, "good.jsonl's id 1 is the whole file's id 1: a duplicate")
        XCTAssertEqual(try db.count("duplicate_records"), 1)
        let run = try XCTUnwrap(try db.query("SELECT status, message, rows_out FROM runs").first)
        XCTAssertEqual(run.text("status"), "failed")
        XCTAssertTrue(run.text("message")!.hasPrefix("2 of 5 files not ingested: \(half) ("), run.text("message")!)
        XCTAssertEqual(run.int("rows_out"), 20_001)
        let report = IngestReport.render(summaries, database: "db")
        XCTAssertTrue(report.contains("\(half): not ingested: the gzip data ends early"), report)
        XCTAssertTrue(report.contains("total: read 20,002 = stored 20,001 + duplicate ids 1 + rejected 0"), report)
        XCTAssertEqual(
            IngestReport.failure(summaries)?.description,
            "2 of 5 files not ingested (3 ingested or skipped; reasons above): \(half), \(corrupt)")

        // Re-running with the file repaired finishes the job; the files already done are skipped.
        try FileManager.default.removeItem(atPath: half)
        try FileManager.default.copyItem(atPath: whole, toPath: half)
        let again = try Ingester(database: db, options: IngestOptions()).ingest(paths: [good, half])
        XCTAssertNotNil(again[0].alreadyIngestedAs)
        XCTAssertNotNil(again[1].alreadyIngestedAs, "the repaired copy has the whole file's content")
    }

    func testTheCommandPrintsTheSummaryThenOneErrorAndExitsOne() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write("good.jsonl", Self.tweet + "\n")
        let whole = try gzipped(dir, name: "whole.jsonl", lines: 5000)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: whole)))
        let cut = try dir.write("cut.jsonl.gz", Array(bytes.prefix(bytes.count - 100)))
        let db = dir.path("study.sqlite")
        let result = try runTool("ingest", ["--db", db, cut, good])
        XCTAssertEqual(result.status, 1, result.err)
        XCTAssertTrue(result.out.contains("\(cut): not ingested: the gzip data ends early"), result.out)
        XCTAssertTrue(result.out.contains("\(good) [x-v2-json]: read 1 = stored 1"), result.out)
        let errorLines = result.err.split(separator: "\n")
        XCTAssertEqual(errorLines.count, 1, result.err)
        XCTAssertEqual(
            errorLines.first.map(String.init),
            "Error: 1 of 2 files not ingested (1 ingested or skipped; reasons above): \(cut)")
        XCTAssertEqual(try Database(path: db, mode: .readOnly).count("posts"), 1)

        // One file alone: the error is the file's own message.
        let alone = try runTool("ingest", ["--db", db, cut])
        XCTAssertEqual(alone.status, 1)
        XCTAssertTrue(
            alone.err.hasPrefix("Error: \(cut): the gzip data ends early: the file is truncated after "), alone.err)
    }

    func testDirectoriesAndMissingFilesAreRefusedBeforeAnythingIsRead() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write("good.jsonl", Self.tweet + "\n")
        let folder = dir.path("exports")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = dir.path("study.sqlite")
        let result = try runTool("ingest", ["--db", db, good, folder])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(
            result.err,
            "Error: \(folder): is a directory: name the export files in it (for example \(folder)/*.jsonl)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "no study is created for a command that cannot run")
        let missing = try runTool("ingest", ["--db", db, dir.path("nope.jsonl")])
        XCTAssertEqual(missing.err, "Error: \(dir.path("nope.jsonl")): no such file\n")
    }

    func testUnknownMappingKeysAreNamed() throws {
        let dir = try TemporaryDirectory()
        let misspelt = try dir.write(
            "mapping.json", #"{"platform":"mastodon","id":"toot_id","text":"body","createdAt":"posted"}"#)
        XCTAssertThrowsError(try CSVMapping.load(path: misspelt)) { error in
            XCTAssertEqual(
                String(describing: error),
                "\(misspelt): unknown key 'createdAt' in the column mapping "
                    + "(did you mean 'created_at'?). Known keys: "
                    + CSVMapping.CodingKeys.allCases.map(\.rawValue)
                    .joined(separator: ", "))
        }
        let unrelated = try dir.write(
            "other.json", #"{"platform":"x","id":"a","text":"b","created_at":"c","colour":"red"}"#)
        XCTAssertThrowsError(try CSVMapping.load(path: unrelated)) { error in
            XCTAssertTrue(
                String(describing: error).contains("unknown key 'colour' in the column mapping. Known keys"),
                String(describing: error))
        }
        let command = try runTool("ingest", ["--db", dir.path("s.sqlite"), "--mapping", misspelt, misspelt])
        XCTAssertEqual(command.status, 1)
        XCTAssertTrue(command.err.hasPrefix("Error: \(misspelt): unknown key 'createdAt'"), command.err)
    }

    func testAForcedFormatThatFitsNoRecordIsRefusedWithWhatTheFileLooksLike() throws {
        let dir = try TemporaryDirectory()
        let reddit = try dir.write(
            "reddit.ndjson",
            [
                #"{"id":"a1","title":"They took 4o","selftext":"","created_utc":1754661791,"subreddit":"ChatGPT"}"#,
                #"{"id":"a2","title":"Bring it back","selftext":"please","created_utc":1754661792,"#
                    + #""subreddit":"ChatGPT"}"#,
            ].joined(separator: "\n") + "\n")
        let csv = try dir.write("posts.csv", "id,text,created_at\n1,hello,2025-08-08T10:00:00Z\n")
        let good = try dir.write("x.jsonl", Self.tweet + "\n")
        var options = IngestOptions()
        options.format = .xJSON
        let (db, summaries) = try ingest([reddit, csv, good], in: dir, options: options)
        XCTAssertEqual(
            summaries[0].failure,
            "every one of its 2 records was rejected as x-v2-json (line 1: no text field); "
                + "its content looks like reddit-ndjson: leave out --format, or pass --format reddit-ndjson. "
                + "Nothing from this file was stored")
        XCTAssertTrue(summaries[1].failure!.contains("looks like csv"), summaries[1].failure!)
        XCTAssertNil(summaries[2].failure)
        XCTAssertEqual(try db.count("rejects"), 0, "the refused files' rejects were rolled back with them")
        XCTAssertEqual(try db.count("posts"), 1)

        // A file that is the forced format keeps its rejects: every record was rejected for its own reason.
        let errors = try dir.write(
            "errors.jsonl", #"{"errors":[{"detail":"Could not find tweet with id: [9]."}]}"# + "\n")
        let only = try Ingester(database: db, options: options).ingest(paths: [errors])
        XCTAssertNil(only[0].failure)
        XCTAssertEqual(only[0].rejected, 1)
    }

    func testDatesWithoutAnOffsetAreRejectedUnlessAssumedUTC() throws {
        let csvText =
            "id,text,created_at\n1,zoned,2025-08-08T10:00:00+02:00\n2,naive,2025-08-08 10:00:00\n"
            + "3,day only,2025-08-08\n"
            + "4,epoch,1754647200\n"
        let dir = try TemporaryDirectory()
        let path = try dir.write("dates.csv", csvText)
        let (db, summaries) = try ingest([path], in: dir)
        try assertReconciles(db, summaries)
        XCTAssertEqual(
            try db.query("SELECT external_id, created_at FROM posts ORDER BY external_id")
                .map { "\($0.text("external_id")!) \($0.text("created_at")!)" },
            ["1 2025-08-08T08:00:00Z", "4 2025-08-08T10:00:00Z"])
        let rejects = try db.query("SELECT source_line, reason_code, reason FROM rejects ORDER BY source_line")
        XCTAssertEqual(
            rejects.map { "\($0.int("source_line")!):\($0.text("reason_code")!)" },
            ["3:date_without_offset", "4:date_without_offset"])
        XCTAssertTrue(
            rejects[0].text("reason")!.contains("'2025-08-08 10:00:00' has no UTC offset"), rejects[0].text("reason")!)
        XCTAssertTrue(rejects[0].text("reason")!.contains("--assume-utc"))

        let dir2 = try TemporaryDirectory()
        let path2 = try dir2.write("dates.csv", csvText)
        var options = IngestOptions()
        options.limits.assumeUTC = true
        let (db2, _) = try ingest([path2], in: dir2, options: options)
        XCTAssertEqual(
            try db2.query("SELECT external_id, created_at FROM posts ORDER BY external_id")
                .map { "\($0.text("external_id")!) \($0.text("created_at")!)" },
            ["1 2025-08-08T08:00:00Z", "2 2025-08-08T10:00:00Z", "3 2025-08-08T00:00:00Z", "4 2025-08-08T10:00:00Z"])
        XCTAssertEqual(
            try db2.scalarText("SELECT parameters FROM runs"),
            #"{"assume_utc":"true","files":"\#(path2)","keep_handles":"false","max_line_bytes":"8388608"}"#)
        // X JSON lines follow the same rule.
        let x = try dir2.write("naive.jsonl", #"{"id":"9","text":"t","created_at":"2025-08-08T10:00:00"}"# + "\n")
        let summary = try Ingester(database: db2, options: IngestOptions()).ingest(paths: [x])
        XCTAssertEqual(summary[0].rejected, 1)
        XCTAssertEqual(try db2.scalarText("SELECT reason_code FROM rejects"), "date_without_offset")
    }

    func testDatesSayWhetherTheyStateTheirZone() {
        XCTAssertEqual(PostDate.parseStatingZone("2025-08-08T14:03:11Z")?.statesZone, true)
        XCTAssertEqual(PostDate.parseStatingZone("2025-08-08 22:03:11+08:00")?.seconds, 1_754_661_791)
        XCTAssertEqual(PostDate.parseStatingZone("1754661791")?.statesZone, true, "unix time is UTC by definition")
        XCTAssertEqual(PostDate.parseStatingZone("Fri Aug 08 14:03:11 +0000 2025")?.statesZone, true)
        XCTAssertEqual(PostDate.parseStatingZone("2025-08-08 14:03:11")?.statesZone, false)
        XCTAssertEqual(PostDate.parseStatingZone("2025-08-08 14:03:11")?.seconds, 1_754_661_791)
        XCTAssertEqual(PostDate.parseStatingZone("2025-08-08")?.statesZone, false)
    }
}
