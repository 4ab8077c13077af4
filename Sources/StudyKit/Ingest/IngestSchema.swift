/// Tables owned by `ingest`. Documented column by column in docs/schema.md.
enum IngestSchema {
    static let sql = """
        CREATE TABLE source_files (
            source_file_id   INTEGER PRIMARY KEY,
            path             TEXT NOT NULL,          -- as given on the command line
            fingerprint      TEXT NOT NULL UNIQUE,   -- sha256 of the file's bytes
            size_bytes       INTEGER NOT NULL,
            format           TEXT NOT NULL,          -- x-v2-json | csv | reddit-ndjson
            csv_mapping      TEXT,                   -- JSON of the column mapping, CSV only
            run_id           INTEGER NOT NULL REFERENCES runs(run_id),
            records_read     INTEGER NOT NULL,
            records_stored   INTEGER NOT NULL,
            duplicate_ids    INTEGER NOT NULL,
            records_rejected INTEGER NOT NULL
        );

        CREATE TABLE posts (
            post_id            INTEGER PRIMARY KEY,
            platform           TEXT NOT NULL,        -- x | reddit | a CSV mapping's platform
            external_id        TEXT NOT NULL,        -- the platform's own id
            author_key         TEXT,                 -- HMAC-SHA256(study salt, platform:author) hex;
                                                     -- NULL when deleted/unknown
            author_handle      TEXT,                 -- NULL unless ingest ran with --keep-handles
            created_at         TEXT NOT NULL,        -- ISO 8601 UTC
            created_unix       INTEGER NOT NULL,
            text               TEXT NOT NULL,        -- as given (long X posts: note_tweet text)
            nfkc_if_different  TEXT,                 -- NFKC form of text, stored only when it differs from text
            text_nfkc          TEXT GENERATED ALWAYS AS (coalesce(nfkc_if_different, text))
                               VIRTUAL,              -- NFKC form, for matching
            lang_hint          TEXT,                 -- the platform's language tag, if any
            reposted_id        TEXT,                 -- external id of the reposted post
            replied_to_id      TEXT,                 -- external id of the parent post or comment
            quoted_id          TEXT,                 -- external id of the quoted post
            conversation_id    TEXT,                 -- X conversation or Reddit submission id
            community          TEXT,                 -- subreddit, when there is one
            like_count         INTEGER,
            repost_count       INTEGER,
            reply_count        INTEGER,
            quote_count        INTEGER,
            is_repost          INTEGER GENERATED ALWAYS AS (reposted_id IS NOT NULL) VIRTUAL,
            is_reply           INTEGER GENERATED ALWAYS AS (replied_to_id IS NOT NULL) VIRTUAL,
            is_quote           INTEGER GENERATED ALWAYS AS (quoted_id IS NOT NULL) VIRTUAL,
            parent_external_id TEXT GENERATED ALWAYS AS (coalesce(reposted_id, replied_to_id, quoted_id)) VIRTUAL,
            source_file_id     INTEGER NOT NULL REFERENCES source_files(source_file_id),
            source_line        INTEGER NOT NULL,
            UNIQUE (platform, external_id)
        );
        CREATE INDEX posts_by_time ON posts(created_unix);

        CREATE TABLE duplicate_records (
            duplicate_id    INTEGER PRIMARY KEY,
            post_id         INTEGER NOT NULL REFERENCES posts(post_id),  -- the copy that was stored first
            source_file_id  INTEGER NOT NULL REFERENCES source_files(source_file_id),
            source_line     INTEGER NOT NULL,
            same_text       INTEGER NOT NULL     -- 1 when the text equals the stored copy's text
        );

        CREATE TABLE rejects (
            reject_id       INTEGER PRIMARY KEY,
            source_file_id  INTEGER NOT NULL REFERENCES source_files(source_file_id),
            source_line     INTEGER NOT NULL,    -- 1-based line where the record starts
            record_index    INTEGER,             -- position inside a multi-post line (X envelopes)
            reason_code     TEXT NOT NULL,
            reason          TEXT NOT NULL,
            raw             BLOB NOT NULL,       -- the record's bytes, at most 4 KiB
            raw_size        INTEGER NOT NULL     -- the record's full size in bytes
        );

        -- Rejects with their file name and the start of the raw record, for reading in a shell.
        CREATE VIEW rejects_explained AS
            SELECT f.path AS file, r.source_line AS line, r.record_index, r.reason_code, r.reason,
                   substr(CAST(r.raw AS TEXT), 1, 120) AS raw_start
            FROM rejects r JOIN source_files f USING (source_file_id)
            ORDER BY f.path, r.source_line, r.record_index;
        """
}
