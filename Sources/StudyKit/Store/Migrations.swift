import Foundation

/// One step of the schema, applied once, in order. Never edit a released migration: add a new one.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
}

/// The ordered list of schema migrations. Each stage adds its own tables in its own migration;
/// docs/schema.md documents every table and column and must be kept in step with this list.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "core: study settings and runs", sql: coreSchema),
        Migration(version: 2, name: "ingest: source files, posts, duplicate records, rejects", sql: IngestSchema.sql),
        Migration(
            version: 3, name: "dedupe: clusters of exact copies, reposts and near-duplicates", sql: DedupeSchema.sql),
        Migration(version: 4, name: "language-detect: post languages", sql: LanguageDetectSchema.sql),
        Migration(version: 5, name: "code: codebooks and codings", sql: CodeSchema.sql),
        Migration(
            version: 6, name: "annotate: samples, assignments, progress, notes, agreement, validation",
            sql: AnnotateSchema.sql),
        Migration(
            version: 7, name: "aggregate: prevalence, co-occurrence, association, corrected, published, manifest",
            sql: AggregateSchema.sql),
        Migration(
            version: 8, name: "core: the process of each run; ingest: thread titles",
            sql: """
                ALTER TABLE runs ADD COLUMN host TEXT;
                ALTER TABLE runs ADD COLUMN pid INTEGER;
                ALTER TABLE runs ADD COLUMN process_start TEXT;
                ALTER TABLE posts ADD COLUMN thread_title TEXT;
                """),
        Migration(
            version: 9, name: "annotate: sample purpose, strategy and inclusion probabilities",
            sql: AnnotateSchema.samplePurposeSQL),
        Migration(
            version: 10,
            name: "aggregate: estimates by method (naive, human, PPI), association by method, "
                + "published figures with their scope; Rogan-Gladen table removed", sql: AggregateSchema.estimatesSQL),
        Migration(version: 11, name: "embed: post embeddings", sql: EmbedSchema.sql),
        Migration(
            version: 15, name: "annotate: adjudications with their basis, re-opened when a human coding changes",
            sql: AdjudicationSchema.sql),
        Migration(version: 16, name: "annotate: state of the keyword (FTS5) index", sql: KeywordIndexSchema.sql),
        Migration(
            version: 17, name: "ingest: search keyword and rounded counts (Xiaohongshu and Weibo)",
            sql: """
                ALTER TABLE posts ADD COLUMN search_keyword TEXT;
                ALTER TABLE posts ADD COLUMN counts_rounded INTEGER;
                """),
        Migration(
            version: 19, name: "browse: posts_overview view (language, cluster, primary coder's codes per post)",
            sql: BrowseSchema.sql),
    ]

    public static var currentVersion: Int { migrations.map(\.version).max() ?? 0 }

    static let coreSchema = """
        CREATE TABLE study_settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE runs (
            run_id            INTEGER PRIMARY KEY,
            stage             TEXT NOT NULL,
            tool_version      TEXT NOT NULL,
            parameters        TEXT NOT NULL,       -- JSON object of the options that shape the output
            input_fingerprint TEXT,                -- sha256 of the inputs this run read
            rows_in           INTEGER NOT NULL DEFAULT 0,
            rows_out          INTEGER NOT NULL DEFAULT 0,
            rejects           INTEGER NOT NULL DEFAULT 0,
            started_at        TEXT NOT NULL,
            finished_at       TEXT,
            status            TEXT NOT NULL
                              CHECK (status IN ('running', 'completed', 'failed', 'skipped', 'abandoned')),
            message           TEXT
        );
        CREATE INDEX runs_by_stage ON runs(stage, run_id);
        """
}

/// Applies pending migrations inside one transaction and refuses databases from the future.
enum Migrator {
    static func migrate(_ db: Database) throws {
        // Read-only check first, so that opening an up-to-date database takes no write lock.
        if try pendingMigrations(db).isEmpty { return }
        // Another process may migrate between the check and the lock: look again inside the transaction.
        try db.transaction {
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """)
            for migration in try pendingMigrations(db) {
                try db.execute(migration.sql)
                try db.run(
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                    [.int(Int64(migration.version)), .text(migration.name), .text(Timestamp.now())])
            }
        }
    }

    /// A read-only connection cannot migrate: it reads a study whose schema this tool knows,
    /// and says what to run when the file is older or newer.
    static func checkReadable(_ db: Database) throws {
        let pending = try pendingMigrations(db)
        guard !pending.isEmpty else { return }
        if try appliedVersion(db) == 0 {
            throw DatabaseError(
                message: "not a study database yet (no tables): run `ingest` to start a study here",
                path: db.path, code: 1)
        }
        throw DatabaseError(
            message: "this study's schema is older than these tools (missing: "
                + pending.map { "\($0.version) \($0.name)" }.joined(separator: "; ")
                + "). Run any stage that writes (for example `make`) once to upgrade it, then report again",
            path: db.path, code: 1)
    }

    static func appliedVersion(_ db: Database) throws -> Int {
        guard try db.tableExists("schema_migrations") else { return 0 }
        return try db.scalarInt("SELECT coalesce(max(version), 0) FROM schema_migrations") ?? 0
    }

    static func appliedVersions(_ db: Database) throws -> Set<Int> {
        guard try appliedVersion(db) > 0 else { return [] }
        return Set(try db.query("SELECT version FROM schema_migrations").compactMap { $0.int("version") })
    }

    private static func pendingMigrations(_ db: Database) throws -> [Migration] {
        let applied = try appliedVersions(db)
        let newest = applied.max() ?? 0
        if newest > Schema.currentVersion {
            throw DatabaseError(
                message: "this database has schema version \(newest), newer than this tool knows "
                    + "(\(Schema.currentVersion)). It was made by a newer version of the study tools: "
                    + "upgrade the tools (git pull && make), or use --db with another file.",
                path: db.path, code: 1)
        }
        return pending(Schema.migrations, applied: applied)
    }

    /// Every known migration not yet applied. Stages get their numbers in parallel, so a database
    /// may hold 7 but not 4 (merged later): pending means "not applied", not "above the newest".
    static func pending(_ migrations: [Migration], applied: Set<Int>) -> [Migration] {
        migrations.filter { !applied.contains($0.version) }
    }
}
