import CSQLite
import Foundation

/// An error from SQLite or from opening a study database, with the file it concerns.
public struct DatabaseError: Error, CustomStringConvertible {
    public let message: String
    public let path: String
    public let code: Int32

    public var description: String {
        // A damaged file can pass the checks at open and fail later, in any stage's query.
        guard code & 0xFF == SQLITE_CORRUPT, !message.contains(Self.damagedAdvice) else { return "\(path): \(message)" }
        return "\(path): \(message). \(Self.damagedAdvice)"
    }

    static let damagedAdvice = "The database file is damaged (cut short or overwritten): restore it from a backup, "
        + "or move it away and rebuild it by re-running the pipeline from the exports (make clean && make)"
}

/// SQLite wants a destructor constant that Swift cannot import; -1 means "copy the bytes now".
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One connection to a study database (a single SQLite file in WAL mode).
///
/// Not thread-safe: each stage uses one connection from one thread; parallel work happens
/// before rows reach the database.
public final class Database {
    public let path: String
    let handle: OpaquePointer
    private var statementCache: [String: Statement] = [:]

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Fails with a clear message when the file is not SQLite, is damaged, or is newer than this tool.
    public convenience init(path: String, busyTimeout: Int32 = 10_000) throws {
        try self.init(path: path, busyTimeout: busyTimeout, migrate: true)
    }

    init(path: String, busyTimeout: Int32, migrate: Bool) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw DatabaseError(message: "cannot open database: \(message)", path: path, code: rc)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeout)
        do {
            try checkIsStudyDatabaseOrEmpty()
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = NORMAL")
            try execute("PRAGMA foreign_keys = ON")
            try execute("PRAGMA cache_size = -65536")
            if migrate { try Migrator.migrate(self) }
        } catch {
            statementCache.removeAll()
            sqlite3_close_v2(db)
            throw error
        }
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
            throw DatabaseError(message: "SQLite says: \(error.message). " + DatabaseError.damagedAdvice,
                                path: path, code: error.code)
        } catch let error as DatabaseError {
            throw DatabaseError(
                message: "not a study database (SQLite says: \(error.message)). "
                    + "Point --db at a new path or at a database made by these tools.",
                path: path, code: error.code)
        }
        guard tables > 0 else { return }
        let hasMeta = try scalarInt(
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
    public func prepare(_ sql: String) throws -> Statement {
        if let cached = statementCache[sql] {
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

    public func query(_ sql: String, _ values: [SQLValue] = []) throws -> [Row] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [Row] = []
        while try statement.step() {
            rows.append(statement.currentRow())
        }
        return rows
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
    public func transaction<T>(_ body: () throws -> T) throws -> T {
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

    func error(_ rc: Int32, _ context: String) -> DatabaseError {
        DatabaseError(message: "\(lastErrorMessage) (\(context))", path: path, code: rc)
    }
}
