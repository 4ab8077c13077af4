import CLibCSV
import Foundation

/// Reads a CSV export with libcsv (strict quoting), one physical line at a time so that every
/// record knows the line it starts on. Rows become posts through a `CSVMapping`, or, for a
/// MediaCrawler export, through `MediaCrawlerMapper` (its columns are its JSON fields).
public final class CSVParser {
    public let path: String
    public private(set) var header: [String] = []
    private var mapping: CSVMapping?
    private let explicitMapping: CSVMapping?
    private let mediaCrawler: MediaCrawlerMapper?
    private let limits: RecordLimits
    private var parser = csv_parser()
    private var columnIndex: [String: Int] = [:]

    // State of the row being assembled by libcsv's callbacks.
    fileprivate var fields: [[UInt8]] = []
    fileprivate var completedRows: [(fields: [[UInt8]], startLine: Int, raw: [UInt8], problem: RejectRecord?)] = []
    private var rowStartLine: Int?
    private var rowRaw: [UInt8] = []
    private var rowProblem: RejectRecord?

    public init(path: String, mapping: CSVMapping?, limits: RecordLimits) throws {
        self.path = path
        explicitMapping = mapping
        mediaCrawler = nil
        self.limits = limits
        try initParser(delimiter: mapping?.delimiter)
    }

    /// A MediaCrawler CSV export of the platform (xiaohongshu or weibo).
    init(path: String, mediaCrawlerPlatform platform: InputFormat, limits: RecordLimits) throws {
        self.path = path
        explicitMapping = nil
        mediaCrawler = MediaCrawlerMapper(platform: platform, limits: limits)
        self.limits = limits
        try initParser(delimiter: nil)
    }

    deinit { csv_free(&parser) }

    private func initParser(delimiter: String?) throws {
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0 else {
            throw InputError(file: path, line: nil, reason: "libcsv could not be initialised")
        }
        // Keep leading and trailing spaces: post text is stored as given.
        csv_set_space_func(&parser) { _ in 0 }
        if let delimiter {
            guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first else {
                throw InputError(
                    file: path, line: nil,
                    reason: "the mapping's delimiter must be one ASCII character, not '\(delimiter)'")
            }
            csv_set_delim(&parser, byte)
        }
    }

    /// The mapping in use (known after the header row).
    public var mappingInUse: CSVMapping? { mapping }

    /// Feeds one physical line; returns the records completed by it (zero, one, or, after a
    /// header, none). Throws only for problems with the whole file (header, mapping).
    public func feed(_ line: RawLine) throws -> [ParsedRecord] {
        if rowStartLine == nil {
            if line.bytes.isEmpty && line.oversizeBytes == nil { return [] }
            rowStartLine = line.number
            rowRaw = []
        }
        if !rowRaw.isEmpty { rowRaw.append(0x0A) }
        if rowRaw.count < RejectRecord.maxRawBytes {
            rowRaw.append(contentsOf: line.bytes.prefix(RejectRecord.maxRawBytes - rowRaw.count))
        }
        if rowProblem == nil, let problem = RecordChecks.checkLineBytes(line) {
            rowProblem = problem
        }
        if line.oversizeBytes != nil {
            // The line was not read whole, so libcsv cannot follow its quoting: drop the row and restart.
            csv_free(&parser)
            try initParser(delimiter: (mapping ?? explicitMapping)?.delimiter)
            fields = []
            return try emit(
                [(fields: [], startLine: rowStartLine!, raw: rowRaw, problem: rowProblem)], finishedRow: true)
        }
        var bytes = line.bytes
        bytes.append(0x0A)
        let consumed = bytes.withUnsafeBytes { raw in
            csv_parse(
                &parser, raw.baseAddress, raw.count, fieldCallback, rowCallback,
                Unmanaged.passUnretained(self).toOpaque())
        }
        if consumed < bytes.count {
            let reason = String(cString: csv_strerror(csv_error(&parser)))
            let reject = RejectRecord(
                line: rowStartLine ?? line.number, code: .malformedCSV,
                reason: "malformed CSV quoting (\(reason)) on line \(line.number)", raw: rowRaw)
            csv_free(&parser)
            try initParser(delimiter: (mapping ?? explicitMapping)?.delimiter)
            fields = []
            completedRows = []
            rowStartLine = nil
            rowProblem = nil
            return [.reject(reject)]
        }
        return try drainCompleted()
    }

    /// Call at end of file: a last row without a line ending is still a row.
    public func finish(lastLineNumber: Int) throws -> [ParsedRecord] {
        let result = csv_fini(&parser, fieldCallback, rowCallback, Unmanaged.passUnretained(self).toOpaque())
        if result != 0, let start = rowStartLine {
            rowStartLine = nil
            return [
                .reject(
                    RejectRecord(
                        line: start, code: .truncated,
                        reason: "file ends inside a quoted field that starts on line \(start)", raw: rowRaw))
            ]
        }
        return try drainCompleted()
    }

    fileprivate func rowEnded() {
        completedRows.append((fields: fields, startLine: rowStartLine ?? 0, raw: rowRaw, problem: rowProblem))
        fields = []
    }

    private func drainCompleted() throws -> [ParsedRecord] {
        guard !completedRows.isEmpty else { return [] }
        let rows = completedRows
        completedRows = []
        return try emit(rows, finishedRow: true)
    }

