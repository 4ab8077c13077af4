import Foundation
import XCTest

@testable import StudyKit

/// The database layer: rows by column name, cursors, nested transactions, the statement cache,
/// binding checks, and the open modes (read-only reports, refusing a missing study).
final class StoreTests: XCTestCase {
    func testRowsAreReadByColumnNameAndNullsAreNamed() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("study.sqlite"))
        try db.execute("CREATE TEMP TABLE t(id INTEGER, name TEXT, share REAL)")
        try db.run("INSERT INTO t VALUES (1, 'a', 0.25), (2, NULL, NULL)")
        let rows = try db.query("SELECT id, name, share FROM t ORDER BY id")
        XCTAssertEqual(rows[0].int("id"), 1)
        XCTAssertEqual(rows[0].text("name"), "a")
        XCTAssertEqual(rows[0].double("share"), 0.25)
        XCTAssertNil(rows[1].text("name"))
        XCTAssertEqual(rows[0].columns.names, ["id", "name", "share"])
        XCTAssertThrowsError(try rows[1].required(text: "name")) { error in
            XCTAssertTrue(String(describing: error).contains("column 'name' is NULL"), String(describing: error))
        }

        struct Item: RowDecodable {
            let id: Int64, name: String?
            init(row: Row) throws {
                id = try row.required(int64: "id")
                name = row.text("name")
            }
        }
        // column order does not matter
        let items = try db.fetchAll(Item.self, "SELECT name, id FROM t ORDER BY id DESC")
        XCTAssertEqual(items.map(\.id), [2, 1])
        XCTAssertEqual(items.map(\.name), [nil, "a"])
        XCTAssertEqual(try db.fetchOne(Item.self, "SELECT id, name FROM t WHERE id = ?", [2])?.id, 2)
        XCTAssertNil(try db.fetchOne(Item.self, "SELECT id, name FROM t WHERE id = ?", [3]))
    }

    /// A loop over a query's rows that runs the same SQL inside (a recursive helper, say) gets its
    /// own statement instead of resetting the one it is iterating.
    func testTheStatementCacheIsSafeWhenTheSameQueryRunsInsideItsOwnLoop() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("study.sqlite"))
        try db.execute("CREATE TEMP TABLE n(v INTEGER)")
        for v in 1...5 { try db.run("INSERT INTO n VALUES (?)", [.int(Int64(v))]) }
        let sql = "SELECT v FROM n WHERE v >= ? ORDER BY v"
        var outer: [Int] = []
        var innerCounts: [Int] = []
        try db.forEachRow(sql, [1]) { row in
            let v = row.int("v")!
            outer.append(v)
            innerCounts.append(try db.query(sql, [.int(Int64(v))]).count)
        }
        XCTAssertEqual(outer, [1, 2, 3, 4, 5], "the outer loop saw every row once")
        XCTAssertEqual(innerCounts, [5, 4, 3, 2, 1])
    }

    func testNestedTransactionsAreSavepoints() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("study.sqlite"))
        try db.run("INSERT INTO study_settings(key, value) VALUES ('outer', '1')")
        struct Inner: Error {}
        try db.transaction {
            try db.run("INSERT INTO study_settings(key, value) VALUES ('a', '1')")
            XCTAssertThrowsError(
                try db.transaction {
                    try db.run("INSERT INTO study_settings(key, value) VALUES ('b', '1')")
                    throw Inner()
                })
            try db.transaction { try db.run("INSERT INTO study_settings(key, value) VALUES ('c', '1')") }
        }
        let keys = try db.query("SELECT key FROM study_settings ORDER BY key").compactMap { $0.text("key") }
        XCTAssertEqual(keys, ["a", "c", "outer"], "the failed inner savepoint alone was undone")
        XCTAssertFalse(db.isInTransaction)

        XCTAssertThrowsError(
            try db.transaction {
                try db.run("INSERT INTO study_settings(key, value) VALUES ('d', '1')")
                try db.transaction { try db.run("INSERT INTO study_settings(key, value) VALUES ('e', '1')") }
                throw Inner()
            })
        XCTAssertEqual(
            try db.count("study_settings", where: "key IN ('d', 'e')"), 0,
            "an outer failure undoes released savepoints too")
    }

    func testBindingReportsSQLiteErrors() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("study.sqlite"))
        let statement = try db.prepare("SELECT ?")
        XCTAssertThrowsError(try statement.bindInt(1, at: 2)) { error in
            XCTAssertTrue(String(describing: error).contains("binding parameter 2"), String(describing: error))
        }
        XCTAssertThrowsError(try statement.bindText("x", at: 0))
        XCTAssertNoThrow(try statement.bindText(nil, at: 1))
    }

    func testWritingModesRefuseAMissingStudyInsteadOfCreatingOne() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.path("missing.sqlite")
        for mode in [OpenMode.readWrite, .readOnly] {
            XCTAssertThrowsError(try Database(path: missing, mode: mode)) { error in
                XCTAssertTrue(
                    String(describing: error).contains("no study database here: run `ingest` first"),
                    String(describing: error))
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "nothing was created")
        XCTAssertThrowsError(try Database(path: dir.url.path, mode: .readWrite)) { error in
            XCTAssertTrue(String(describing: error).contains("is a folder"), String(describing: error))
        }
        // The same through an executable that writes: `code` on a missing database.
        let result = try runTool("code", ["--db", missing])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.hasPrefix("Error: \(missing): no study database here"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
    }

    func testReadOnlyConnectionsCannotWriteAttachOrTurnOffQueryOnly() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("study.sqlite")
        do {
            let db = try Database(path: path)
            try db.run("INSERT INTO study_settings(key, value) VALUES ('k', 'v')")
        }
        let db = try Database(path: path, mode: .readOnly)
        XCTAssertEqual(try db.scalarText("SELECT value FROM study_settings WHERE key = 'k'"), "v")
        for sql in [
            "DELETE FROM study_settings", "DROP TABLE study_settings",
            "PRAGMA query_only = 0; DELETE FROM study_settings",
            "ATTACH '\(dir.path("other.sqlite"))' AS other",
        ] {
            XCTAssertThrowsError(try db.execute(sql), sql)
        }
        XCTAssertEqual(try db.count("study_settings", where: "key = 'k'"), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("other.sqlite")))
    }
}

