import Foundation

/// What happened to one input file.
public struct FileSummary: Sendable, Equatable {
    public var path: String
    public var format: String
    /// How the records are laid out, for formats with several layouts (MediaCrawler: JSON lines,
    /// JSON or CSV).
    public var layout: String?
    public var read = 0
    public var stored = 0
    public var duplicates = 0
    public var rejected = 0
    /// Set when the same content was ingested before (it is then skipped).
    public var alreadyIngestedAs: String?
    /// Set when the file could not be ingested: why (and the line, when one is to blame). Nothing
    /// from it was stored.
    public var failure: String?
    public var failureLine: Int?
    public var bytes = 0
    public var seconds = 0.0
}

/// Options of an `ingest` run.
public struct IngestOptions: Sendable {
    public var format: InputFormat?
    public var mapping: CSVMapping?
    public var keepHandles = false
    public var limits = RecordLimits()
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var showProgress = false
    public init() {}
}

/// The `ingest` stage: reads exports into `posts`, keeping every unreadable record in `rejects`
/// and every repeated id in `duplicate_records`, so that read = stored + duplicates + rejected.
/// Each file is ingested in its own transaction: a file that cannot be read (a damaged gzip, a CSV
/// header without a mapping, a forced format that fits none of its records) leaves nothing behind
/// and is reported while the other files are still ingested; a killed run leaves no partial file,
/// and a re-run skips the files already done (by content fingerprint) and ingests the rest.
public final class Ingester {
    let db: Database
    let options: IngestOptions
    /// The study's secret salt for author pseudonyms.
    let salt: String

    public init(database: Database, options: IngestOptions) throws {
        db = database
        self.options = options
        salt = try db.transaction { try Pseudonymizer.salt(database) }
    }

    /// Ingests each file in turn. Problems with the arguments (a missing file, a directory) stop
    /// the run before anything is read; a problem with one file's content is in its summary's
    /// `failure` (see `IngestReport.failure`), and the other files are still ingested.
    public func ingest(paths: [String]) throws -> [FileSummary] {
        try Self.checkArguments(paths)
        let fingerprints = try paths.map { try Fingerprint.ofFile(atPath: $0) }
        var parameters = [
            "files": paths.joined(separator: "\n"), "keep_handles": String(options.keepHandles),
            "max_line_bytes": String(options.limits.maxLineBytes),
        ]
        if let format = options.format { parameters["format"] = format.rawValue }
        if let mapping = options.mapping { parameters["mapping"] = mapping.json }
        if options.limits.assumeUTC { parameters["assume_utc"] = "true" }
        let run = try StageRun.begin(
            db, stage: "ingest", parameters: parameters,
            inputFingerprint: Fingerprint.ofString(fingerprints.joined(separator: "\n")))
        var summaries: [FileSummary] = []
        do {
            for (path, fingerprint) in zip(paths, fingerprints) {
                do {
                    summaries.append(try ingestFile(path: path, fingerprint: fingerprint, run: run))
                } catch let error as InputError {
                    var failed = FileSummary(path: path, format: options.format?.rawValue ?? "")
                    failed.failure = error.reason
                    failed.failureLine = error.line
                    summaries.append(failed)
                }
            }
            let done = summaries.filter { $0.failure == nil }
            let failed = summaries.filter { $0.failure != nil }
            let skipped = failed.isEmpty && done.allSatisfy { $0.alreadyIngestedAs != nil }
            let status = !failed.isEmpty ? "failed" : skipped ? "skipped" : "completed"
            let message =
                !failed.isEmpty
                ? "\(failed.count) of \(summaries.count) files not ingested: "
                    + failed.map { "\($0.path) (\($0.failure ?? ""))" }.joined(separator: "; ")
                : skipped ? "every file was ingested before" : nil
            try db.transaction {
                try run.finish(
                    status: status, rowsIn: done.reduce(0) { $0 + $1.read },
                    rowsOut: done.reduce(0) { $0 + $1.stored },
                    rejects: done.reduce(0) { $0 + $1.rejected }, message: message)
            }
        } catch {
            run.fail(error)
            throw error
        }
        return summaries
    }

