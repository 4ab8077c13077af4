import CSQLite
import Foundation

/// A value bound to or read from SQL.
public enum SQLValue: Equatable, Sendable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(floatLiteral value: Double) { self = .double(value) }

    public static func from(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    public static func from(_ value: Int?) -> SQLValue { value.map { .int(Int64($0)) } ?? .null }
    public static func from(_ value: Int64?) -> SQLValue { value.map(SQLValue.int) ?? .null }
    public static func from(_ value: Double?) -> SQLValue { value.map(SQLValue.double) ?? .null }
    public static func from(_ value: Bool) -> SQLValue { .int(value ? 1 : 0) }
}

/// The column names of a result, shared by all its rows, with a name-to-index map.
public final class ColumnNames: @unchecked Sendable {
    public let names: [String]
    let index: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
    }
}

/// One result row, copied out of SQLite. Read columns by name (`row.int("n")`, `row["share"]`),
/// or decode the row into a record type (`RowDecodable`). Positional reads remain for generic
/// code that does not know the columns (the notebook renderer, CSV export of any query).
public struct Row: Sendable {
    public let values: [SQLValue]
    public let columns: ColumnNames

    public init(values: [SQLValue], columns: ColumnNames) {
        self.values = values
        self.columns = columns
    }

    /// The value of the named column; a name the query does not return is a programming error
    /// and stops with a message naming the column and the columns there are.
    public subscript(_ name: String) -> SQLValue {
        guard let i = columns.index[name] else {
            preconditionFailure("no column '\(name)' in this row (columns: \(columns.names.joined(separator: ", ")))")
        }
        return values[i]
    }

    public func hasColumn(_ name: String) -> Bool { columns.index[name] != nil }

    public func int(_ name: String) -> Int? { Self.int(self[name]) }
    public func int64(_ name: String) -> Int64? { Self.int(self[name]).map(Int64.init) }
    public func double(_ name: String) -> Double? { Self.double(self[name]) }
    public func text(_ name: String) -> String? { Self.text(self[name]) }
    public func blob(_ name: String) -> [UInt8]? { Self.blob(self[name]) }
    public func bool(_ name: String) -> Bool? { int(name).map { $0 != 0 } }

    /// Non-NULL reads for NOT NULL columns: a NULL is reported with the column's name instead of
    /// crashing on a force unwrap.
    public func required(int name: String) throws -> Int { try require(int(name), name) }
    public func required(int64 name: String) throws -> Int64 { try require(int64(name), name) }
    public func required(double name: String) throws -> Double { try require(double(name), name) }
    public func required(text name: String) throws -> String { try require(text(name), name) }

    private func require<T>(_ value: T?, _ name: String) throws -> T {
        guard let value else {
            throw DatabaseError(message: "column '\(name)' is NULL where a value is required", path: "", code: 1)
        }
        return value
    }

    public func int(_ index: Int) -> Int? { Self.int(values[index]) }
    public func double(_ index: Int) -> Double? { Self.double(values[index]) }
    public func text(_ index: Int) -> String? { Self.text(values[index]) }
    public func blob(_ index: Int) -> [UInt8]? { Self.blob(values[index]) }

    static func int(_ value: SQLValue) -> Int? {
        switch value {
        case .int(let v): return Int(v)
        case .double(let v): return Int(v)
        case .text(let s): return Int(s)
        default: return nil
        }
    }

    static func double(_ value: SQLValue) -> Double? {
        switch value {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .text(let s): return Double(s)
        default: return nil
        }
    }

    static func text(_ value: SQLValue) -> String? {
        switch value {
        case .text(let s): return s
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .blob(let b): return String(decoding: b, as: UTF8.self)
        case .null: return nil
        }
    }

    static func blob(_ value: SQLValue) -> [UInt8]? {
        switch value {
        case .blob(let b): return b
        case .text(let s): return Array(s.utf8)
        default: return nil
        }
    }
}

/// A record made from a result row by column names (GRDB's FetchableRecord, in small):
/// `try db.fetchAll(Coding.self, "SELECT post_id, category, value FROM codings")`.
public protocol RowDecodable {
    init(row: Row) throws
}

nonisolated(unsafe) private let emptyCString: UnsafePointer<CChar> = {
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return UnsafePointer(pointer)
}()

/// A prepared statement. Bind, step, read columns; reset for reuse.
public final class Statement {
    unowned let database: Database
    let handle: OpaquePointer
    let sql: String
    /// Column names, read once per statement and shared by its rows.
    public let columns: ColumnNames

    init(database: Database, sql: String) throws {
        self.database = database
        self.sql = sql
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw database.error(rc, "preparing: \(sql.prefix(200))")
        }
        handle = statement
        columns = ColumnNames(
            (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) })
    }

    deinit { sqlite3_finalize(handle) }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ values: [SQLValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    public func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .int(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .double(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let s): rc = rawBindText(s, at: index)
        case .blob(let b):
            rc = b.withUnsafeBytes { raw in
                sqlite3_bind_blob64(
                    handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(raw.count),
                    sqliteTransient)
            }
        }
        guard rc == SQLITE_OK else { throw database.error(rc, "binding parameter \(index) of: \(sql.prefix(120))") }
    }

    /// Binds text without an intermediate copy when the string is already contiguous UTF-8.
    private func rawBindText(_ string: String, at index: Int32) -> Int32 {
        var string = string
        return string.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                // An empty buffer may have no address; SQLite needs one to store '' rather than NULL.
                sqlite3_bind_text64(
                    handle, index, chars.baseAddress ?? emptyCString, UInt64(chars.count),
                    sqliteTransient, UInt8(SQLITE_UTF8))
            }
        }
    }

    /// Hot-path binding without building an SQLValue; SQLite's return code is checked like `bind`'s.
    public func bindInt(_ value: Int64?, at index: Int32) throws {
        let rc = value.map { sqlite3_bind_int64(handle, index, $0) } ?? sqlite3_bind_null(handle, index)
        guard rc == SQLITE_OK else { throw database.error(rc, "binding parameter \(index) of: \(sql.prefix(120))") }
    }

    public func bindText(_ value: String?, at index: Int32) throws {
        let rc = value.map { rawBindText($0, at: index) } ?? sqlite3_bind_null(handle, index)
        guard rc == SQLITE_OK else { throw database.error(rc, "binding parameter \(index) of: \(sql.prefix(120))") }
    }

    /// Steps once; true when a row is available.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(rc, "running: \(sql.prefix(200))")
        }
    }

    /// Steps until done and resets, for statements that return no rows.
    public func runToCompletion() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    public func currentRow() -> Row {
        let count = sqlite3_column_count(handle)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            values.append(columnValue(column))
        }
        return Row(values: values, columns: columns)
    }

    func columnValue(_ column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let pointer = sqlite3_column_text(handle, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let pointer = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }

    public func columnInt(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func columnIsNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    public func columnText(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
}
