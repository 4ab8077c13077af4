import Foundation

/// What happened to one input file.
public struct FileSummary: Sendable, Equatable {
    public var path: String
    public var format: String
    public var read = 0
    public var stored = 0
    public var duplicates = 0
    public var rejected = 0
    /// Set when the same content was ingested before (it is then skipped).
    public var alreadyIngestedAs: String?
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
/// Each file is ingested in one transaction: a killed run leaves no partial file behind, and a
/// re-run skips the files already done (by content fingerprint) and ingests the rest.
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

    public func ingest(paths: [String]) throws -> [FileSummary] {
        let fingerprints = try paths.map { try Fingerprint.ofFile(atPath: $0) }
        var parameters = ["files": paths.joined(separator: "\n"), "keep_handles": String(options.keepHandles),
                          "max_line_bytes": String(options.limits.maxLineBytes)]
        if let format = options.format { parameters["format"] = format.rawValue }
        if let mapping = options.mapping { parameters["mapping"] = mapping.json }
        let run = try StageRun.begin(db, stage: "ingest", parameters: parameters,
                                     inputFingerprint: Fingerprint.ofString(fingerprints.joined(separator: "\n")))
        var summaries: [FileSummary] = []
        do {
            for (path, fingerprint) in zip(paths, fingerprints) {
                summaries.append(try ingestFile(path: path, fingerprint: fingerprint, run: run))
            }
            let stored = summaries.reduce(0) { $0 + $1.stored }
            let skipped = summaries.allSatisfy { $0.alreadyIngestedAs != nil }
            try db.transaction {
                try run.finish(status: skipped ? "skipped" : "completed",
                               rowsIn: summaries.reduce(0) { $0 + $1.read }, rowsOut: stored,
                               rejects: summaries.reduce(0) { $0 + $1.rejected },
                               message: skipped ? "every file was ingested before" : nil)
            }
        } catch {
            run.fail(error)
            throw error
        }
        return summaries
    }

    func ingestFile(path: String, fingerprint: String, run: StageRun) throws -> FileSummary {
        let started = Date()
        if let previous = try db.query("SELECT path, run_id FROM source_files WHERE fingerprint = ?", [.text(fingerprint)]).first {
            var summary = FileSummary(path: path, format: "")
            summary.alreadyIngestedAs = "\(previous.text(0)!) in run \(previous.int(1)!)"
            return summary
        }
        let format = try options.format ?? InputFormat.detect(path: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var summary = FileSummary(path: path, format: format.rawValue, bytes: size)
        let reader = try LineReader(path: path, maxLineBytes: options.limits.maxLineBytes)
        let progress = Progress(path: path, totalBytes: size, enabled: options.showProgress)

        try db.transaction {
            try db.run("""
                INSERT INTO source_files(path, fingerprint, size_bytes, format, csv_mapping, run_id,
                                         records_read, records_stored, duplicate_ids, records_rejected)
                VALUES (?, ?, ?, ?, NULL, ?, 0, 0, 0, 0)
                """, [.text(path), .text(fingerprint), .int(Int64(size)), .text(format.rawValue), .int(run.id)])
            let writer = try PostWriter(db: db, sourceFileID: db.lastInsertRowID)
            let (salt, keepHandles) = (salt, options.keepHandles)
            let makeFinisher = { PostFinisher(salt: salt, keepHandles: keepHandles) }
            var csvMapping: CSVMapping?
            switch format {
            case .xJSON, .redditNDJSON:
                let limits = options.limits
                let makeParser: () -> LineParser = format == .xJSON
                    ? { XJSONParser(limits: limits) } : { RedditParser(limits: limits) }
                try ParallelLineParser(reader: reader, workers: options.workers, makeParser: makeParser,
                                       makeFinisher: makeFinisher).forEachBatch { records in
                    try writer.write(records, into: &summary)
                    progress.update(bytes: reader.bytesConsumed, records: summary.read)
                }
            case .csv:
                let parser = try CSVParser(path: path, mapping: options.mapping, limits: options.limits)
                let finisher = makeFinisher()
                var lastLine = 0
                while let line = try reader.next() {
                    lastLine = line.number
                    try writer.write(finisher.finish(try parser.feed(line)), into: &summary)
                    progress.update(bytes: reader.bytesConsumed, records: summary.read)
                }
                try writer.write(finisher.finish(try parser.finish(lastLineNumber: lastLine)), into: &summary)
                if parser.header.isEmpty { throw InputError(file: path, line: nil, reason: "the CSV file has no header row") }
                csvMapping = parser.mappingInUse
            }
            try db.run("""
                UPDATE source_files SET records_read = ?, records_stored = ?, duplicate_ids = ?, records_rejected = ?,
                                        csv_mapping = ?
                WHERE source_file_id = ?
                """, [.int(Int64(summary.read)), .int(Int64(summary.stored)), .int(Int64(summary.duplicates)),
                      .int(Int64(summary.rejected)), .from(csvMapping?.json), .int(writer.sourceFileID)])
            try KeywordIndex.update(db)     // kwic's index, once built, gets this file's posts in this transaction
        }
        progress.done()
        summary.seconds = Date().timeIntervalSince(started)
        return summary
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

    init(db: Database, sourceFileID: Int64) throws {
        self.db = db
        self.sourceFileID = sourceFileID
        insertPost = try db.prepare("""
            INSERT INTO posts(platform, external_id, author_key, author_handle, created_at, created_unix, text, nfkc_if_different,
                              lang_hint, reposted_id, replied_to_id, quoted_id, conversation_id, community,
                              like_count, repost_count, reply_count, quote_count, source_file_id, source_line)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
            ON CONFLICT(platform, external_id) DO NOTHING
            """)
        findPost = try db.prepare("SELECT post_id, text FROM posts WHERE platform = ? AND external_id = ?")
        insertDuplicate = try db.prepare(
            "INSERT INTO duplicate_records(post_id, source_file_id, source_line, same_text) VALUES (?, ?, ?, ?)")
        insertReject = try db.prepare("""
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
        try s.runToCompletion()
        if db.changes > 0 { return true }

        findPost.reset()
        try findPost.bind([.text(post.platform), .text(post.externalID)])
        guard try findPost.step() else { throw DatabaseError(message: "insert ignored but no existing post \(post.externalID)", path: db.path, code: 0) }
        let existingID = findPost.columnInt(0)
        let sameText = findPost.columnText(1) == post.text
        findPost.reset()
        insertDuplicate.reset()
        try insertDuplicate.bind([.int(existingID), .int(sourceFileID), .int(Int64(post.line)), .from(sameText)])
        try insertDuplicate.runToCompletion()
        return false
    }

    private func store(_ reject: RejectRecord) throws {
        insertReject.reset()
        try insertReject.bind([.int(sourceFileID), .int(Int64(reject.line)), .from(reject.recordIndex),
                               .text(reject.code.rawValue), .text(reject.reason), .blob(reject.raw), .int(Int64(reject.rawSize))])
        try insertReject.runToCompletion()
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
        let share = totalBytes > 0 && !path.hasSuffix(".gz") ? String(format: " (%.0f%%)", min(100, 100 * Double(bytes) / Double(totalBytes))) : ""
        FileHandle.standardError.write(Data(String(format: "\r%@: %.0f MB%@, %d records", (path as NSString).lastPathComponent, megabytes, share, records).utf8))
    }

    func done() {
        guard enabled, lastPrint != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