    /// Refuses, before reading anything, paths that are not readable files.
    public static func checkArguments(_ paths: [String]) throws {
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError(file: path, line: nil, reason: "no such file")
            }
            if isDirectory.boolValue {
                throw InputError(
                    file: path, line: nil,
                    reason: "is a directory: name the export files in it "
                        + "(for example \(path)/*.jsonl)")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw InputError(file: path, line: nil, reason: "cannot be read (permission denied)")
            }
        }
    }

    func ingestFile(path: String, fingerprint: String, run: StageRun) throws -> FileSummary {
        let started = Date()
        if let previous = try db.query(
            "SELECT path, run_id FROM source_files WHERE fingerprint = ?", [.text(fingerprint)]
        ).first {
            var summary = FileSummary(path: path, format: "")
            summary.alreadyIngestedAs =
                "\(try previous.required(text: "path")) in run \(try previous.required(int: "run_id"))"
            return summary
        }
        let format = try options.format ?? InputFormat.detect(path: path)
        let layout = format.isMediaCrawler ? try MediaCrawlerLayout.detect(path: path) : nil
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var summary = FileSummary(path: path, format: format.rawValue, layout: layout?.rawValue, bytes: size)
        let progress = Progress(path: path, totalBytes: size, enabled: options.showProgress)

        try db.transaction {
            try db.run(
                """
                INSERT INTO source_files(path, fingerprint, size_bytes, format, csv_mapping, run_id,
                                         records_read, records_stored, duplicate_ids, records_rejected)
                VALUES (?, ?, ?, ?, NULL, ?, 0, 0, 0, 0)
                """, [.text(path), .text(fingerprint), .int(Int64(size)), .text(format.rawValue), .int(run.id)])
            let writer = try PostWriter(db: db, sourceFileID: db.lastInsertRowID)
            let (limits, salt, keepHandles) = (options.limits, salt, options.keepHandles)
            var csvMapping: CSVMapping?
            func inParallel(_ source: RecordSource, _ makeParser: () -> LineParser) throws {
                try ParallelLineParser(
                    reader: source, workers: options.workers, makeParser: makeParser,
                    makeFinisher: { PostFinisher(salt: salt, keepHandles: keepHandles) }
                )
                .forEachBatch { records in
                    try writer.write(records, into: &summary)
                    progress.update(bytes: source.bytesConsumed, records: summary.read)
                }
            }
            func lines() throws -> LineReader { try LineReader(path: path, maxLineBytes: limits.maxLineBytes) }
            switch (format, layout) {
            case (.xJSON, _): try inParallel(lines()) { XJSONParser(limits: limits) }
            case (.redditNDJSON, _): try inParallel(lines()) { RedditParser(limits: limits) }
            case (.csv, _):
                let parser = try CSVParser(path: path, mapping: options.mapping, limits: limits)
                try readCSV(parser, from: lines(), writer: writer, summary: &summary, progress: progress)
                csvMapping = parser.mappingInUse
            case (_, .csv?):
                let parser = try CSVParser(path: path, mediaCrawlerPlatform: format, limits: limits)
                try readCSV(parser, from: lines(), writer: writer, summary: &summary, progress: progress)
            case (_, let layout?):
                let source: RecordSource =
                    layout == .jsonArray
                    ? try JSONArrayReader(path: path, maxElementBytes: limits.maxLineBytes) : try lines()
                try inParallel(source) { MediaCrawlerJSONParser(platform: format, layout: layout, limits: limits) }
            case (_, nil):
                preconditionFailure("a MediaCrawler format without a layout")
            }
            if format.isMediaCrawler { try writer.linkCommentsToNotes(platform: format.rawValue) }
            try checkForcedFormatFits(path: path, summary: summary, firstReject: writer.firstReject)
            try db.run(
                """
                UPDATE source_files SET records_read = ?, records_stored = ?, duplicate_ids = ?, records_rejected = ?,
                                        csv_mapping = ?
                WHERE source_file_id = ?
                """,
                [
                    .int(Int64(summary.read)), .int(Int64(summary.stored)), .int(Int64(summary.duplicates)),
                    .int(Int64(summary.rejected)), .from(csvMapping?.json), .int(writer.sourceFileID),
                ])
            try KeywordIndex.update(db)  // kwic's index, once built, gets this file's posts in this transaction
        }
        progress.done()
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// CSV is parsed on the writer's thread: libcsv follows quoting across lines, so rows cannot
    /// be split between threads before they are parsed.
    private func readCSV(
        _ parser: CSVParser, from reader: LineReader, writer: PostWriter, summary: inout FileSummary,
        progress: Progress
    ) throws {
        let finisher = PostFinisher(salt: salt, keepHandles: options.keepHandles)
        var lastLine = 0
        while let line = try reader.next() {
            lastLine = line.number
            try writer.write(finisher.finish(try parser.feed(line)), into: &summary)
            progress.update(bytes: reader.bytesConsumed, records: summary.read)
        }
        try writer.write(finisher.finish(try parser.finish(lastLineNumber: lastLine)), into: &summary)
        if parser.header.isEmpty {
            throw InputError(file: parser.path, line: nil, reason: "the CSV file has no header row")
        }
    }

    /// A format given with --format that fits none of the file's records is a mistake, not a file
    /// of rejects: the file is refused (its transaction rolled back) with what its content looks like.
    private func checkForcedFormatFits(path: String, summary: FileSummary, firstReject: RejectRecord?) throws {
        guard let forced = options.format, summary.read > 0, summary.stored + summary.duplicates == 0 else { return }
        let detected = try? InputFormat.detect(path: path)
        if detected == forced { return }  // the content is this format: its records are rejected for their own reasons
        let example = firstReject.map { " (line \($0.line): \($0.reason.prefix(160)))" } ?? ""
        let advice =
            detected.map {
                "its content looks like \($0.rawValue): leave out --format, or pass --format \($0.rawValue)"
            }
            ?? "check that --format names the file's format"
        throw InputError(
            file: path, line: nil,
            reason: "every one of its \(IngestReport.number(summary.read)) records was rejected "
                + "as \(forced.rawValue)\(example); \(advice). Nothing from this file was stored")
    }
}

