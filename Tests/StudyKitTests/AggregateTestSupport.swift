import Foundation

@testable import StudyKit

/// Upstream tables aggregate reads, created here with the columns fixed in the conventions, because
/// their migrations (dedupe 3, language-detect 4, code 5) are written in parallel on other branches.
/// At merge time, replace this DDL with nothing: the real migrations will have made the tables.
enum UpstreamTablesForTests {
    static let ddl = """
        CREATE TABLE IF NOT EXISTS post_clusters (
            post_id INTEGER PRIMARY KEY REFERENCES posts, cluster_id INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK(kind IN ('unique','exact','repost','near')),
            canonical_post_id INTEGER NOT NULL, similarity REAL NOT NULL, run_id INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS post_languages (
            post_id INTEGER PRIMARY KEY REFERENCES posts, language TEXT NOT NULL, confidence REAL NOT NULL,
            detector TEXT NOT NULL, script TEXT, lang_hint TEXT, run_id INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS codebooks (
            codebook_id INTEGER PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE, yaml TEXT NOT NULL, loaded_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS codings (
            post_id INTEGER NOT NULL REFERENCES posts(post_id), category TEXT NOT NULL,
            value INTEGER NOT NULL CHECK (value IN (0, 1)), coder TEXT NOT NULL, evidence TEXT, confidence REAL,
            run_id INTEGER, PRIMARY KEY (post_id, category, coder)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS codings_by_coder ON codings(coder, category, value);
        """

    static func create(_ db: Database, except: Set<String> = []) throws {
        for statement in ddl.components(separatedBy: ";\n") {
            let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            if except.contains(where: { trimmed.contains("EXISTS \($0) ") || trimmed.contains("EXISTS \($0)(") }) {
                continue
            }
            try db.execute(trimmed)
        }
    }
}

/// A tiny study whose every number can be counted by hand (see AggregateTests for the counts).
enum AggregateFixture {
    static let coder = "lexicon:keep4o@1.0"
    static let categories = ["relevant", "choice_deprivation", "companion", "more_than_tool", "rights_protest"]

    /// id, platform, UTC day, language, canonical post id, categories coded 1.
    static let posts: [(Int, String, String, String, Int, [String])] = [
        (1, "x", "2025-08-06", "en", 1, ["relevant", "more_than_tool", "companion"]),
        (2, "x", "2025-08-06", "en", 2, ["relevant", "choice_deprivation", "rights_protest"]),
        (3, "x", "2025-08-07", "en", 2, ["relevant", "choice_deprivation", "rights_protest"]),  // near-duplicate of 2
        (4, "x", "2025-08-07", "en", 2, ["relevant", "choice_deprivation", "rights_protest"]),  // exact copy of 2
        (5, "reddit", "2025-08-07", "en", 5, ["relevant", "more_than_tool"]),
        (6, "reddit", "2025-08-07", "ja", 6, ["relevant", "companion", "more_than_tool"]),
        (7, "x", "2025-08-09", "ja", 7, ["relevant", "choice_deprivation"]),
        (8, "x", "2025-08-09", "ja", 8, []),
        (9, "x", "2025-08-09", "und", 9, ["relevant", "rights_protest"]),
        (10, "reddit", "2025-08-09", "en", 10, ["relevant", "rights_protest"]),
        (11, "x", "2025-08-09", "en", 11, []),
    ]

    /// The adjudicated validation sample: post id -> categories the reference coded 1.
    static let reference: [(Int, [String])] = [
        (1, ["relevant", "more_than_tool", "companion"]),
        (2, ["relevant", "choice_deprivation", "rights_protest", "more_than_tool"]),
        (5, ["relevant", "rights_protest"]),
        (7, ["relevant", "choice_deprivation"]),
        (8, ["relevant"]),
        (11, []),
    ]

