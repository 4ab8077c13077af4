import CSQLite
import Foundation

/// Migration 16: the state of the keyword index (the FTS5 table itself is created on first use).
enum KeywordIndexSchema {
    static let sql = """
        CREATE TABLE keyword_index (
            name            TEXT PRIMARY KEY,    -- the FTS5 table, 'posts_fts'
            definition      TEXT NOT NULL,       -- its FTS5 options (content table, tokenizer, detail)
            indexed_through INTEGER NOT NULL,    -- the highest posts.post_id in the index
            posts           INTEGER NOT NULL,    -- posts in the index
            built_at        TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            build_seconds   REAL NOT NULL        -- time the last full build took
        );
        """
}

/// An SQLite FTS5 index over `posts.text_nfkc` that narrows `annotate kwic` to the posts that can
/// match. It is built the first time kwic needs it, so studies that never search pay nothing;
/// once built, `ingest` keeps it current inside each file's transaction (`update`).
///
/// The trigram tokenizer indexes every sequence of three characters, so a phrase is found inside
/// words and in scripts without spaces (Chinese, Japanese) alike. The index is external-content
/// (it stores no copy of the text) and keeps no positions (`detail=none`): kwic asks for posts that
/// contain every trigram of the pattern and then checks each candidate itself, so positions would
/// only make the index larger.
public enum KeywordIndex {
    public static let table = "posts_fts"
    public static let definition =
        "text_nfkc, content='posts', content_rowid='post_id', tokenize='trigram', detail='none'"

    public struct State: Sendable, Equatable {
        public var indexedThrough: Int64
        public var posts: Int
        public var buildSeconds: Double
    }

    /// The index's state, or nil when it has not been built.
    public static func state(_ db: Database) throws -> State? {
        guard try db.tableExists("keyword_index"), try db.tableExists(table) else {
            return nil
        }
        return try db.query(
            "SELECT indexed_through, posts, build_seconds FROM keyword_index WHERE name = ?",
            [.text(table)]
        )
        .first.map {
            State(
                indexedThrough: try $0.required(int64: "indexed_through"),
                posts: try $0.required(int: "posts"),
                buildSeconds: try $0.required(double: "build_seconds"))
        }
    }

    /// True when every post is in the index (same count, same highest id).
    public static func isCurrent(_ db: Database, _ state: State) throws -> Bool {
        let row = try db.query("SELECT count(*) AS n, coalesce(max(post_id), 0) AS top FROM posts").first
        return row?.int("n") == state.posts && row?.int64("top") == state.indexedThrough
    }

    public enum Work: Sendable, Equatable { case none, update, build }

    /// What `prepare` would do: nothing, index the posts added since, or build from scratch (also
    /// when posts below the indexed id changed, which ingest never does).
    public static func pendingWork(_ db: Database) throws -> Work {
        guard let state = try state(db) else { return .build }
        if try isCurrent(db, state) { return .none }
        let below = try db.scalarInt("SELECT count(*) FROM posts WHERE post_id <= ?", [.int(state.indexedThrough)]) ?? 0
        return below == state.posts ? .update : .build
    }

    /// Builds or brings the index up to date; returns what was done.
    @discardableResult
    public static func prepare(_ db: Database) throws -> Work {
        let work = try pendingWork(db)
        switch work {
        case .none: break
        case .update: try db.transaction { try update(db) }
        case .build: try build(db)
        }
        return work
    }

    /// Builds the index from every post, in one transaction, recorded as a run.
    public static func build(_ db: Database) throws {
        let run = try StageRun.begin(db, stage: "annotate-kwic-index", parameters: ["definition": definition])
        let started = monotonicSeconds()
        try db.transaction {
            try db.execute("DROP TABLE IF EXISTS \(table)")
            try db.execute("CREATE VIRTUAL TABLE \(table) USING fts5(\(definition))")
            try db.execute("INSERT INTO \(table)(\(table)) VALUES ('rebuild')")
            try db.execute("INSERT INTO \(table)(\(table)) VALUES ('optimize')")
            let row = try db.query("SELECT count(*) AS n, coalesce(max(post_id), 0) AS top FROM posts").first
            let now = Timestamp.now()
            try db.run("DELETE FROM keyword_index WHERE name = ?", [.text(table)])
            try db.run(
                """
                INSERT INTO keyword_index(name, definition, indexed_through, posts, built_at, updated_at, build_seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(table), .text(definition), .from(row?.int64("top")), .from(row?.int("n")), .text(now),
                    .text(now), .double(monotonicSeconds() - started),
                ])
            try run.finish(rowsIn: row?.int("n") ?? 0, rowsOut: row?.int("n") ?? 0, rejects: 0)
        }
    }

    /// Indexes the posts stored since the index was last brought up to date; does nothing when the
    /// index has not been built. `ingest` calls this inside each file's transaction, so the file's
    /// posts and their index entries are committed (or rolled back) together.
    public static func update(_ db: Database) throws {
        guard let state = try state(db) else { return }
        let added = try db.scalarInt("SELECT count(*) FROM posts WHERE post_id > ?", [.int(state.indexedThrough)]) ?? 0
        guard added > 0 else { return }
        try db.run(
            "INSERT INTO \(table)(rowid, text_nfkc) SELECT post_id, text_nfkc FROM posts WHERE post_id > ?",
            [.int(state.indexedThrough)])
        try db.run(
            """
            UPDATE keyword_index SET indexed_through = (SELECT coalesce(max(post_id), 0) FROM posts), posts = posts + ?,
                                     updated_at = ?
            WHERE name = ?
            """, [.int(Int64(added)), .text(Timestamp.now()), .text(table)])
    }
}

extension DatabaseError {
    /// The study cannot be written here (a read-only file or folder): searches fall back to a scan.
    public var isWriteRefused: Bool { code & 0xFF == SQLITE_READONLY }
}