/// Inserts parsed records for one source file, sorting them into posts, duplicate records and rejects.
final class PostWriter {
    let db: Database
    let sourceFileID: Int64
    private let insertPost: Statement
    private let findPost: Statement
    private let insertDuplicate: Statement
    private let insertReject: Statement
    /// The file's first reject, to show when a forced format fits none of its records.
    private(set) var firstReject: RejectRecord?

    init(db: Database, sourceFileID: Int64) throws {
        self.db = db
        self.sourceFileID = sourceFileID
        insertPost = try db.prepare(
            """
            INSERT INTO posts(platform, external_id, author_key, author_handle, created_at, created_unix, text,
                              nfkc_if_different, lang_hint, reposted_id, replied_to_id, quoted_id, conversation_id,
                              community, like_count, repost_count, reply_count, quote_count, source_file_id,
                              source_line, thread_title, search_keyword, counts_rounded)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                    ?21, ?22, ?23)
            ON CONFLICT(platform, external_id) DO NOTHING
            """)
        findPost = try db.prepare("SELECT post_id, text FROM posts WHERE platform = ? AND external_id = ?")
        insertDuplicate = try db.prepare(
            "INSERT INTO duplicate_records(post_id, source_file_id, source_line, same_text) VALUES (?, ?, ?, ?)")
        insertReject = try db.prepare(
            """
            INSERT INTO rejects(source_file_id, source_line, record_index, reason_code, reason, raw, raw_size)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
    }

    func write(_ records: [ParsedRecord], into summary: inout FileSummary) throws {
        for record in records {
            summary.read += 1
            switch record {
            case .post(let post):
                if try store(post) { summary.stored += 1 } else { summary.duplicates += 1 }
            case .reject(let reject):
                try store(reject)
                summary.rejected += 1
            }
        }
    }

    /// True when stored; false when the id was already there (then a duplicate record is kept).
    private func store(_ post: PostRecord) throws -> Bool {
        guard let derived = post.derived else { preconditionFailure("posts reach the writer through a PostFinisher") }
        let s = insertPost
        s.reset()
        try s.bindText(post.platform, at: 1)
        try s.bindText(post.externalID, at: 2)
        try s.bindText(derived.authorKey, at: 3)
        try s.bindText(derived.authorHandle, at: 4)
        try s.bindText(derived.createdAt, at: 5)
        try s.bindInt(post.createdUnix, at: 6)
        try s.bindText(post.text, at: 7)
        // Most posts are already in NFKC: store the form only when it differs (text_nfkc is generated).
        try s.bindText(derived.textNFKC == post.text ? nil : derived.textNFKC, at: 8)
        try s.bindText(post.langHint, at: 9)
        try s.bindText(post.repostedID, at: 10)
        try s.bindText(post.repliedToID, at: 11)
        try s.bindText(post.quotedID, at: 12)
        try s.bindText(post.conversationID, at: 13)
        try s.bindText(post.community, at: 14)
        try s.bindInt(post.likeCount, at: 15)
        try s.bindInt(post.repostCount, at: 16)
        try s.bindInt(post.replyCount, at: 17)
        try s.bindInt(post.quoteCount, at: 18)
        try s.bindInt(sourceFileID, at: 19)
        try s.bindInt(Int64(post.line), at: 20)
        try s.bindText(post.threadTitle, at: 21)
        try s.bindText(post.searchKeyword, at: 22)
        try s.bindInt(post.countsRounded.map { $0 ? 1 : 0 }, at: 23)
        try s.runToCompletion()
        if db.changes > 0 { return true }

        findPost.reset()
        try findPost.bind([.text(post.platform), .text(post.externalID)])
        guard try findPost.step() else {
            throw DatabaseError(
                message: "insert ignored but no existing post \(post.externalID)", path: db.path, code: 0)
        }
        // A prepared statement read by position (post_id, text), like the insert it follows: this runs
        // once per repeated id, inside the writer's loop.
        let existingID = findPost.columnInt(0)
        let sameText = findPost.columnText(1) == post.text
        findPost.reset()
        insertDuplicate.reset()
        try insertDuplicate.bind([.int(existingID), .int(sourceFileID), .int(Int64(post.line)), .from(sameText)])
        try insertDuplicate.runToCompletion()
        return false
    }

    private func store(_ reject: RejectRecord) throws {
        if firstReject == nil { firstReject = reject }
        insertReject.reset()
        try insertReject.bind([
            .int(sourceFileID), .int(Int64(reject.line)), .from(reject.recordIndex),
            .text(reject.code.rawValue), .text(reject.reason), .blob(reject.raw), .int(Int64(reject.rawSize)),
        ])
        try insertReject.runToCompletion()
    }
}

extension PostWriter {
    /// Comments of the platform take their note's title (`thread_title`) and search keyword when the
    /// note is in the study: read from this file or an earlier one. Run after every file of the
    /// platform, so comments read before their note get them when the note arrives.
    func linkCommentsToNotes(platform: String) throws {
        try db.run(
            """
            UPDATE posts AS comment
            SET thread_title = coalesce(comment.thread_title, note.thread_title),
                search_keyword = coalesce(comment.search_keyword, note.search_keyword)
            FROM posts AS note
            WHERE comment.platform = ?1 AND note.platform = ?1 AND note.external_id = comment.conversation_id
              AND comment.external_id <> comment.conversation_id
              AND ((comment.thread_title IS NULL AND note.thread_title IS NOT NULL)
                   OR (comment.search_keyword IS NULL AND note.search_keyword IS NOT NULL))
            """, [.text(platform)])
    }
}

/// Progress on stderr, only when asked (the CLI asks when stderr is a terminal).
final class Progress {
    let path: String
    let totalBytes: Int
    let enabled: Bool
    private var lastPrint = Date.distantPast

    init(path: String, totalBytes: Int, enabled: Bool) {
        self.path = path
        self.totalBytes = totalBytes
        self.enabled = enabled
    }

    func update(bytes: Int, records: Int) {
        guard enabled, Date().timeIntervalSince(lastPrint) > 0.25 else { return }
        lastPrint = Date()
        let megabytes = Double(bytes) / 1_048_576
        let share =
            totalBytes > 0 && !path.hasSuffix(".gz")
            ? String(format: " (%.0f%%)", min(100, 100 * Double(bytes) / Double(totalBytes))) : ""
        FileHandle.standardError.write(
            Data(
                String(
                    format: "\r%@: %.0f MB%@, %d records", (path as NSString).lastPathComponent, megabytes, share,
                    records
                ).utf8))
    }

    func done() {
        guard enabled, lastPrint != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
