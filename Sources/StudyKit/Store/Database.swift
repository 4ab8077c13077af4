import CSQLite
import Foundation

/// An error from SQLite or from opening a study database, with the file it concerns.
public struct DatabaseError: UserFacingError {
    public let message: String
    public let path: String
    public let code: Int32

    public var description: String {
        // A damaged file can pass the checks at open and fail later, in any stage's query.
        guard code & 0xFF == SQLITE_CORRUPT, !message.contains(Self.damagedAdvice) else { return "\(path): \(message)" }
        return "\(path): \(message). \(Self.damagedAdvice)"
    }

    static let damagedAdvice =
        "The database file is damaged (cut short or overwritten): restore it from a backup, "
        + "or move it away and rebuild it by re-running the pipeline from the exports (make clean && make)"
}

/// SQLite wants a destructor constant that Swift cannot import; -1 means "copy the bytes now".
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// How a command opens the study database.
public enum OpenMode: Sendable {
    /// Create the file if it is missing (only `ingest` starts a study), then bring the schema up to date.
    case create
    /// The study must exist; its schema is brought up to date. Stages that write use this.
    case readWrite
    /// Reports, exports and notebooks: `SQLITE_OPEN_READONLY` plus `PRAGMA query_only`, so nothing
    /// they run (not even a notebook's own `COMMIT; DROP TABLE ...`) can change the study. Works on
    /// a database in a folder the user cannot write.
    case readOnly
}

/// One connection to a study database (a single SQLite file in WAL mode).
///
/// Not thread-safe: each stage uses one connection from one thread; parallel work happens
/// before rows reach the database.
public final class Database {
    public let path: String
    public let mode: OpenMode
    private(set) var handle: OpaquePointer
    private var statementCache: [String: Statement] = [:]
    private var savepointDepth = 0

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Fails with a clear message when the file is not SQLite, is damaged, or is newer than this tool.
    public convenience init(path: String, busyTimeout: Int32 = 10_000) throws {
        try self.init(path: path, mode: .create, busyTimeout: busyTimeout)
    }

    /// Opens the database at `path` as `mode` says. `.readWrite` and `.readOnly` refuse a missing
    /// file (saying which stage makes it) instead of creating an empty study.
    public convenience init(path: String, mode: OpenMode, busyTimeout: Int32 = 10_000) throws {
        try self.init(path: path, mode: mode, busyTimeout: busyTimeout, migrate: mode != .readOnly)
    }