/// Bookkeeping promises: runs of live processes are never abandoned, the version and the
/// package pins are stated once and checked, every table and column is documented.
final class BookkeepingTests: XCTestCase {
    /// A 'running' row whose process is alive (here: this test process) survives another run of the
    /// stage; a row whose process has exited is marked abandoned.
    func testOnlyRunsWhoseProcessIsGoneAreAbandoned() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("study.sqlite"))
        let live = try StageRun.begin(db, stage: "dedupe", parameters: [:])

        // A process that has exited: its pid is free (until reused, which the start time catches).
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let me = ProcessIdentity.current
        try db.run(
            """
            INSERT INTO runs(stage, tool_version, parameters, started_at, status, host, pid, process_start)
            VALUES ('dedupe', 'x', '{}', '2025-01-01T00:00:00Z', 'running', ?, ?, NULL)
            """, [.text(me.host), .int(Int64(exited.processIdentifier))])
        let deadID = db.lastInsertRowID
        // Our own pid with another start time: a pid reused by a later process.
        try db.run(
            """
            INSERT INTO runs(stage, tool_version, parameters, started_at, status, host, pid, process_start)
            VALUES ('dedupe', 'x', '{}', '2025-01-01T00:00:00Z', 'running', ?, ?, 'another-boot:1')
            """, [.text(me.host), .int(Int64(me.pid))])
        let reusedID = db.lastInsertRowID
        // A run on another machine cannot be checked: it is left alone.
        try db.run(
            """
            INSERT INTO runs(stage, tool_version, parameters, started_at, status, host, pid, process_start)
            VALUES ('dedupe', 'x', '{}', '2025-01-01T00:00:00Z', 'running', 'elsewhere.example', 1, NULL)
            """)
        let remoteID = db.lastInsertRowID

        let next = try StageRun.begin(db, stage: "dedupe", parameters: [:])
        func status(_ id: Int64) throws -> String? {
            try db.scalarText("SELECT status FROM runs WHERE run_id = ?", [.int(id)])
        }
        XCTAssertEqual(try status(live.id), "running", "a live run is never abandoned")
        XCTAssertEqual(try status(deadID), "abandoned")
        if me.start != nil { XCTAssertEqual(try status(reusedID), "abandoned") }
        XCTAssertEqual(try status(remoteID), "running")
        XCTAssertEqual(try status(next.id), "running")
        XCTAssertEqual(try db.scalarInt("SELECT pid FROM runs WHERE run_id = ?", [.int(next.id)]), Int(me.pid))
    }

    /// Two instances of one stage on one study, at once: both finish, neither is marked abandoned.
    func testTwoInstancesOfAStageRunSideBySide() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("study.sqlite")
        let files = SampleStudyTests.files.map { Repository.path("data/sample/\($0)") }
        XCTAssertEqual(try runTool("ingest", ["--db", db] + files).status, 0)
        let outputs = try runProcessesAtOnce([(toolPath("dedupe"), ["--db", db]), (toolPath("dedupe"), ["--db", db])])
        for output in outputs { XCTAssertEqual(output.status, 0, output.err) }
        let study = try Database(path: db, mode: .readOnly)
        let statuses = try study.query("SELECT status FROM runs WHERE stage = 'dedupe' ORDER BY run_id").compactMap {
            $0.text("status")
        }
        XCTAssertEqual(statuses, ["completed", "completed"])
    }

    func testTheVersionIsStatedOnce() throws {
        let file = try String(contentsOfFile: Repository.path("VERSION"), encoding: .utf8)
        XCTAssertEqual(file.trimmingCharacters(in: .whitespacesAndNewlines), BuildInfo.toolVersion)
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("study.sqlite"))
        let run = try StageRun.begin(db, stage: "x", parameters: [:])
        XCTAssertEqual(
            try db.scalarText("SELECT tool_version FROM runs WHERE run_id = ?", [.int(run.id)]), BuildInfo.toolVersion)
    }

    func testTheManifestPackageVersionsAreThePinsOfPackageSwift() throws {
        let manifest = try String(contentsOfFile: Repository.path("Package.swift"), encoding: .utf8)
        let pattern = try NSRegularExpression(
            pattern: #"\.package\(url: "https://github\.com/[^/"]+/([^"]+)", ([a-zA-Z]+): "([^"]+)"\)"#)
        var pins: [String: String] = [:]
        for match in pattern.matches(in: manifest, range: NSRange(manifest.startIndex..., in: manifest)) {
            let field = { (i: Int) in String(manifest[Range(match.range(at: i), in: manifest)!]) }
            XCTAssertEqual(field(2), "exact", "\(field(1)) must be pinned with exact:")
            pins[field(1)] = field(3)
        }
        XCTAssertFalse(pins.isEmpty)
        XCTAssertEqual(pins, BuildInfo.packageVersions)
    }

    func testTheGitCommitIsReadFromTheCheckout() throws {
        // The test bundle lives under .build/ of this checkout, like the executables.
        let git = Repository.root.appendingPathComponent(".git")
        guard FileManager.default.fileExists(atPath: git.path) else { throw XCTSkip("not a git checkout") }
        let head = try runProcess("/usr/bin/git", ["-C", Repository.root.path, "rev-parse", "HEAD"]).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(BuildInfo.commit(gitDirectory: git), head)
    }

    /// docs/schema.md documents every table, view and column of a fresh study, and nothing more.
    func testTheSchemaDocumentationMatchesTheLiveSchema() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("study.sqlite"))
        var live: [String: Set<String>] = [:]
        for row in try db.query(
            "SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'view')")
        {
            let name = try row.required(text: "name")
            guard !name.hasPrefix("sqlite_") else { continue }
            let columns = try db.query("SELECT name FROM pragma_table_xinfo(?)", [.text(name)]).compactMap {
                $0.text("name")
            }
            live[name] = Set(columns)
        }
        let documented = SchemaDocument.parse(
            try String(contentsOfFile: Repository.path("docs/schema.md"), encoding: .utf8))
        let undocumentedTables = Set(live.keys).subtracting(documented.keys).sorted()
        XCTAssertEqual(undocumentedTables, [], "tables or views with no `### \\`name\\`` section in docs/schema.md")
        let staleTables = Set(documented.keys).subtracting(live.keys).sorted()
        XCTAssertEqual(staleTables, [], "documented in docs/schema.md but not in a fresh database")
        for (table, columns) in live.sorted(by: { $0.key < $1.key }) {
            guard let doc = documented[table] else { continue }
            XCTAssertEqual(columns.subtracting(doc).sorted(), [], "columns of \(table) missing from docs/schema.md")
            XCTAssertEqual(
                doc.subtracting(columns).sorted(), [], "columns documented for \(table) that it does not have")
        }
    }
}

