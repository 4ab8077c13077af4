import Foundation

public struct CodeOptions: Sendable {
    /// Code every post, not only the canonical post of each dedupe cluster.
    public var allPosts = false
    /// The coder aggregation uses ("primary"); default: the stored setting, or this run's coder when none is stored.
    public var primaryCoder: String?
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// sha256 of the model file a supervised or prototype coder was loaded from: stored with the run,
    /// so the export manifest can name the exact file behind the codes.
    public var modelFileSHA256: String?
    public init() {}
}

public struct CodeSummary: Sendable {
    public let runID: Int64
    public let coder: String
    public let postsCoded: Int
    public let rowsWritten: Int
    public let notes: [String]
    /// Posts coded present, per category in codebook order.
    public let prevalence: [(category: String, present: Int)]
}

/// The `code` stage: applies a coder to the posts and replaces that coder's rows in `codings`.
/// Reads posts, and when they exist post_clusters (dedupe) and post_languages (language-detect);
/// writes codebooks, codings and the `primary_coder` study setting.
public final class CodeStage {
    public let db: Database
    public init(database: Database) { db = database }

    public struct Post: Sendable {
        public let id: Int64
        public let text: String
        public let language: String?
        /// The thread the post replies in, for context (see `threadSQL`); nil for thread starters.
        public let thread: String?
        public init(id: Int64, text: String, language: String?, thread: String? = nil) {
            self.id = id
            self.text = text
            self.language = language
            self.thread = thread
        }
    }

    /// A post's thread: the title ingest stored (`posts.thread_title`, e.g. Reddit's `link_title`),
    /// else the thread starter when it is in the study: for a Reddit comment the submission named
    /// by its `link_id` (its title: the text's first line), for an X reply the conversation's root
    /// post. Thread starters themselves get NULL.
    static let threadSQL = """
        coalesce(p.thread_title, (
            SELECT CASE WHEN r.platform = 'reddit'
                        THEN substr(r.text_nfkc, 1, instr(r.text_nfkc || char(10), char(10)) - 1)
                        ELSE r.text_nfkc END
            FROM posts r
            WHERE r.platform = p.platform AND r.external_id = p.conversation_id AND r.post_id <> p.post_id))
        """

    /// The posts to code, with notes on the fallbacks taken when an earlier stage has not run.
    public func loadPosts(allPosts: Bool) throws -> (posts: [Post], notes: [String], inputs: String) {
        var notes: [String] = []
        var join = ""
        var inputs =
            "posts:" + (try db.scalarText("SELECT coalesce(max(post_id), 0) || '/' || count(*) FROM posts") ?? "")
        if !allPosts {
            if try db.hasRows("post_clusters") {
                // Canonical posts and near-duplicates (edited copies that may say more or less) are coded;
                // exact copies and reposts inherit the canonical post's codings (`inheritCopies`).
                join += " JOIN post_clusters c ON c.post_id = p.post_id AND \(Self.codedClusterMembers)"
                inputs += ";dedupe"
            } else {
                notes.append("dedupe has not run (no post_clusters): coding all posts")
            }
        }
        var languageColumn = "NULL"
        if try db.hasRows("post_languages") {
            join += " LEFT JOIN post_languages l ON l.post_id = p.post_id"
            languageColumn = "l.language"
            inputs += ";languages"
        } else {
            notes.append("language-detect has not run (no post_languages): language unknown, all indicator sets used")
        }
        var posts: [Post] = []
        try db.forEachRow(
            """
            SELECT p.post_id, p.text_nfkc, \(languageColumn) AS language, \(Self.threadSQL) AS thread
            FROM posts p\(join) ORDER BY p.post_id
            """
        ) { row in
            posts.append(
                Post(
                    id: try row.required(int64: "post_id"), text: row.text("text_nfkc") ?? "",
                    language: row.text("language"), thread: row.text("thread")))
        }
        // The content coded (which posts, in which language), not the ids of the runs that wrote it:
        // an interrupted and re-run upstream stage gives the same fingerprint as an uninterrupted one.
        inputs +=
            ";coded:"
            + Fingerprint.ofString(
                posts.map { "\($0.id):\($0.language ?? ""):\($0.thread ?? "")" }
                    .joined(separator: "\n"))
        return (posts, notes, inputs)
    }

