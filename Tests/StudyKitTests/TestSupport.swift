import Foundation
import XCTest
@testable import StudyKit

/// A fresh directory for one test, removed afterwards.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("studykit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }
}

/// The repository root and the shared data folder beside it (as in CI: ../shared).
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared: URL = root.deletingLastPathComponent().appendingPathComponent("shared")
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

extension Database {
    func count(_ table: String, where condition: String = "1") throws -> Int {
        try scalarInt("SELECT count(*) FROM \(table) WHERE \(condition)") ?? -1
    }
}

/// Ingests files into a new database in `dir` and returns both.
func ingest(_ paths: [String], in dir: TemporaryDirectory, options: IngestOptions = IngestOptions()) throws -> (Database, [FileSummary]) {
    let db = try Database(path: dir.path("study.sqlite"))
    let summaries = try Ingester(database: db, options: options).ingest(paths: paths)
    return (db, summaries)
}

/// Every file's records must reconcile: read = stored + duplicates + rejected, in the summary and in the tables.
func assertReconciles(_ db: Database, _ summaries: [FileSummary], file: StaticString = #filePath, line: UInt = #line) throws {
    for s in summaries where s.alreadyIngestedAs == nil {
        XCTAssertEqual(s.read, s.stored + s.duplicates + s.rejected, "summary of \(s.path)", file: file, line: line)
    }
    let rows = try db.query("""
        SELECT f.records_read, f.records_stored, f.duplicate_ids, f.records_rejected,
               (SELECT count(*) FROM posts p WHERE p.source_file_id = f.source_file_id),
               (SELECT count(*) FROM duplicate_records d WHERE d.source_file_id = f.source_file_id),
               (SELECT count(*) FROM rejects r WHERE r.source_file_id = f.source_file_id)
        FROM source_files f
        """)
    for row in rows {
        let (read, stored, dups, rejected) = (row.int(0)!, row.int(1)!, row.int(2)!, row.int(3)!)
        XCTAssertEqual(read, stored + dups + rejected, file: file, line: line)
        XCTAssertEqual(stored, row.int(4), "posts rows", file: file, line: line)
        XCTAssertEqual(dups, row.int(5), "duplicate_records rows", file: file, line: line)
        XCTAssertEqual(rejected, row.int(6), "rejects rows", file: file, line: line)
    }
}
