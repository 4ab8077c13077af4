import Foundation

public struct CodeOptions: Sendable {
    /// Code every post, not only the canonical post of each dedupe cluster.
    public var allPosts = false
    /// The coder aggregation uses ("primary"); default: the stored setting, or this run's coder when none is stored.
    public var primaryCoder: String?
    public var workers = ProcessInfo.processInfo.activeProcessorCount
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
    let db: Database
    public init(database: Database) { db = database }

    public struct Post: Sendable {
        public let id: Int64
        public let text: String
        public let language: String?
        public init(id: Int64, text: String, language: String?) {
            self.id = id
            self.text = text
            self.language = language
        }
    }

    func tableExists(_ name: String) throws -> Bool {
        (try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text(name)]) ?? 0) > 0
    }

    /// The posts to code, with notes on the fallbacks taken when an earlier stage has not run.
    public func loadPosts(allPosts: Bool) throws -> (posts: [Post], notes: [String], inputs: String) {
        var notes: [String] = []
        var join = ""
        var inputs = "posts:" + (try db.scalarText("SELECT coalesce(max(post_id), 0) || '/' || count(*) FROM posts") ?? "")
        if !allPosts {
            if try tableExists("post_clusters"), (try db.scalarInt("SELECT count(*) FROM post_clusters") ?? 0) > 0 {
                // Canonical posts and near-duplicates (edited copies that may say more or less) are coded;
                // exact copies and reposts inherit the canonical post's codings (`inheritCopies`).
                join += " JOIN post_clusters c ON c.post_id = p.post_id AND (c.post_id = c.canonical_post_id OR c.kind = 'near')"
                inputs += ";dedupe"
            } else {
                notes.append("dedupe has not run (no post_clusters): coding all posts")
            }
        }
        var languageColumn = "NULL"
        if try tableExists("post_languages"), (try db.scalarInt("SELECT count(*) FROM post_languages") ?? 0) > 0 {
            join += " LEFT JOIN post_languages l ON l.post_id = p.post_id"
            languageColumn = "l.language"
            inputs += ";languages"
        } else {
            notes.append("language-detect has not run (no post_languages): language unknown, all indicator sets used")
        }
        let rows = try db.query("SELECT p.post_id, p.text_nfkc, \(languageColumn) FROM posts p\(join) ORDER BY p.post_id")
        let posts = rows.map { Post(id: Int64($0.int(0)!), text: $0.text(1) ?? "", language: $0.text(2)) }
        // The content coded (which posts, in which language), not the ids of the runs that wrote it:
        // an interrupted and re-run upstream stage gives the same fingerprint as an uninterrupted one.
        inputs += ";coded:" + Fingerprint.ofString(posts.map { "\($0.id):\($0.language ?? "")" }.joined(separator: "\n"))
        return (posts, notes, inputs)
    }

    /// Codes `posts` on `workers` threads; results are in input order whatever the thread count.
    public static func codeAll(_ posts: [Post], workers: Int,
                               _ code: @Sendable (Post) -> [CategoryDecision]) -> [[CategoryDecision]] {
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

    /// Runs the lexicon coder of `codebook` over the posts.
    public func runLexicon(codebook: Codebook, options: CodeOptions) throws -> CodeSummary {
        let coder = LexiconCoder(codebook: codebook)
        return try run(coderName: coder.coderName, codebook: codebook, kind: "lexicon", options: options,
                       extraParameters: [:]) { post in coder.code(text: post.text, language: post.language) }
    }

    /// Shared by every automatic coder: load, code, replace the coder's rows in one transaction.
    public func run(coderName: String, codebook: Codebook, kind: String, options: CodeOptions,
                    extraParameters: [String: String],
                    code: @escaping @Sendable (Post) -> [CategoryDecision]) throws -> CodeSummary {
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
        let fingerprint = Fingerprint.ofString(codebook.fingerprint + "|" + coderName + "|" + inputs)
        let run = try StageRun.begin(db, stage: "code", parameters: parameters, inputFingerprint: fingerprint)
        do {
            let decisions = Self.codeAll(posts, workers: options.workers, code)
            var present = [Int](repeating: 0, count: codebook.categories.count)
            let rows = try db.transaction { () -> Int in
                try db.run("INSERT OR IGNORE INTO codebooks(name, version, fingerprint, yaml, loaded_at) VALUES (?, ?, ?, ?, ?)",
                           [.text(codebook.name), .text(codebook.version), .text(codebook.fingerprint),
                            .text(codebook.source), .text(Timestamp.now())])
                try db.run("DELETE FROM codings WHERE coder = ?", [.text(coderName)])
                let insert = try db.prepare("INSERT INTO codings(post_id, category, value, coder, evidence, confidence, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)")
                var written = 0
                for (post, postDecisions) in zip(posts, decisions) {
                    for (i, decision) in postDecisions.enumerated() {
                        if decision.value { present[i] += 1 }
                        insert.reset()
                        try insert.bind([.int(post.id), .text(decision.category), .int(decision.value ? 1 : 0),
                                         .text(coderName), .text(decision.evidence), .double(decision.confidence), .int(run.id)])
                        try insert.runToCompletion()
                        written += 1
                    }
                }
                if !options.allPosts { written += try inheritCopies(coder: coderName) }
                try db.run("INSERT INTO study_settings(key, value) VALUES ('primary_coder', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           [.text(primary)])
                try run.finish(rowsIn: posts.count, rowsOut: written, rejects: 0,
                               message: notes.isEmpty ? nil : notes.joined(separator: "; "))
                return written
            }
            return CodeSummary(runID: run.id, coder: coderName, postsCoded: posts.count, rowsWritten: rows, notes: notes,
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
        guard try tableExists("post_clusters") else { return 0 }
        try db.run("""
            INSERT INTO codings(post_id, category, value, coder, evidence, confidence, run_id)
            SELECT k.post_id, c.category, c.value, c.coder, '[{"rule":"inherited","from":' || k.canonical_post_id || '}]',
                   c.confidence, c.run_id
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
        lock.lock(); defer { lock.unlock() }
        let current = value
        value += 1
        return current
    }
}