    init(path: String, mode: OpenMode = .create, busyTimeout: Int32, migrate: Bool) throws {
        self.path = path
        self.mode = mode
        if mode != .create {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw DatabaseError(
                    message: "no study database here: run `ingest` first (it creates the study), "
                        + "or point --db (or STUDY_DB) at an existing study", path: path, code: SQLITE_CANTOPEN)
            }
            if isDirectory.boolValue {
                throw DatabaseError(
                    message: "is a folder, not a study database file", path: path, code: SQLITE_CANTOPEN)
            }
        }
        if mode != .readOnly, let problem = Self.writeProblem(path) {
            let advice =
                FileManager.default.fileExists(atPath: path) ? "; reports, exports and notebooks can still read it" : ""
            throw DatabaseError(message: problem + advice, path: path, code: SQLITE_READONLY)
        }
        handle = try Self.open(path, mode: mode, immutable: false)
        var opened = handle
        do {
            sqlite3_extended_result_codes(opened, 1)
            sqlite3_busy_timeout(opened, busyTimeout)
            if mode == .readOnly {
                // A folder the user cannot write has no -shm file for WAL readers: SQLite then
                // cannot read unless told the file will not change (no writer can exist there).
                if (try? scalarInt("SELECT count(*) FROM sqlite_schema")) == nil, Self.writeProblem(path) != nil {
                    sqlite3_close_v2(opened)
                    opened = try Self.open(path, mode: mode, immutable: true)
                    handle = opened
                }
                try execute("PRAGMA query_only = 1")
                Self.denyAttach(opened)
            }
            try checkIsStudyDatabaseOrEmpty()
            if mode != .readOnly {
                try execute("PRAGMA journal_mode = WAL")
                try execute("PRAGMA synchronous = NORMAL")
            }
            try execute("PRAGMA foreign_keys = ON")
            try execute("PRAGMA cache_size = -65536")
            if migrate { try Migrator.migrate(self) } else if mode == .readOnly { try Migrator.checkReadable(self) }
        } catch {
            statementCache.removeAll()
            sqlite3_close_v2(opened)
            throw error
        }
    }

    private static func open(_ path: String, mode: OpenMode, immutable: Bool) throws -> OpaquePointer {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        switch mode {
        case .create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        // A URI keeps a path with '?' or '#' literal; immutable=1 is only used for unwritable folders.
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let escaped = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        let uri = "file:" + escaped + (immutable ? "?immutable=1" : "")
        let rc = sqlite3_open_v2(uri, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw DatabaseError(message: "cannot open database: \(message)", path: path, code: rc)
        }
        return db
    }

    /// Why a writing stage cannot use the file, in words, or nil. SQLite in WAL mode also writes
    /// `-wal` and `-shm` files beside the database, so the folder must be writable too.
    static func writeProblem(_ path: String) -> String? {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "the folder \(directory) does not exist"
        }
        if FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 {
            return "cannot write to this database file (permission denied)"
        }
        if access(directory, W_OK) != 0 {
            return "cannot write in the folder \(directory) (SQLite writes its -wal and -shm files there)"
        }
        return nil
    }

    /// Read-only connections refuse ATTACH, so no statement can open a second, writable file.
    private static func denyAttach(_ db: OpaquePointer) {
        sqlite3_set_authorizer(
            db,
            { _, action, _, _, _, _ in
                action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK
            }, nil)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// A foreign SQLite file (tables but no schema version of ours) or a non-SQLite file is refused
    /// before anything is written to it.
    private func checkIsStudyDatabaseOrEmpty() throws {
        let tables: Int
        do {
            tables = try scalarInt("SELECT count(*) FROM sqlite_schema") ?? 0
        } catch let error as DatabaseError where error.code & 0xFF == SQLITE_CORRUPT {
            throw DatabaseError(
                message: "SQLite says: \(error.message). " + DatabaseError.damagedAdvice,
                path: path, code: error.code)
        } catch let error as DatabaseError {
            throw DatabaseError(
                message: "not a study database (SQLite says: \(error.message)). "
                    + "Point --db at a new path or at a database made by these tools.",
                path: path, code: error.code)
        }
        guard tables > 0 else { return }
        let hasMeta =
            try scalarInt(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'") ?? 0
        if hasMeta == 0 {
            throw DatabaseError(
                message: "this SQLite file was not made by the study tools (no schema_migrations table); "
                    + "refusing to write to it. Use --db with a new path.",
                path: path, code: SQLITE_ERROR)
        }
    }

    // MARK: Executing SQL

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw DatabaseError(message: "\(message) (in: \(sql.prefix(200)))", path: path, code: rc)
        }
    }

    /// A prepared statement, cached by its SQL text for the life of the connection.
    /// A statement that is still being stepped (a loop over its rows calls code that runs the same
    /// SQL) is never handed out twice: that caller gets a fresh, uncached statement.
    public func prepare(_ sql: String) throws -> Statement {
        if let cached = statementCache[sql] {
            if sqlite3_stmt_busy(cached.handle) != 0 { return try Statement(database: self, sql: sql) }
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    public func run(_ sql: String, _ values: [SQLValue] = []) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        try statement.runToCompletion()
    }

    /// Every row of a query, loaded at once. For large results use `forEachRow` (a cursor).
    public func query(_ sql: String, _ values: [SQLValue] = []) throws -> [Row] {
        var rows: [Row] = []
        try forEachRow(sql, values) { rows.append($0) }
        return rows
    }

    /// Rows decoded into records (GRDB's FetchableRecord, in small).
    public func fetchAll<Record: RowDecodable>(_ type: Record.Type, _ sql: String, _ values: [SQLValue] = []) throws
        -> [Record]
    {
        var records: [Record] = []
        try forEachRow(sql, values) { records.append(try Record(row: $0)) }
        return records
    }

    public func fetchOne<Record: RowDecodable>(_ type: Record.Type, _ sql: String, _ values: [SQLValue] = []) throws
        -> Record?
    {
        var record: Record?
        try forEachRow(sql, values) { row in
            if record == nil { record = try Record(row: row) }
        }
        return record
    }

    /// A cursor: calls `body` with each row as SQLite produces it, without loading the result.
    public func forEachRow(_ sql: String, _ values: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {
            try body(statement.currentRow())
        }
    }

    public func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws -> Int? {
        try query(sql, values).first?.int(0)
    }

    public func scalarText(_ sql: String, _ values: [SQLValue] = []) throws -> String? {
        try query(sql, values).first?.text(0)
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }
    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    // MARK: Transactions

    /// Runs `body` inside one IMMEDIATE transaction: all of it is committed, or none of it.
    /// Nested calls become savepoints: an inner failure undoes only the inner work (unless the
    /// error also leaves the outer body).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        guard isInTransaction else {
            try execute("BEGIN IMMEDIATE")
            do {
                let result = try body()
                try execute("COMMIT")
                return result
            } catch {
                try? execute("ROLLBACK")
                throw error
            }
        }
        savepointDepth += 1
        let name = "sp\(savepointDepth)"
        defer { savepointDepth -= 1 }
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try execute("RELEASE \(name)")
            return result
        } catch {
            try? execute("ROLLBACK TO \(name)")
            try? execute("RELEASE \(name)")
            throw error
        }
    }

    /// True between BEGIN and COMMIT/ROLLBACK.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    func error(_ rc: Int32, _ context: String) -> DatabaseError {
        DatabaseError(message: "\(lastErrorMessage) (\(context))", path: path, code: rc)
    }
}
