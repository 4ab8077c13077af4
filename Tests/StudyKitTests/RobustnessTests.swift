import Foundation
import XCTest

@testable import StudyKit

/// Hostile input replayed from the fuzzer's findings, damaged database state, and a 50 MB line.
/// The slow checks (kills, concurrency, a 1 GB file, fuzzing itself) are in `make robustness`.
final class RobustnessTests: XCTestCase {
    static let regressions = Repository.root.appendingPathComponent("Tests/StudyKitTests/Fixtures/fuzz-regressions")

    /// Every input kept under fuzz-regressions/<target>/ (crashers the fuzzer found and hand-made
    /// hostile inputs) goes through its parser: a clear error or rejects, never a crash.
    func testFuzzRegressionInputsAreRejectedOrRefused() throws {
        var replayed = 0
        for target in FuzzTarget.allCases {
            let dir = Self.regressions.appendingPathComponent(target.rawValue)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
                switch target.run(bytes) {
                case .error(let message):
                    XCTAssertFalse(message.isEmpty, "\(target.rawValue)/\(name): an error without a message")
                case .records(let posts, let rejects):
                    // Codebooks and annotation CSVs that parse are allowed; line formats must reject something.
                    if ![.codebook, .annotationCSV].contains(target) {
                        XCTAssertGreaterThan(rejects, 0, "\(target.rawValue)/\(name): \(posts) posts and no reject")
                    }
                }
                replayed += 1
            }
        }
        XCTAssertGreaterThanOrEqual(replayed, FuzzTarget.allCases.count, "the regression inputs are missing")
    }

    /// The fuzz entry points accept the real sample (so the fuzzer starts from meaningful inputs).
    func testFuzzTargetsParseTheSample() throws {
        let sample = Repository.root.appendingPathComponent("data/sample")
        guard FileManager.default.fileExists(atPath: sample.appendingPathComponent("x_keep4o.jsonl").path) else {
            throw XCTSkip("data/sample is not there")
        }
        func lines(_ file: String, _ count: Int) throws -> [UInt8] {
            // Bytes, not String: the sample has deliberately broken lines (invalid UTF-8 among them).
            let bytes = [UInt8](try Data(contentsOf: sample.appendingPathComponent(file)))
            return Array(
                bytes.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(count).joined(separator: [0x0A]))
                + [0x0A]
        }
        // The fuzz targets' 4 KiB line limit turns the sample's larger response pages into line_too_long rejects.
        guard case .records(let x, let xRejects) = FuzzTarget.xJSON.run(try lines("x_keep4o.jsonl", 50)) else {
            return XCTFail("x-json")
        }
        guard case .records(let r, _) = FuzzTarget.reddit.run(try lines("reddit_keep4o.ndjson", 50)) else {
            return XCTFail("reddit")
        }
        guard case .records(let c, _) = FuzzTarget.csv.run(try lines("x_keep4o_twarc.csv", 30)) else {
            return XCTFail("csv")
        }
        XCTAssertGreaterThan(x, 5)
        XCTAssertGreaterThanOrEqual(x + xRejects, 50)
        XCTAssertGreaterThan(r, 30)
        XCTAssertGreaterThan(c, 5)  // quoted multi-line texts: fewer records than lines
        // MediaCrawler's layouts, from the examples in docs/ (each input is read as both platforms).
        let examples = Repository.root.appendingPathComponent("docs/examples/mediacrawler")
        func example(_ name: String) throws -> [UInt8] {
            [UInt8](try Data(contentsOf: examples.appendingPathComponent(name)))
        }
        XCTAssertEqual(
            FuzzTarget.mediaCrawlerJSONLines.run(try example("xhs_search_comments_2025-08-12.jsonl")),
            .records(posts: 3, rejects: 3), "Xiaohongshu comments: stored as Xiaohongshu, rejected as Weibo")
        let weiboNotes = try example("weibo_search_contents_2025-08-12.json")
        let weiboComments = try example("weibo_search_comments_2025-08-12.csv")
        guard case .records(let arrayPosts, _) = FuzzTarget.mediaCrawlerJSON.run(weiboNotes),
            case .records(let csvPosts, _) = FuzzTarget.mediaCrawlerCSV.run(weiboComments)
        else { return XCTFail("mediacrawler") }
        XCTAssertGreaterThanOrEqual(arrayPosts, 2)
        XCTAssertGreaterThanOrEqual(csvPosts, 2)
        let codebook = [UInt8](try Data(contentsOf: Repository.root.appendingPathComponent("codebooks/keep4o.yaml")))
        XCTAssertEqual(FuzzTarget.codebook.run(codebook), .records(posts: 0, rejects: 0))
    }

    // MARK: Damaged state

    /// A study database cut in half (a copy interrupted, a full disk): refused or failing with a
    /// message that says the file is damaged and what to do, not a crash and not a silent half result.
    func testTruncatedDatabaseSaysItIsDamagedAndWhatToDo() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("study.sqlite")
        var lines: [String] = []
        for i in 1...3000 {
            lines.append(
                #"{"id":"\#(i)","text":"post number \#(i) about keeping 4o, with some padding text to fill pages","#
                    + #""created_at":"2025-08-08T14:03:11Z"}"#
            )
        }
        let input = try dir.write("posts.jsonl", lines.joined(separator: "\n") + "\n")
        do {
            let db = try Database(path: path)
            _ = try Ingester(database: db, options: IngestOptions()).ingest(paths: [input])
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        XCTAssertGreaterThan(size, 200_000)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()

        do {
            let db = try Database(path: path)
            // Opening may succeed (the schema is on the first pages); reading the posts must not.
            _ = try db.query("SELECT count(*), sum(length(text)) FROM posts")
            _ = try Deduplicator(database: db, options: DedupeOptions()).run()
            XCTFail("a database cut in half was read without an error")
        } catch {
            let message = String(describing: error)
            XCTAssertTrue(message.contains("damaged") && message.contains("restore it from a backup"), message)
            XCTAssertTrue(message.contains(path), message)
        }

        // Cut inside the first page: refused at open with the same advice.
        let handle2 = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle2.truncate(atOffset: 3000)
        try handle2.close()
        XCTAssertThrowsError(try Database(path: path)) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("damaged") && message.contains("restore it from a backup"), message)
        }
    }

    /// (Foreign SQLite files: DatabaseTests.testForeignAndDamagedFilesAreRefused.)
    func testNewerDatabaseSaysWhatToDo() throws {
        let dir = try TemporaryDirectory()
        let newer = dir.path("newer.sqlite")
        do {
            let db = try Database(path: newer)
            try db.run(
                "INSERT INTO schema_migrations "
                    + "VALUES (\(Schema.currentVersion + 1), 'from the future', '2030-01-01T00:00:00Z')"
            )
        }
        XCTAssertThrowsError(try Database(path: newer)) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("newer"), message)
            XCTAssertTrue(message.contains("upgrade the tools (git pull && make)"), message)
        }
    }

    /// Codings from a codebook that has changed since: aggregate says they are stale and how to
    /// re-code; after `code` re-runs with the changed codebook the note is gone.
    func testChangedCodebookMakesAggregateSayTheCodingsAreStale() throws {
        let dir = try TemporaryDirectory()
        let texts = [
            "Bring back 4o, it was my companion", "keep4o: we pay and lose the model we chose",
            "GPT-5 is fine for code", "#keep4o 4o understood me like a friend",
        ]
        let jsonl =
            texts.enumerated().map { i, text in
                #"{"id":"\#(i + 1)","text":"\#(text)","created_at":"2025-08-0\#(i + 1)T10:00:00Z","lang":"en"}"#
            }.joined(separator: "\n") + "\n"
        let (db, _) = try ingest([try dir.write("posts.jsonl", jsonl)], in: dir)
        _ = try Deduplicator(database: db, options: DedupeOptions()).run()
        let identifier = try LanguageIdentifier(
            options: LanguageDetectOptions(mode: .cld2), modelPath: "/nonexistent/lid.176.ftz")
        _ = try LanguageDetectStage(database: db, identifier: identifier, workers: 1).run()
        let original = try String(contentsOfFile: Repository.path("codebooks/keep4o.yaml"), encoding: .utf8)
        let codebookPath = try dir.write("keep4o.yaml", original)
        _ = try CodeStage(database: db).runLexicon(
            codebook: try CodebookLoader.load(path: codebookPath), options: CodeOptions())
        XCTAssertFalse(try Aggregator(database: db).run().notes.contains { $0.contains("stale") })

        try dir.write("keep4o.yaml", original + "\n# an edit after the code run\n")
        let changed = try CodebookLoader.load(path: codebookPath)
        let notes = try Aggregator(database: db).run().notes
        let stale = notes.first { $0.contains("stale") }
        XCTAssertNotNil(stale, "\(notes)")
        XCTAssertTrue(stale?.contains("re-run `code --codebook \(codebookPath)`") ?? false, stale ?? "")

        _ = try CodeStage(database: db).runLexicon(codebook: changed, options: CodeOptions())
        XCTAssertFalse(try Aggregator(database: db).run().notes.contains { $0.contains("stale") })
    }

    // MARK: Resource bounds

    /// A 50 MB single line, written to disk in 1 MB pieces, is rejected as line_too_long; the
    /// process's peak memory grows by far less than the line (it is never held whole).
    func testFiftyMegabyteLineIsRejectedWithBoundedMemory() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("huge.jsonl")
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(#"{"id":"1","created_at":"2025-08-08T14:03:11Z","text":""#.utf8))
        let chunk = Data(String(repeating: "keep 4o ", count: 131_072).utf8)  // 1 MiB
        for _ in 0..<50 { try handle.write(contentsOf: chunk) }
        try handle.write(
            contentsOf: Data(("\"}\n" + #"{"id":"2","text":"after","created_at":"2025-08-08T14:03:11Z"}"# + "\n").utf8))
        try handle.close()

        let before = peakResidentBytes()
        let (db, summaries) = try ingest([path], in: dir)
        let growth = peakResidentBytes() - before
        try assertReconciles(db, summaries)
        XCTAssertEqual(try db.scalarText("SELECT reason_code FROM rejects WHERE source_line = 1"), "line_too_long")
        XCTAssertGreaterThan(try db.scalarInt("SELECT raw_size FROM rejects") ?? 0, 50 << 20)
        XCTAssertEqual(try db.scalarText("SELECT text FROM posts"), "after")
        XCTAssertLessThan(growth, 40 << 20, "peak memory grew by \(growth >> 20) MB for a 50 MB line")
    }
}

/// The process's peak resident set size so far (getrusage; kilobytes on Linux).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}
