import CLibCSV
import Foundation

/// One row per post, one column per category: the same annotations as the coding screen, for
/// coders who prefer a spreadsheet. Columns: post_id, platform, language, created_at, status
/// (coded | skipped | empty = not yet), one 0/1 column per category id, note, text (context only).
public enum AnnotationCSV {
    static let leading = ["post_id", "platform", "language", "created_at", "status"]

    public static func export(_ store: AnnotationStore) throws -> String {
        let categories = store.scheme.categoryIDs
        var out = (leading + categories + ["note", "text"]).map(quote).joined(separator: ",") + "\r\n"
        let decisions = try store.decisions()
        let notes = try store.notes()
        for post in try store.posts() {
            let decision = decisions[post.postID]
            var fields = [
                String(post.postID), post.platform, post.language, post.createdAt, decision?.status.rawValue ?? "",
            ]
            for category in categories {
                fields.append(decision?.status == .coded ? (decision!.present.contains(category) ? "1" : "0") : "")
            }
            fields += [notes[post.postID] ?? "", post.text]
            out += fields.map(quote).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public struct ImportSummary: Sendable {
        public var coded = 0, skipped = 0, untouched = 0
        public var ruleWarnings: [String] = []
    }

    /// Reads a CSV written by `export` (possibly edited in a spreadsheet) and stores every decided
    /// row in one transaction. Any bad cell stops the import before anything is written.
    public static func importFile(_ path: String, into store: AnnotationStore) throws -> ImportSummary {
        let table = try CSVTable.read(path: path)
        guard let header = table.first?.fields else { throw AnnotateError("\(path): empty file") }
        let categories = store.scheme.categoryIDs
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw AnnotateError("\(path):1: no '\(name)' column") }
            return i
        }
        // `status` is optional: without it, a row with any 0/1 cell is coded and an empty row stays undecided.
        let postColumn = try column("post_id"), statusColumn = header.firstIndex(of: "status")
        let noteColumn = header.firstIndex(of: "note")
        var categoryColumns: [(String, Int)] = []
        for id in categories { categoryColumns.append((id, try column(id))) }
        let known = Set(leading + categories + ["note", "text"])
        if let extra = header.first(where: { !known.contains($0) }) {
            throw AnnotateError(
                "\(path):1: column '\(extra)' is not a category of codebook "
                    + "\(store.scheme.name)@\(store.scheme.version)"
            )
        }
        let posts = Set(try store.posts().map(\.postID))
        var planned: [(Int64, Decision?, String?)] = []
        var summary = ImportSummary()
        for row in table.dropFirst() {
            let line = row.line
            func cell(_ i: Int) -> String {
                i < row.fields.count ? row.fields[i].trimmingCharacters(in: .whitespaces) : ""
            }
            if row.fields.allSatisfy({ $0.isEmpty }) { continue }
            guard let postID = Int64(cell(postColumn)), posts.contains(postID) else {
                throw AnnotateError(
                    "\(path):\(line): post_id '\(cell(postColumn))' is not in sample '\(store.sample.name)' "
                        + "for \(store.coder)"
                )
            }
            var present: Set<String> = []
            var filled = 0
            for (id, i) in categoryColumns {
                switch cell(i) {
                case "1":
                    present.insert(id)
                    filled += 1
                case "0": filled += 1
                case "": break
                case let other: throw AnnotateError("\(path):\(line): column '\(id)': '\(other)' is not 0, 1 or empty")
                }
            }
            let note = noteColumn.map(cell)
            switch statusColumn.map(cell) ?? "" {
            case "skipped":
                planned.append((postID, Decision(status: .skipped), note))
                summary.skipped += 1
            case "coded":
                planned.append((postID, Decision(status: .coded, present: present), note))
                summary.coded += 1
            case "":
                if filled > 0 {
                    planned.append((postID, Decision(status: .coded, present: present), note))
                    summary.coded += 1
                } else {
                    summary.untouched += 1
                    if let note, !note.isEmpty { planned.append((postID, nil, note)) }
                }
            case let other:
                throw AnnotateError("\(path):\(line): status '\(other)' must be coded, skipped or empty")
            }
            if let decision = planned.last?.1, decision.status == .coded {
                summary.ruleWarnings += ruleViolations(decision.present, scheme: store.scheme).map {
                    "\(path):\(line): post \(postID): \($0)"
                }
            }
        }
        try store.db.transaction {
            for (postID, decision, note) in planned {
                if let decision { try store.write(postID: postID, decision) }
                if let note { try store.saveNote(postID: postID, note.isEmpty ? nil : note) }
            }
        }
        return summary
    }
}

/// The codebook's gate and implication rules a set of present categories breaks (empty when none).
public func ruleViolations(_ present: Set<String>, scheme: AnnotationScheme) -> [String] {
    var problems: [String] = []
    if let gate = scheme.gate, !present.contains(gate), !present.isEmpty {
        problems.append("\(present.sorted().joined(separator: ", ")) set without the gate '\(gate)'")
    }
    for rule in scheme.implications where present.contains(rule.from) && !present.contains(rule.to) {
        problems.append("'\(rule.from)' implies '\(rule.to)', which is not set")
    }
    return problems
}

/// A whole CSV file read with libcsv (strict quoting), each row with the line it starts on.
struct CSVTable {
    struct Record {
        var fields: [String]
        var line: Int
    }

    final class Collector {
        var rows: [Record] = []
        var fields: [String] = []
        var line = 1
        var rowStart = 1
    }

    static func read(path: String) throws -> [Record] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnnotateError("\(path): cannot read the file")
        }
        return try read(bytes: [UInt8](data), path: path)
    }

    /// The same from bytes already read (`path` names them in messages); the fuzz target enters here.
    static func read(bytes input: [UInt8], path: String) throws -> [Record] {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // spreadsheet BOM
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) == 0 else {
            throw AnnotateError("cannot start the CSV parser")
        }
        defer { csv_free(&parser) }
        let collector = Collector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        let field: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
            pointer, length, context in
            let c = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
            let buffer = UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : length)
            c.fields.append(String(decoding: buffer, as: UTF8.self))
        }
        let row: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
            let c = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
            c.rows.append(Record(fields: c.fields, line: c.rowStart))
            c.fields = []
        }
        // Feed line by line so each row knows the line it starts on (quoted newlines span lines).
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            if end < bytes.count { end += 1 }
            let rowsBefore = collector.rows.count
            let consumed = bytes[start..<end].withUnsafeBytes {
                csv_parse(&parser, $0.baseAddress, $0.count, field, row, context)
            }
            if consumed != end - start {
                throw AnnotateError("\(path):\(collector.line): \(String(cString: csv_strerror(csv_error(&parser))))")
            }
            collector.line += 1
            if collector.rows.count > rowsBefore || collector.fields.isEmpty { collector.rowStart = collector.line }
            start = end
        }
        if csv_fini(&parser, field, row, context) != 0 {
            throw AnnotateError("\(path):\(collector.rowStart): \(String(cString: csv_strerror(csv_error(&parser))))")
        }
        return collector.rows
    }
}
