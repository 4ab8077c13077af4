/// Tables owned by `annotate` (migration 6). Documented column by column in docs/schema.md.
/// Human and adjudicated labels themselves go into `codings` (owned jointly with `code`, keyed
/// by coder), so that every comparison between coders is one query over one table.
enum AnnotateSchema {
    static let sql = """
        CREATE TABLE samples (
            sample_id            INTEGER PRIMARY KEY,
            name                 TEXT NOT NULL UNIQUE,
            codebook_fingerprint TEXT NOT NULL,      -- the codebook coders code this sample with
            seed                 INTEGER NOT NULL,
            parameters           TEXT NOT NULL,      -- JSON of every option that shaped the draw
            population           INTEGER NOT NULL,   -- eligible posts
            size                 INTEGER NOT NULL,   -- posts drawn
            created_at           TEXT NOT NULL,
            run_id               INTEGER NOT NULL REFERENCES runs(run_id)
        );
        CREATE TABLE sample_posts (
            sample_id          INTEGER NOT NULL REFERENCES samples(sample_id),
            post_id            INTEGER NOT NULL REFERENCES posts(post_id),
            position           INTEGER NOT NULL,     -- 1-based order in which coders see the posts
            stratum            TEXT NOT NULL,        -- e.g. 'lang=ja|auto=companion'
            stratum_population INTEGER NOT NULL,
            stratum_sampled    INTEGER NOT NULL,
            weight             REAL NOT NULL,        -- stratum_population / stratum_sampled (design weight)
            PRIMARY KEY (sample_id, post_id),
            UNIQUE (sample_id, position)
        ) WITHOUT ROWID;
        CREATE TABLE sample_assignments (
            sample_id INTEGER NOT NULL REFERENCES samples(sample_id),
            coder     TEXT NOT NULL,                 -- 'human:alice'
            post_id   INTEGER NOT NULL REFERENCES posts(post_id),
            shared    INTEGER NOT NULL,              -- 1 when every coder of the sample codes this post
            PRIMARY KEY (sample_id, coder, post_id)
        ) WITHOUT ROWID;
        CREATE TABLE annotation_progress (
            sample_id  INTEGER NOT NULL REFERENCES samples(sample_id),
            coder      TEXT NOT NULL,                -- 'human:alice' or 'adjudicated'
            post_id    INTEGER NOT NULL REFERENCES posts(post_id),
            status     TEXT NOT NULL CHECK (status IN ('coded', 'skipped')),
            seconds    REAL,                         -- time the post was on screen before the decision
            updated_at TEXT NOT NULL,
            PRIMARY KEY (sample_id, coder, post_id)
        ) WITHOUT ROWID;
        CREATE TABLE annotation_notes (
            sample_id  INTEGER NOT NULL REFERENCES samples(sample_id),
            coder      TEXT NOT NULL,
            post_id    INTEGER NOT NULL REFERENCES posts(post_id),
            note       TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (sample_id, coder, post_id)
        ) WITHOUT ROWID;
        CREATE TABLE agreement_results (
            sample_id INTEGER NOT NULL REFERENCES samples(sample_id),
            category  TEXT NOT NULL,                 -- a category id, or '*' for all categories pooled
            statistic TEXT NOT NULL,                 -- percent_agreement | cohens_kappa | fleiss_kappa |
                                                     -- krippendorff_alpha | gwet_ac1
            value     REAL,                          -- NULL when undefined (e.g. kappa with one category in use)
            ci_low    REAL,                          -- bootstrap percentile interval (NULL when undefined)
            ci_high   REAL,
            units     INTEGER NOT NULL,              -- posts coded by at least two coders
            coders    INTEGER NOT NULL,
            run_id    INTEGER NOT NULL REFERENCES runs(run_id),
            PRIMARY KEY (sample_id, category, statistic)
        ) WITHOUT ROWID;
        CREATE TABLE validation_confusion (
            coder           TEXT NOT NULL,           -- the automated coder, e.g. 'lexicon:keep4o@1.0'
            reference_coder TEXT NOT NULL,           -- e.g. 'adjudicated'
            category        TEXT NOT NULL,           -- a category id, or '*' (micro-average over categories)
            units           INTEGER NOT NULL,        -- posts both coders coded
            tp INTEGER NOT NULL, fp INTEGER NOT NULL, fn INTEGER NOT NULL, tn INTEGER NOT NULL,
            precision       REAL,                    -- NULL when undefined (no predicted positives)
            recall          REAL,
            f1              REAL,
            kappa           REAL,
            run_id          INTEGER NOT NULL REFERENCES runs(run_id),
            PRIMARY KEY (coder, reference_coder, category)
        ) WITHOUT ROWID;
        """

    /// Migration 9: why a sample was drawn and each post's chance of being drawn, so that
    /// `aggregate` can weight a validation sample by its design (and refuse one it cannot weight).
    static let samplePurposeSQL = """
        ALTER TABLE samples ADD COLUMN purpose TEXT NOT NULL DEFAULT 'training'
            CHECK (purpose IN ('validation', 'training'));
        ALTER TABLE samples ADD COLUMN strategy TEXT NOT NULL DEFAULT 'stratified';
        ALTER TABLE sample_posts ADD COLUMN inclusion_probability REAL;
        UPDATE sample_posts SET inclusion_probability = CAST(stratum_sampled AS REAL) / stratum_population;
        """
}