    private func emit(
        _ rows: [(fields: [[UInt8]], startLine: Int, raw: [UInt8], problem: RejectRecord?)], finishedRow: Bool
    ) throws -> [ParsedRecord] {
        if finishedRow {
            rowStartLine = nil
            rowProblem = nil
        }
        var out: [ParsedRecord] = []
        for row in rows {
            if header.isEmpty {
                try readHeader(row.fields, line: row.startLine, problem: row.problem)
                continue
            }
            out.append(record(row.fields, line: row.startLine, raw: row.raw, problem: row.problem))
        }
        return out
    }

    private func readHeader(_ fields: [[UInt8]], line: Int, problem: RejectRecord?) throws {
        if let problem {
            throw InputError(file: path, line: line, reason: "the header row is unreadable: \(problem.reason)")
        }
        header = fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        for (index, name) in header.enumerated() where columnIndex[name] == nil { columnIndex[name] = index }
        if let mediaCrawler {
            guard columnIndex["note_id"] != nil || columnIndex["comment_id"] != nil else {
                throw InputError(
                    file: path, line: line,
                    reason: "a MediaCrawler \(mediaCrawler.platform.rawValue) CSV has a note_id "
                        + "or comment_id column; this header has neither (\(header.prefix(12).joined(separator: ", ")))"
                )
            }
            return
        }
        let shownHeader = header.prefix(12).joined(separator: ", ") + (header.count > 12 ? ", ..." : "")
        guard let chosen = explicitMapping ?? CSVMapping.builtIn(for: header) else {
            throw InputError(
                file: path, line: line,
                reason: "no column mapping for this CSV header (\(shownHeader)). Pass --mapping FILE.json naming the "
                    + "columns for id, text, created_at, author, lang and platform (see docs/ingest.md).")
        }
        for (field, column) in chosen.referencedColumns where columnIndex[column] == nil {
            throw InputError(
                file: path, line: line,
                reason: "the mapping's \(field) column '\(column)' is not in the header (\(shownHeader))")
        }
        if chosen.platform == nil && chosen.platformColumn == nil {
            throw InputError(
                file: path, line: line,
                reason: "the mapping needs either platform (a name such as \"x\") or platform_column")
        }
        mapping = chosen
    }

    private func record(_ fields: [[UInt8]], line: Int, raw: [UInt8], problem: RejectRecord?) -> ParsedRecord {
        func reject(_ code: RejectCode, _ reason: String) -> ParsedRecord {
            .reject(RejectRecord(line: line, code: code, reason: reason, raw: raw))
        }
        if let problem {
            return .reject(
                RejectRecord(line: line, code: problem.code, reason: problem.reason, raw: raw, rawSize: problem.rawSize)
            )
        }
        guard fields.count == header.count else {
            return reject(.wrongColumnCount, "row has \(fields.count) fields; the header has \(header.count)")
        }
        if let mediaCrawler {
            var values: [String: FieldValue] = [:]
            for (name, index) in columnIndex { values[name] = .text(String(decoding: fields[index], as: UTF8.self)) }
            return mediaCrawler.record(values, line: line, raw: raw)
        }
        let mapping = mapping!
        func value(_ column: String?) -> String? {
            guard let column, let index = columnIndex[column] else { return nil }
            let bytes = fields[index]
            return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
        }
        func integer(_ column: String?) -> Int64? {
            value(column).flatMap { Int64($0) ?? Double($0).map { Int64($0) } }
        }

        guard let id = value(mapping.id) else { return reject(.missingField, "the id column '\(mapping.id)' is empty") }
        var text = value(mapping.text)
        if mapping.unescapeNewlines == true, let escaped = text, escaped.contains("\\n") {
            text = escaped.replacingOccurrences(of: "\\n", with: "\n")
        }
        if let problem = RecordChecks.checkText(
            text, field: "text column '\(mapping.text)'", line: line, index: nil, raw: raw, limits: limits)
        {
            return .reject(problem)
        }
        let created: Int64
        switch RecordChecks.parseDate(
            value(mapping.createdAt), field: "created_at column '\(mapping.createdAt)'", line: line,
            index: nil, raw: raw, assumeUTC: limits.assumeUTC)
        {
        case .success(let seconds): created = seconds
        case .failure(let problem): return .reject(problem)
        }
        guard let platform = mapping.platform ?? value(mapping.platformColumn) else {
            return reject(.missingField, "the platform column '\(mapping.platformColumn ?? "")' is empty")
        }
        var post = PostRecord(platform: platform, externalID: id, createdUnix: created, text: text!, line: line)
        post.author = value(mapping.author) ?? value(mapping.authorHandle)
        post.authorHandle = value(mapping.authorHandle) ?? value(mapping.author)
        post.langHint = value(mapping.lang)
        post.repostedID = value(mapping.repostedID)
        post.repliedToID = value(mapping.repliedToID)
        post.quotedID = value(mapping.quotedID)
        post.conversationID = value(mapping.conversationID)
        post.community = value(mapping.community)
        post.likeCount = integer(mapping.likeCount)
        post.repostCount = integer(mapping.repostCount)
        post.replyCount = integer(mapping.replyCount)
        post.quoteCount = integer(mapping.quoteCount)
        return .post(post)
    }
}

// libcsv calls back through plain C function pointers; the parser object travels in `context`.
private func fieldCallback(_ field: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    let parser = Unmanaged<CSVParser>.fromOpaque(context!).takeUnretainedValue()
    if let field, length > 0 {
        parser.fields.append(Array(UnsafeRawBufferPointer(start: field, count: length)))
    } else {
        parser.fields.append([])
    }
}

private func rowCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    let parser = Unmanaged<CSVParser>.fromOpaque(context!).takeUnretainedValue()
    parser.rowEnded()
}
