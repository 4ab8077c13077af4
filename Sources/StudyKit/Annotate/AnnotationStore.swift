import Foundation

/// A post as a coder sees it.
public struct SamplePost: Sendable, Equatable {
    public var postID: Int64
    public var position: Int
    public var platform: String
    public var language: String
    public var createdAt: String
    public var text: String
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

    public init(db: Database, sample: SampleRef, coder: String, runID: Int64? = nil, language: String = "en") throws {
        try requireTables(db, ["codings": "code", "codebooks": "code"])
        self.db = db
        self.sample = sample
        self.coder = coder
        self.runID = runID
        scheme = try annotationCategories(from: StoredCodebook.load(db, fingerprint: sample.codebookFingerprint), language: language)
    }

    /// The coder's posts in sample order: their assignment when the sample was split between
    /// named coders, else every post of the sample.
    public func posts() throws -> [SamplePost] {
        let assigned = try db.scalarInt("SELECT count(*) FROM sample_assignments WHERE sample_id = ?", [.int(sample.id)]) ?? 0
        let mine = try db.scalarInt("SELECT count(*) FROM sample_assignments WHERE sample_id = ? AND coder = ?", [.int(sample.id), .text(coder)]) ?? 0
        if assigned > 0 && mine == 0 && coder != HumanCoder.adjudicated {
            let coders = try db.query("SELECT DISTINCT coder FROM sample_assignments WHERE sample_id = ? ORDER BY 1", [.int(sample.id)]).compactMap { $0.text(0) }
            throw AnnotateError("sample '\(sample.name)' is assigned to \(coders.joined(separator: ", ")), not to \(coder)")
        }
        let hasLanguages = try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'post_languages'") ?? 0
        let language = hasLanguages > 0 ? "coalesce((SELECT language FROM post_languages l WHERE l.post_id = p.post_id), p.lang_hint, 'und')" : "coalesce(p.lang_hint, 'und')"
        let filter = assigned > 0 && mine > 0
            ? "AND EXISTS (SELECT 1 FROM sample_assignments a WHERE a.sample_id = s.sample_id AND a.post_id = s.post_id AND a.coder = ?)" : ""
        var values: [SQLValue] = [.int(sample.id)]
        if !filter.isEmpty { values.append(.text(coder)) }
        return try db.query("""
            SELECT p.post_id, s.position, p.platform, \(language), p.created_at, p.text
            FROM sample_posts s JOIN posts p ON p.post_id = s.post_id
            WHERE s.sample_id = ? \(filter)
            ORDER BY s.position
            """, values).map {
            SamplePost(postID: Int64($0.int(0)!), position: $0.int(1)!, platform: $0.text(2)!, language: $0.text(3)!,
                       createdAt: $0.text(4)!, text: $0.text(5)!)
        }
    }

    /// Every decision this coder has stored for this sample.
    public func decisions() throws -> [Int64: Decision] {
        var result: [Int64: Decision] = [:]
        for row in try db.query("SELECT post_id, status, seconds FROM annotation_progress WHERE sample_id = ? AND coder = ?",
                                [.int(sample.id), .text(coder)]) {
            result[Int64(row.int(0)!)] = Decision(status: Decision.Status(rawValue: row.text(1)!) ?? .skipped, seconds: row.double(2))
        }
        for row in try db.query("""
            SELECT c.post_id, c.category FROM codings c JOIN annotation_progress a
              ON a.post_id = c.post_id AND a.coder = c.coder AND a.sample_id = ? AND a.status = 'coded'
            WHERE c.coder = ? AND c.value = 1
            """, [.int(sample.id), .text(coder)]) {
            result[Int64(row.int(0)!)]?.present.insert(row.text(1)!)
        }
        return result
    }

    public func notes() throws -> [Int64: String] {
        var result: [Int64: String] = [:]
        for row in try db.query("SELECT post_id, note FROM annotation_notes WHERE sample_id = ? AND coder = ?", [.int(sample.id), .text(coder)]) {
            result[Int64(row.int(0)!)] = row.text(1)!
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
            try db.run("DELETE FROM annotation_progress WHERE sample_id = ? AND coder = ? AND post_id = ?",
                       [.int(sample.id), .text(coder), .int(postID)])
            return
        }
        if decision.status == .coded {
            for category in scheme.categories {
                try db.run("""
                    INSERT INTO codings(post_id, category, value, coder, evidence, confidence, run_id)
                    VALUES (?, ?, ?, ?, ?, NULL, ?)
                    """, [.int(postID), .text(category.id), .from(decision.present.contains(category.id)), .text(coder),
                          .text("[{\"sample\":\(jsonString(sample.name))}]"), .from(runID)])
            }
        }
        try db.run("""
            INSERT INTO annotation_progress(sample_id, coder, post_id, status, seconds, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(sample_id, coder, post_id) DO UPDATE SET status = excluded.status,
                seconds = coalesce(excluded.seconds, seconds), updated_at = excluded.updated_at
            """, [.int(sample.id), .text(coder), .int(postID), .text(decision.status.rawValue), .from(decision.seconds), .text(Timestamp.now())])
    }

    public func saveNote(postID: Int64, _ note: String?) throws {
        if let note, !note.isEmpty {
            try db.run("""
                INSERT INTO annotation_notes(sample_id, coder, post_id, note, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(sample_id, coder, post_id) DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at
                """, [.int(sample.id), .text(coder), .int(postID), .text(note), .text(Timestamp.now())])
        } else {
            try db.run("DELETE FROM annotation_notes WHERE sample_id = ? AND coder = ? AND post_id = ?", [.int(sample.id), .text(coder), .int(postID)])
        }
    }
}