/// Reads docs/schema.md: each `### \`table\`` heading, then the first cells of its
/// `| column | meaning |` table, where one cell may name several columns (`a / b`, `a, b`).
enum SchemaDocument {
    static func parse(_ markdown: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        var current: String?
        var inTable = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") {
                current = nil
                inTable = false
                if trimmed.hasPrefix("### `"), let name = trimmed.dropFirst(5).split(separator: "`").first,
                    trimmed.dropFirst(5).dropFirst(name.count).hasPrefix("`"),
                    trimmed.dropFirst(5 + name.count + 1).trimmingCharacters(in: .whitespaces).isEmpty
                {
                    current = String(name)
                    result[current!, default: []] = result[current!, default: []]
                }
                continue
            }
            guard let table = current else { continue }
            if trimmed.hasPrefix("|") {
                let cells = trimmed.split(separator: "|", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                guard cells.count > 2 else { continue }
                let first = cells[1]
                if first == "column" {
                    inTable = true
                    continue
                }
                if first.allSatisfy({ $0 == "-" || $0 == ":" }) { continue }
                guard inTable else { continue }
                for name in first.replacingOccurrences(of: "`", with: "")
                    .components(separatedBy: CharacterSet(charactersIn: "/,")).map({
                        $0.trimmingCharacters(in: .whitespaces)
                    })
                where !name.isEmpty {
                    result[table, default: []].insert(name)
                }
            } else if !trimmed.isEmpty {
                inTable = false
            }
        }
        return result
    }
}