    static func make(in dir: TemporaryDirectory, validation: Bool = false, upstream: Bool = true) throws -> Database {
        let db = try Database(path: dir.path("study.sqlite"))
        if upstream { try UpstreamTablesForTests.create(db) }
        try db.run(
            "INSERT INTO runs(run_id, stage, tool_version, parameters, started_at, status) "
                + "VALUES (1, 'ingest', 'test', '{}', 'now', 'completed')"
        )
        try db.run(
            "INSERT INTO runs(run_id, stage, tool_version, parameters, started_at, status) "
                + "VALUES (2, 'code', 'test', '{}', 'now', 'completed')"
        )
        try db.run(
            "INSERT INTO source_files(source_file_id, path, fingerprint, size_bytes, format, run_id, records_read, "
                + "records_stored, duplicate_ids, records_rejected) "
                + "VALUES (1, 'fixture', 'f1', 0, 'x-v2-json', 1, 11, 11, 0, 0)"
        )
        for (id, platform, day, language, canonical, positives) in posts {
            let unix =
                Timestamp.daysFromCivil(
                    year: Int64(day.prefix(4))!, month: Int64(day.dropFirst(5).prefix(2))!, day: Int64(day.suffix(2))!)
                * 86_400 + 3600
            try db.run(
                "INSERT INTO posts(post_id, platform, external_id, created_at, created_unix, text, source_file_id, "
                    + "source_line) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                [
                    .int(Int64(id)), .text(platform), .text("e\(id)"), .text(day + "T01:00:00Z"), .int(unix),
                    .text("post \(id), with \"quotes\""), .int(Int64(id)),
                ])
            guard upstream else { continue }
            try db.run(
                "INSERT INTO post_clusters VALUES (?, ?, ?, ?, 1.0, 1)",
                [
                    .int(Int64(id)), .int(Int64(canonical)), .text(canonical == id ? "unique" : "near"),
                    .int(Int64(canonical)),
                ])
            try db.run(
                "INSERT INTO post_languages(post_id, language, confidence, detector, guess, und_reason, text_chars, "
                    + "run_id) VALUES (?1, ?2, 0.9, 'combined', ?2, CASE ?2 WHEN 'und' THEN 'uncertain' END, 10, 1)",
                [.int(Int64(id)), .text(language)])
            for category in categories {
                try db.run(
                    "INSERT INTO codings VALUES (?, ?, ?, ?, NULL, 1.0, 2)",
                    [.int(Int64(id)), .text(category), .int(positives.contains(category) ? 1 : 0), .text(coder)])
            }
        }
        if upstream {
            try db.run(
                "INSERT INTO codebooks(name, version, fingerprint, yaml, loaded_at) "
                    + "VALUES ('keep4o', '1.0', 'cb1', 'name: keep4o\ngate: relevant\n', 'now')"
            )
        }
        if validation {
            // A simple random validation sample of 7 of the 9 canonical posts; post 6 is not labelled yet.
            try db.run(
                "INSERT INTO runs(run_id, stage, tool_version, parameters, started_at, status) "
                    + "VALUES (3, 'annotate-sample', 'test', '{}', 'now', 'completed')"
            )
            try db.run(
                """
                INSERT INTO samples(sample_id, name, codebook_fingerprint, seed, parameters, population, size,
                                    created_at, run_id, purpose, strategy)
                VALUES (1, 'validation', 'cb1', 1, '{}', 9, 7, 'now', 3, 'validation', 'random')
                """)
            for (position, id) in (reference.map(\.0) + [6]).sorted().enumerated() {
                try db.run(
                    """
                    INSERT INTO sample_posts(sample_id, post_id, position, stratum, stratum_population, stratum_sampled,
                                             weight, inclusion_probability)
                    VALUES (1, ?, ?, 'all', 9, 7, ?, ?)
                    """, [.int(Int64(id)), .int(Int64(position + 1)), .double(9.0 / 7.0), .double(7.0 / 9.0)])
            }
            for (id, positives) in reference {
                for category in categories {
                    try db.run(
                        "INSERT INTO codings VALUES (?, ?, ?, 'adjudicated', NULL, NULL, NULL)",
                        [.int(Int64(id)), .text(category), .int(positives.contains(category) ? 1 : 0)])
                }
            }
        }
        return db
    }
}
