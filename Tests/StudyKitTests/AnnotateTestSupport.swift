import Foundation
import XCTest

@testable import StudyKit

/// A small codebook with a gate and an implication, in the `code` stage's YAML format.
let testCodebookYAML = """
    name: testbook
    version: "0.1"
    languages: [en, ja]
    gate: relevant
    implications:
      - companion implies attachment
    categories:
      - id: relevant
        label: {en: "Relevant", ja: 関連}
        definition: About the retirement of GPT-4o.
        include: [pleas to keep 4o]
        exclude: [other chatbots]
      - id: companion
        label: {en: "Companion"}
        definition: The model is described as a friend or partner.
      - id: attachment
        label: {en: "Attachment"}
        definition: Emotional attachment to the model.
      - id: grief
        label: {en: "Grief"}
        definition: Mourning the loss.
    """

/// Creates the upstream tables that other stages own (dedupe, language-detect, code) with their
/// documented columns. ONE helper, to be replaced by their migrations when they land on main.
func createUpstreamTables(_ db: Database) throws {
    try db.execute(
        """
        CREATE TABLE IF NOT EXISTS post_clusters(post_id INTEGER PRIMARY KEY REFERENCES posts,
            cluster_id INTEGER NOT NULL, kind TEXT NOT NULL, canonical_post_id INTEGER NOT NULL,
            similarity REAL NOT NULL, run_id INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS post_languages(post_id INTEGER PRIMARY KEY REFERENCES posts, language TEXT NOT NULL,
            confidence REAL NOT NULL, detector TEXT NOT NULL, script TEXT, lang_hint TEXT, run_id INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS codebooks(codebook_id INTEGER PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE, yaml TEXT NOT NULL, loaded_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS codings(post_id INTEGER NOT NULL REFERENCES posts(post_id), category TEXT NOT NULL,
            value INTEGER NOT NULL CHECK (value IN (0, 1)), coder TEXT NOT NULL, evidence TEXT, confidence REAL,
            run_id INTEGER, PRIMARY KEY (post_id, category, coder)) WITHOUT ROWID;
        """)
}

struct TestPost {
    var text: String
    var language: String
    var auto: Set<String>  // the automated coder's positive categories
    var duplicateOf: Int? = nil  // index of the canonical post
}

/// A study database with posts, clusters, languages, the test codebook and lexicon codings.
func makeAnnotateStudy(in dir: TemporaryDirectory, posts: [TestPost]) throws -> Database {
    let db = try Database(path: dir.path("study.sqlite"))
    try createUpstreamTables(db)
    try db.transaction {
        try db.run(
            "INSERT INTO runs(run_id, stage, tool_version, parameters, started_at, status) "
                + "VALUES (1, 'test', '0', '{}', 'now', 'completed')"
        )
        try db.run(
            "INSERT INTO source_files(source_file_id, path, fingerprint, size_bytes, format, run_id, records_read, "
                + "records_stored, duplicate_ids, records_rejected) VALUES (1, 'test', 'f', 0, 'csv', 1, 0, 0, 0, 0)"
        )
        try db.run(
            "INSERT INTO codebooks(name, version, fingerprint, yaml, loaded_at) "
                + "VALUES ('testbook', '0.1', 'fp-testbook', ?, 'now')",
            [.text(testCodebookYAML)])
        for (i, post) in posts.enumerated() {
            let id = Int64(i + 1)
            try db.run(
                """
                INSERT INTO posts(post_id, platform, external_id, created_at, created_unix, text, source_file_id,
                                  source_line)
                VALUES (?, 'x', ?, ?, ?, ?, 1, ?)
                """,
                [
                    .int(id), .text("ext\(id)"), .text("2025-08-0\(1 + i % 9)T12:00:00Z"), .int(1_754_000_000 + id),
                    .text(post.text), .int(id),
                ])
            let canonical = post.duplicateOf.map { Int64($0 + 1) } ?? id
            try db.run(
                "INSERT INTO post_clusters VALUES (?, ?, ?, ?, 1.0, 1)",
                [.int(id), .int(canonical), .text(canonical == id ? "unique" : "exact"), .int(canonical)])
            try db.run(
                "INSERT INTO post_languages(post_id, language, confidence, detector, guess, und_reason, text_chars, "
                    + "run_id) VALUES (?1, ?2, 0.9, 'test', ?2, CASE ?2 WHEN 'und' THEN 'uncertain' END, 10, 1)",
                [.int(id), .text(post.language)])
            for category in ["relevant", "companion", "attachment", "grief"] {
                try db.run(
                    "INSERT INTO codings VALUES (?, ?, ?, 'lexicon:testbook@0.1', '[]', NULL, 1)",
                    [.int(id), .text(category), .from(post.auto.contains(category))])
            }
        }
    }
    return db
}

/// 60 posts: English and Japanese, mostly irrelevant, a few relevant, 3 with the rare 'grief'.
func standardTestPosts() -> [TestPost] {
    (0..<60).map { i in
        let language = i % 3 == 0 ? "ja" : "en"
        var auto: Set<String> = []
        if i % 2 == 0 { auto.insert("relevant") }
        if i % 10 == 0 { auto.formUnion(["companion", "attachment"]) }
        if i == 4 || i == 22 || i == 38 { auto.insert("grief") }
        let text =
            language == "ja"
            ? "4oがいなくなって寂しい。投稿\(i)番、友達みたいだった🥲"
            : "Post \(i): bring back GPT-4o, it was my friend 👩‍👩‍👧 café"
        return TestPost(text: text, language: language, auto: auto, duplicateOf: i == 59 ? 58 : nil)
    }
}

/// A sample whose posts are exactly `posts`, in that order (no draw), so a test knows which post
/// the coding screen shows first. `assignments` splits it between named coders.
@discardableResult
func makeSample(
    _ db: Database, name: String, posts: [Int64],
    assignments: [String: [Int64]] = [:]
) throws -> SampleRef {
    try db.transaction {
        try db.run(
            """
            INSERT INTO samples(name, codebook_fingerprint, seed, parameters, population, size, created_at, run_id)
            VALUES (?, 'fp-testbook', 1, '{}', ?, ?, 'now', 1)
            """, [.text(name), .int(Int64(posts.count)), .int(Int64(posts.count))])
        let id = db.lastInsertRowID
        for (i, post) in posts.enumerated() {
            try db.run(
                """
                INSERT INTO sample_posts(sample_id, post_id, position, stratum, stratum_population, stratum_sampled,
                                         weight)
                VALUES (?, ?, ?, 'all', ?, ?, 1.0)
                """,
                [.int(id), .int(post), .int(Int64(i + 1)), .int(Int64(posts.count)), .int(Int64(posts.count))])
        }
        for (coder, assigned) in assignments {
            for post in assigned {
                try db.run(
                    "INSERT INTO sample_assignments VALUES (?, ?, ?, 0)",
                    [.int(id), .text(HumanCoder.id(coder)), .int(post)])
            }
        }
    }
    return try SampleRef.find(db, name)
}
