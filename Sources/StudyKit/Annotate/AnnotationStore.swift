import Foundation

/// A post as a coder sees it, with the context the coding screen shows above it.
public struct SamplePost: Sendable, Equatable {
    public var postID: Int64
    public var position: Int
    public var platform: String
    public var language: String
    public var createdAt: String
    public var text: String
    /// The thread's title (`posts.thread_title`), else the first line of the thread's first post.
    public var threadTitle: String? = nil
    /// The text of the post this one replies to, quotes or reposts, when it is in the study.
    public var parentText: String? = nil
    /// "reply to", "quoting" or "repost of".
    public var parentRelation: String? = nil
    /// Posts in its duplicate cluster (dedupe's `clusters.size`), nil before dedupe has run.
    public var clusterSize: Int? = nil
}

extension SamplePost: RowDecodable {
    public init(row: Row) throws {
        postID = try row.required(int64: "post_id")
        position = try row.required(int: "position")
        platform = try row.required(text: "platform")
        language = try row.required(text: "language")
        createdAt = try row.required(text: "created_at")
        text = try row.required(text: "text")
        threadTitle = row.text("thread_title")
        parentText = row.text("parent_text")
        parentRelation = row.text("parent_relation")
        clusterSize = row.int("cluster_size")
    }
}

/// A coder's decision on one post: coded (with the categories set present; every other category
/// is stored as 0) or skipped. "Not yet seen" is the absence of a decision.
public struct Decision: Sendable, Equatable {
    public enum Status: String, Sendable { case coded, skipped }
    public var status: Status
    public var present: Set<String>
    public var seconds: Double?

    public init(status: Status, present: Set<String> = [], seconds: Double? = nil) {
        self.status = status
        self.present = present
        self.seconds = seconds
    }
}

/// Reads a coder's posts and decisions and writes each decision at once, in its own transaction:
/// the codings of every category and the progress row land together, so a crash or a second
/// coder writing at the same moment (WAL, busy timeout) never leaves a half-saved post.
public final class AnnotationStore {
    public let db: Database
    public let sample: SampleRef
    public let coder: String
    public let scheme: AnnotationScheme
    /// The run recorded with every coding written (the coding session's run).
    public var runID: Int64?
    /// For the 'adjudicated' coder: how its decisions settle posts, and who settles them.
    public var settlementMethod: Adjudication.Method = .adjudicator
    public var adjudicator: String?

    public init(db: Database, sample: SampleRef, coder: String, runID: Int64? = nil, language: String = "en") throws {
        try requireTables(db, ["codings": "code", "codebooks": "code"])
        self.db = db
        self.sample = sample
        self.coder = coder
        self.runID = runID
        scheme = try annotationCategories(
            from: StoredCodebook.load(db, fingerprint: sample.codebookFingerprint), language: language)
    }

    /// The coder's posts in sample order: their assignment when the sample was split between
    /// named coders, else every post of the sample.
    public func posts() throws -> [SamplePost] {
        let assigned =
            try db.scalarInt("SELECT count(*) FROM sample_assignments WHERE sample_id = ?", [.int(sample.id)]) ?? 0
        let mine =
            try db.scalarInt(
                "SELECT count(*) FROM sample_assignments WHERE sample_id = ? AND coder = ?",
                [.int(sample.id), .text(coder)]) ?? 0
        if assigned > 0 && mine == 0 && coder != HumanCoder.adjudicated {
            let coders = try db.query(
                "SELECT DISTINCT coder FROM sample_assignments WHERE sample_id = ? ORDER BY coder",
                [.int(sample.id)]
            ).compactMap { $0.text("coder") }
            throw AnnotateError(
                "sample '\(sample.name)' is assigned to \(coders.joined(separator: ", ")), not to \(coder)")
        }
        let onlyMine = assigned > 0 && mine > 0
        let filter =
            onlyMine
            ? """
            AND EXISTS (SELECT 1 FROM sample_assignments a
                        WHERE a.sample_id = s.sample_id AND a.post_id = s.post_id AND a.coder = ?2)
            """ : ""
        let language = try PostContext.languageSQL(db), context = try PostContext.columnsSQL(db)
        return try db.fetchAll(
            SamplePost.self,
            """
            SELECT p.post_id, s.position, p.platform, \(language) AS language, p.created_at, p.text,
                   \(context)
            FROM sample_posts s JOIN posts p ON p.post_id = s.post_id
            WHERE s.sample_id = ?1 \(filter)
            ORDER BY s.position
            """, onlyMine ? [.int(sample.id), .text(coder)] : [.int(sample.id)])
    }

