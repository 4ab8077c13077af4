/// Tables of the `code` stage (migration 5). Documented in docs/schema.md.
enum CodeSchema {
    static let sql = """
        CREATE TABLE codebooks (
            codebook_id INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            version     TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE,   -- sha256 of the YAML text
            yaml        TEXT NOT NULL,
            loaded_at   TEXT NOT NULL
        );
        CREATE TABLE codings (
            post_id    INTEGER NOT NULL REFERENCES posts(post_id),
            category   TEXT NOT NULL,
            value      INTEGER NOT NULL CHECK (value IN (0, 1)),
            coder      TEXT NOT NULL,           -- 'lexicon:keep4o@1.0', 'supervised:keep4o@…',
                                                -- 'human:alice', 'adjudicated'
            evidence   TEXT,                    -- JSON array
            confidence REAL,
            run_id     INTEGER,
            PRIMARY KEY (post_id, category, coder)
        ) WITHOUT ROWID;
        CREATE INDEX codings_by_coder ON codings(coder, category, value);
        """
}
