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

/// One result row, copied out of SQLite.
public struct Row: Sendable {
    public let values: [SQLValue]

    public func int(_ index: Int) -> Int? {
        switch values[index] {
        case .int(let v): return Int(v)
        case .double(let v): return Int(v)
        case .text(let s): return Int(s)
        default: return nil
        }
    }

    public func double(_ index: Int) -> Double? {
        switch values[index] {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .text(let s): return Double(s)
        default: return nil
        }
    }

    public func text(_ index: Int) -> String? {
        switch values[index] {
        case .text(let s): return s
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .blob(let b): return String(decoding: b, as: UTF8.self)
        case .null: return nil
        }
    }

    public func blob(_ index: Int) -> [UInt8]? {
        switch values[index] {
        case .blob(let b): return b
        case .text(let s): return Array(s.utf8)
        default: return nil
        }
    }
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

    init(database: Database, sql: String) throws {
        self.database = database
        self.sql = sql
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw database.error(rc, "preparing: \(sql.prefix(200))")
        }
        handle = statement
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
        case .text(let s): rc = bindText(s, at: index)
        case .blob(let b):
            rc = b.withUnsafeBytes { raw in
                sqlite3_bind_blob64(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(raw.count), sqliteTransient)
            }
        }
        guard rc == SQLITE_OK else { throw database.error(rc, "binding parameter \(index) of: \(sql.prefix(120))") }
    }

    /// Binds text without an intermediate copy when the string is already contiguous UTF-8.
    public func bindText(_ string: String, at index: Int32) -> Int32 {
        var string = string
        return string.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                // An empty buffer may have no address; SQLite needs one to store '' rather than NULL.
                sqlite3_bind_text64(handle, index, chars.baseAddress ?? emptyCString, UInt64(chars.count),
                                    sqliteTransient, UInt8(SQLITE_UTF8))
            }
        }
    }

    public func bindInt(_ value: Int64?, at index: Int32) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    public func bindText(_ value: String?, at index: Int32) {
        if let value { _ = bindText(value, at: index) } else { sqlite3_bind_null(handle, index) }
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
        return Row(values: values)
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