    /// Codes `posts` on `workers` threads; results are in input order whatever the thread count.
    public static func codeAll(
        _ posts: [Post], workers: Int,
        _ code: @Sendable (Post) -> [CategoryDecision]
    ) -> [[CategoryDecision]] {
        let results = ResultSlots<[CategoryDecision]>(count: posts.count)
        let chunk = 512
        let chunks = (posts.count + chunk - 1) / chunk
        let threads = max(1, min(workers, chunks))
        let next = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let c = next.increment()
                if c >= chunks { break }
                for i in (c * chunk)..<min(posts.count, (c + 1) * chunk) { results.set(i, code(posts[i])) }
            }
        }
        return results.values()
    }

    /// The members of a dedupe cluster that are coded (and embedded) by default, as SQL over
    /// `post_clusters AS c`: the canonical post and its near-duplicates, whose edited wording may say
    /// more or less. Exact copies and reposts have the canonical post's text and inherit its codings.
    public static let codedClusterMembers = "(c.post_id = c.canonical_post_id OR c.kind = 'near')"

    /// Runs the lexicon coder of `codebook` over the posts.
    public func runLexicon(codebook: Codebook, options: CodeOptions) throws -> CodeSummary {
        let coder = LexiconCoder(codebook: codebook)
        return try run(
            coderName: coder.coderName, codebook: codebook, kind: "lexicon", options: options,
            extraParameters: [:]
        ) { post in
            coder.code(text: post.text, language: post.language, thread: post.thread)
        }
    }

    /// Shared by every automatic coder: load, code, replace the coder's rows in one transaction.
    public func run(
        coderName: String, codebook: Codebook, kind: String, options: CodeOptions,
        extraParameters: [String: String],
        code: @escaping @Sendable (Post) -> [CategoryDecision]
    ) throws -> CodeSummary {
        let (posts, notes, inputs) = try loadPosts(allPosts: options.allPosts)
        // The primary coder changes only when asked; the first coding run sets it to its coder.
        let primary = try options.primaryCoder ?? StudySettings.value(db, "primary_coder") ?? coderName
        var parameters = extraParameters
        parameters["coder"] = coderName
        parameters["coder_kind"] = kind
        parameters["codebook"] = codebook.path
        parameters["codebook_fingerprint"] = codebook.fingerprint
        parameters["all_posts"] = options.allPosts ? "true" : "false"
        parameters["primary_coder"] = primary
        if let sha = options.modelFileSHA256 { parameters["model_file_sha256"] = sha }
        let fingerprint = Fingerprint.ofString(codebook.fingerprint + "|" + coderName + "|" + inputs)
        let run = try StageRun.begin(db, stage: "code", parameters: parameters, inputFingerprint: fingerprint)
        do {
            let decisions = Self.codeAll(posts, workers: options.workers, code)
            var present = [Int](repeating: 0, count: codebook.categories.count)
            let rows = try db.transaction { () -> Int in
                try db.run(
                    "INSERT OR IGNORE INTO codebooks(name, version, fingerprint, yaml, loaded_at) "
                        + "VALUES (?, ?, ?, ?, ?)",
                    [
                        .text(codebook.name), .text(codebook.version), .text(codebook.fingerprint),
                        .text(codebook.source), .text(Timestamp.now()),
                    ])
                try db.run("DELETE FROM codings WHERE coder = ?", [.text(coderName)])
                let insert = try db.prepare(
                    "INSERT INTO codings(post_id, category, value, coder, evidence, confidence, run_id) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)"
                )
                var written = 0
                for (post, postDecisions) in zip(posts, decisions) {
                    for (i, decision) in postDecisions.enumerated() {
                        if decision.value { present[i] += 1 }
                        insert.reset()
                        try insert.bind([
                            .int(post.id), .text(decision.category), .int(decision.value ? 1 : 0),
                            .text(coderName), .text(decision.evidence), .double(decision.confidence), .int(run.id),
                        ])
                        try insert.runToCompletion()
                        written += 1
                    }
                }
                if !options.allPosts { written += try inheritCopies(coder: coderName) }
                try db.run(
                    "INSERT INTO study_settings(key, value) VALUES ('primary_coder', ?) "
                        + "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [.text(primary)])
                try run.finish(
                    rowsIn: posts.count, rowsOut: written, rejects: 0,
                    message: notes.isEmpty ? nil : notes.joined(separator: "; "))
                return written
            }
            return CodeSummary(
                runID: run.id, coder: coderName, postsCoded: posts.count, rowsWritten: rows, notes: notes,
                prevalence: zip(codebook.categories, present).map { ($0.id, $1) })
        } catch {
            run.fail(error)
            throw error
        }
    }
}

extension CodeStage {
    /// Exact copies and reposts say what their cluster's canonical post says (a repost's own text is
    /// often cut short), so they get its codings, same coder, with evidence naming where they come
    /// from. Then "all posts" tables count every copy, and campaigns weigh as much as they posted.
    func inheritCopies(coder: String) throws -> Int {
        guard try db.tableExists("post_clusters") else { return 0 }
        try db.run(
            """
            INSERT INTO codings(post_id, category, value, coder, evidence, confidence, run_id)
            SELECT k.post_id, c.category, c.value, c.coder,
                   '[{"rule":"inherited","from":' || k.canonical_post_id || '}]', c.confidence, c.run_id
            FROM post_clusters k JOIN codings c ON c.post_id = k.canonical_post_id AND c.coder = ?
            WHERE k.kind IN ('exact', 'repost') AND k.post_id <> k.canonical_post_id
            """, [.text(coder)])
        return db.changes
    }
}

/// Per-index result storage written from several threads (each index by exactly one thread).
final class ResultSlots<T>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<T?>
    private let count: Int
    init(count: Int) {
        self.count = count
        storage = UnsafeMutablePointer<T?>.allocate(capacity: max(1, count))
        storage.initialize(repeating: nil, count: count)
    }
    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
    func set(_ index: Int, _ value: T) { storage[index] = value }
    func values() -> [T] { (0..<count).map { storage[$0]! } }
}

final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let current = value
        value += 1
        return current
    }
}