    /// Every decision this coder has stored for this sample.
    public func decisions() throws -> [Int64: Decision] {
        var result: [Int64: Decision] = [:]
        try db.forEachRow(
            "SELECT post_id, status, seconds FROM annotation_progress WHERE sample_id = ? AND coder = ?",
            [.int(sample.id), .text(coder)]
        ) { row in
            let status = Decision.Status(rawValue: try row.required(text: "status")) ?? .skipped
            result[try row.required(int64: "post_id")] = Decision(status: status, seconds: row.double("seconds"))
        }
        try db.forEachRow(
            """
            SELECT c.post_id, c.category FROM codings c JOIN annotation_progress a
              ON a.post_id = c.post_id AND a.coder = c.coder AND a.sample_id = ? AND a.status = 'coded'
            WHERE c.coder = ? AND c.value = 1
            """, [.int(sample.id), .text(coder)]
        ) { row in
            result[try row.required(int64: "post_id")]?.present.insert(try row.required(text: "category"))
        }
        return result
    }

    public func notes() throws -> [Int64: String] {
        var result: [Int64: String] = [:]
        try db.forEachRow(
            "SELECT post_id, note FROM annotation_notes WHERE sample_id = ? AND coder = ?",
            [.int(sample.id), .text(coder)]
        ) { row in
            result[try row.required(int64: "post_id")] = try row.required(text: "note")
        }
        return result
    }

    /// Stores a decision, or removes it (nil) so the post is "not yet coded" again (undo).
    public func save(postID: Int64, _ decision: Decision?) throws {
        try db.transaction { try write(postID: postID, decision) }
    }

    /// The write itself, for callers that batch several posts in their own transaction (import).
    func write(postID: Int64, _ decision: Decision?) throws {
        try db.run("DELETE FROM codings WHERE post_id = ? AND coder = ?", [.int(postID), .text(coder)])
        guard let decision else {
            try db.run(
                "DELETE FROM annotation_progress WHERE sample_id = ? AND coder = ? AND post_id = ?",
                [.int(sample.id), .text(coder), .int(postID)])
            try recordSettlement(postID: postID, nil)
            return
        }
        if decision.status == .coded {
            for category in scheme.categories {
                try db.run(
                    """
                    INSERT INTO codings(post_id, category, value, coder, evidence, confidence, run_id)
                    VALUES (?, ?, ?, ?, ?, NULL, ?)
                    """,
                    [
                        .int(postID), .text(category.id), .from(decision.present.contains(category.id)), .text(coder),
                        .text("[{\"sample\":\(jsonString(sample.name))}]"), .from(runID),
                    ])
            }
        }
        try db.run(
            """
            INSERT INTO annotation_progress(sample_id, coder, post_id, status, seconds, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(sample_id, coder, post_id) DO UPDATE SET status = excluded.status,
                seconds = coalesce(excluded.seconds, seconds), updated_at = excluded.updated_at
            """,
            [
                .int(sample.id), .text(coder), .int(postID), .text(decision.status.rawValue), .from(decision.seconds),
                .text(Timestamp.now()),
            ])
        try recordSettlement(postID: postID, decision)
    }

    /// An 'adjudicated' decision settles the post (or, removed or skipped, un-settles it).
    private func recordSettlement(postID: Int64, _ decision: Decision?) throws {
        guard coder == HumanCoder.adjudicated else { return }
        try Adjudication.recordSettlement(
            db, sample: sample, postID: postID, decision: decision,
            method: settlementMethod, adjudicator: adjudicator, runID: runID)
    }

    public func saveNote(postID: Int64, _ note: String?) throws {
        if let note, !note.isEmpty {
            try db.run(
                """
                INSERT INTO annotation_notes(sample_id, coder, post_id, note, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(sample_id, coder, post_id) DO UPDATE SET note = excluded.note,
                    updated_at = excluded.updated_at
                """, [.int(sample.id), .text(coder), .int(postID), .text(note), .text(Timestamp.now())])
        } else {
            try db.run(
                "DELETE FROM annotation_notes WHERE sample_id = ? AND coder = ? AND post_id = ?",
                [.int(sample.id), .text(coder), .int(postID)])
        }
    }
}
