import CSQLite
import Foundation

/// Markdown SQL notebooks: a Markdown file whose ```sql blocks are run, in order, against the study
/// database; the rendered notebook has each block followed by its result as a Markdown table
/// (at most `rowLimit` rows, saying how many were cut) or its error as a blockquote.
public struct NotebookRunner {
    let db: Database
    public var rowLimit = 20

    public init(database: Database, rowLimit: Int = 20) {
        db = database
        self.rowLimit = rowLimit
    }

    /// Renders the notebook text. Prose is copied as it is; only ```sql blocks run. The whole
    /// notebook runs in one transaction that is rolled back, so a notebook never changes the study
    /// database and temporary tables it makes do not leak into the next render.
    public func render(_ markdown: String) -> String {
        let inTransaction = (try? db.execute("BEGIN")) != nil
        defer { if inTransaction { try? db.execute("ROLLBACK") } }
        var out = ""
        var sqlBlock: [Substring]? = nil
        var otherFence: Substring? = nil
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var block = sqlBlock {
                out += line + "\n"
                if trimmed.hasPrefix("```") {
                    out += "\n" + result(of: block.joined(separator: "\n"))
                    sqlBlock = nil
                } else {
                    block.append(line)
                    sqlBlock = block
                }
            } else if let fence = otherFence {
                out += line + "\n"
                if trimmed.hasPrefix(fence) { otherFence = nil }
            } else if trimmed.lowercased() == "```sql" {
                out += line + "\n"
                sqlBlock = []
            } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                out += line + "\n"
                otherFence = trimmed.prefix(3)
            } else {
                out += line + "\n"
            }
        }
        if let block = sqlBlock {  // unclosed block at the end: still run it, and say so
            out +=
                "```\n\n" + result(of: block.joined(separator: "\n")) + "> Note: this sql block had no closing fence.\n"
        }
        // split added one line break for the text's own final one
        if out.hasSuffix("\n\n") && !markdown.hasSuffix("\n\n") { out.removeLast() }
        return out
    }

    /// Runs every statement of a block; the last statement that returns columns is shown.
    func result(of sql: String) -> String {
        var shown = ""
        var changed = 0
        do {
            for statement in Self.statements(sql) {
                let (columns, rows, truncated) = try run(statement)
                if columns.isEmpty {
                    changed += 1
                    continue
                }
                shown = table(columns: columns, rows: rows, truncated: truncated)
            }
        } catch {
            return "> **Error:** " + String(describing: error).replacingOccurrences(of: "\n", with: " ") + "\n\n"
        }
        if shown.isEmpty { return "_(\(changed) statement\(changed == 1 ? "" : "s") run, no rows returned)_\n\n" }
        return shown
    }

    /// Splits a block into complete SQL statements with SQLite's own tokenizer (semicolons inside
    /// strings or comments do not split).
    static func statements(_ sql: String) -> [String] {
        var result: [String] = []
        var current = ""
        for part in sql.split(separator: ";", omittingEmptySubsequences: false) {
            current += part
            if sqlite3_complete(current + ";") != 0 {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty && !Self.onlyComments(statement) { result.append(statement) }
                current = ""
            } else {
                current += ";"
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty && !onlyComments(rest) { result.append(rest) }
        return result
    }

    static func onlyComments(_ sql: String) -> Bool {
        sql.split(separator: "\n").allSatisfy {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") || $0.trimmingCharacters(in: .whitespaces).isEmpty
        }
    }

    func run(_ sql: String) throws -> ([String], [[String]], Int) {
        var handle: OpaquePointer?
        let rc = sqlite3_prepare_v2(db.handle, sql, -1, &handle, nil)
        guard rc == SQLITE_OK, let handle else {
            sqlite3_finalize(handle)
            throw NotebookError(message: String(cString: sqlite3_errmsg(db.handle)))
        }
        defer { sqlite3_finalize(handle) }
        let count = sqlite3_column_count(handle)
        let columns = (0..<count).map { String(cString: sqlite3_column_name(handle, $0)) }
        var rows: [[String]] = []
        var extra = 0
        while true {
            let step = sqlite3_step(handle)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw NotebookError(message: String(cString: sqlite3_errmsg(db.handle))) }
            if rows.count >= rowLimit {
                extra += 1
                continue
            }
            rows.append((0..<count).map { Self.cellText(handle, $0) })
        }
        return (columns, rows, extra)
    }

    /// Cells as text: reals with 4 fixed decimals (locale-independent), NULL as an empty cell.
    static func cellText(_ statement: OpaquePointer, _ column: Int32) -> String {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return ""
        case SQLITE_INTEGER: return String(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return FixedFormat.decimal(sqlite3_column_double(statement, column), places: 4)
        case SQLITE_BLOB: return "(blob, \(sqlite3_column_bytes(statement, column)) bytes)"
        default:
            guard let text = sqlite3_column_text(statement, column) else { return "" }
            return String(cString: text)
        }
    }

    func table(columns: [String], rows: [[String]], truncated: Int) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(
                of: "\n", with: " ")
        }
        var out = "| " + columns.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + String(repeating: "---|", count: columns.count) + "\n"
        for row in rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
        if rows.isEmpty { out += "\n_(no rows)_\n" }
        if truncated > 0 {
            out += "\n_… \(truncated) more row\(truncated == 1 ? "" : "s") not shown (limit \(rowLimit))._\n"
        }
        return out + "\n"
    }

    /// Renders `input` into `directory` under the same file name; returns the output path.
    @discardableResult
    public func render(file input: String, into directory: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: input) else {
            throw InputError(file: input, line: nil, reason: "cannot read notebook")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: input, line: nil, reason: "notebook is not UTF-8 text")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let output = (directory as NSString).appendingPathComponent((input as NSString).lastPathComponent)
        try Data(render(text).utf8).write(to: URL(fileURLWithPath: output))
        return output
    }
}

public struct NotebookError: UserFacingError {
    public let message: String
    public var description: String { message }
}
