/// Migration 15: settled decisions and what they were settled on, so that a later change of a
/// human coding re-opens them. Documented column by column in docs/schema.md.
///
/// Staleness is kept by triggers on `annotation_progress`, the one row every human decision writes
/// last (after its codings, in the same transaction): whatever changes a coder's decision (the
/// coding screen, `annotate import`, an undo, a hand edit in sqlite3 that goes through the progress
/// row), the adjudications of that post are compared with their basis again. The comparison is
/// exact, so re-saving the same decision, or changing it and changing it back, leaves the
/// settlement current.
enum AdjudicationSchema {
    static let sql = """
        CREATE TABLE adjudications (
            sample_id      INTEGER NOT NULL REFERENCES samples(sample_id),
            post_id        INTEGER NOT NULL REFERENCES posts(post_id),
            method         TEXT NOT NULL CHECK (method IN ('unanimous', 'adjudicator', 'import', 'backfill')),
            adjudicator    TEXT,                 -- who settled it on screen or by import; NULL when unanimous
            settled_at     TEXT NOT NULL,
            changed_coders TEXT,                 -- human coders whose decision differs from the basis, or NULL
            stale_since    TEXT,                 -- when the first such change happened; NULL while current
            run_id         INTEGER REFERENCES runs(run_id),
            PRIMARY KEY (sample_id, post_id)
        ) WITHOUT ROWID;
        CREATE TABLE adjudication_basis (
            sample_id INTEGER NOT NULL,
            post_id   INTEGER NOT NULL,
            coder     TEXT NOT NULL,             -- 'human:alice'
            status    TEXT NOT NULL CHECK (status IN ('coded', 'skipped')),
            present   TEXT NOT NULL,             -- JSON array of the categories the coder marked present
            PRIMARY KEY (sample_id, post_id, coder),
            FOREIGN KEY (sample_id, post_id) REFERENCES adjudications(sample_id, post_id) ON DELETE CASCADE
        ) WITHOUT ROWID;

        -- Per settled post: the human coders whose current decision is not the one it was settled on
        -- (changed, removed, or made after it), comma-separated; NULL when none.
        CREATE VIEW adjudication_drift AS
        SELECT j.sample_id, j.post_id, (
            SELECT group_concat(coder, ', ') FROM (
                SELECT a.coder FROM annotation_progress a
                WHERE a.sample_id = j.sample_id AND a.post_id = j.post_id AND a.coder LIKE 'human:%'
                  AND NOT EXISTS (
                    SELECT 1 FROM adjudication_basis b
                    WHERE b.sample_id = a.sample_id AND b.post_id = a.post_id AND b.coder = a.coder
                      AND b.status = a.status
                      AND (a.status = 'skipped' OR (
                        (SELECT count(*) FROM codings c
                         WHERE c.post_id = a.post_id AND c.coder = a.coder AND c.value = 1)
                            = json_array_length(b.present)
                        AND NOT EXISTS (SELECT 1 FROM codings c
                                        WHERE c.post_id = a.post_id AND c.coder = a.coder AND c.value = 1
                                          AND c.category NOT IN (SELECT value FROM json_each(b.present))))))
                UNION
                SELECT b.coder FROM adjudication_basis b
                WHERE b.sample_id = j.sample_id AND b.post_id = j.post_id
                  AND NOT EXISTS (SELECT 1 FROM annotation_progress a
                                  WHERE a.sample_id = b.sample_id AND a.post_id = b.post_id AND a.coder = b.coder)
                ORDER BY 1)
            ) AS changed_coders
        FROM adjudications j;

        \(trigger("insert", "INSERT", row: "NEW"))
        \(trigger("update", "UPDATE", row: "NEW"))
        \(trigger("delete", "DELETE", row: "OLD"))

        -- Settlements made before this migration: their basis is the human decisions as they are now.
        INSERT INTO adjudications(sample_id, post_id, method, adjudicator, settled_at, run_id)
            SELECT sample_id, post_id, 'backfill', NULL, updated_at, NULL
            FROM annotation_progress WHERE coder = 'adjudicated' AND status = 'coded';
        \(snapshotSQL(scope: "(a.sample_id, a.post_id) IN (SELECT sample_id, post_id FROM adjudications)"))
        """

    /// Re-compares the settlements of the post a human decision belongs to.
    static func trigger(_ name: String, _ event: String, row: String) -> String {
        """
        CREATE TRIGGER adjudication_stale_after_\(name) AFTER \(event) ON annotation_progress
        WHEN \(row).coder LIKE 'human:%'
        BEGIN
            UPDATE adjudications SET changed_coders = (
                SELECT d.changed_coders FROM adjudication_drift d
                WHERE d.sample_id = adjudications.sample_id AND d.post_id = adjudications.post_id)
            WHERE sample_id = \(row).sample_id AND post_id = \(row).post_id;
            UPDATE adjudications SET stale_since = CASE
                    WHEN changed_coders IS NULL THEN NULL
                    ELSE coalesce(stale_since, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) END
            WHERE sample_id = \(row).sample_id AND post_id = \(row).post_id;
        END;
        """
    }

    /// Copies the current human decisions of the posts `scope` selects into `adjudication_basis`.
    static func snapshotSQL(scope: String) -> String {
        """
        INSERT INTO adjudication_basis(sample_id, post_id, coder, status, present)
            SELECT a.sample_id, a.post_id, a.coder, a.status,
                   (SELECT json_group_array(c.category) FROM codings c
                    WHERE c.post_id = a.post_id AND c.coder = a.coder AND c.value = 1 AND a.status = 'coded')
            FROM annotation_progress a
            WHERE a.coder LIKE 'human:%' AND \(scope);
        """
    }
}
