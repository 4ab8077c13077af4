/// Tables owned by `aggregate` (migration 7, reshaped by migration 10). Documented column by column in docs/schema.md.
/// Every row carries the run that wrote it; a run replaces all of them in one transaction.
enum AggregateSchema {
    static let sql = """
        CREATE TABLE aggregate_prevalence (
            posts_set   TEXT NOT NULL CHECK (posts_set IN ('canonical', 'all')),  -- canonical: one post per duplicate
                                                                                  -- cluster; all: copies too
            breakdown   TEXT NOT NULL CHECK (breakdown IN ('all', 'language', 'platform', 'day')),
            stratum     TEXT NOT NULL,        -- 'all', a language, a platform, or a UTC day YYYY-MM-DD
            category    TEXT NOT NULL,
            denominator TEXT NOT NULL,        -- in words: which posts n counts
            n           INTEGER NOT NULL,     -- denominator
            count       INTEGER NOT NULL,     -- posts coded 1
            share       REAL,                 -- count / n; NULL when n = 0
            ci_low      REAL,                 -- Wilson 95% interval; NULL when n = 0
            ci_high     REAL,
            run_id      INTEGER NOT NULL REFERENCES runs(run_id),
            PRIMARY KEY (posts_set, breakdown, stratum, category)
        ) WITHOUT ROWID;

        CREATE TABLE aggregate_cooccurrence (
            category_a      TEXT NOT NULL,
            category_b      TEXT NOT NULL,    -- category_a < category_b
            n               INTEGER NOT NULL, -- relevant posts in the primary set
            count_a         INTEGER NOT NULL,
            count_b         INTEGER NOT NULL,
            count_both      INTEGER NOT NULL,
            share_b_given_a REAL,             -- count_both / count_a
            share_a_given_b REAL,             -- count_both / count_b
            phi             REAL,             -- NULL when a margin is empty
            run_id          INTEGER NOT NULL REFERENCES runs(run_id),
            PRIMARY KEY (category_a, category_b)
        ) WITHOUT ROWID;

        CREATE TABLE aggregate_association (
            category_a  TEXT NOT NULL,
            category_b  TEXT NOT NULL,
            n           INTEGER NOT NULL,
            both_yes    INTEGER NOT NULL,     -- a and b
            a_only      INTEGER NOT NULL,
            b_only      INTEGER NOT NULL,
            neither     INTEGER NOT NULL,
            chi_square  REAL,                 -- Pearson, 1 df, no continuity correction
            p_value     REAL,
            odds_ratio  REAL,
            or_ci_low   REAL,                 -- Woolf 95% interval
            or_ci_high  REAL,
            or_method   TEXT,                 -- 'woolf' or 'woolf+0.5' (zero cell: 0.5 added to every cell)
            run_id      INTEGER NOT NULL REFERENCES runs(run_id),
            PRIMARY KEY (category_a, category_b)
        ) WITHOUT ROWID;

        CREATE TABLE aggregate_corrected (
            category         TEXT PRIMARY KEY,
            coder            TEXT NOT NULL,    -- the automated coder being corrected
            reference_coder  TEXT NOT NULL,    -- usually 'adjudicated'
            validation_posts INTEGER NOT NULL,
            tp INTEGER NOT NULL, fp INTEGER NOT NULL, fn INTEGER NOT NULL, tn INTEGER NOT NULL,
            sensitivity      REAL,
            specificity      REAL,
            observed_share   REAL,             -- from aggregate_prevalence (primary set, all)
            corrected_share  REAL,             -- Rogan-Gladen, clipped to [0, 1]; NULL if se + sp <= 1
            ci_low           REAL,             -- percentile bootstrap over validation posts
            ci_high          REAL,
            replicates_used  INTEGER NOT NULL, -- bootstrap replicates where the correction was defined
            run_id           INTEGER NOT NULL REFERENCES runs(run_id)
        ) WITHOUT ROWID;

        CREATE TABLE aggregate_published (
            category        TEXT PRIMARY KEY,
            published_share REAL NOT NULL,
            published_text  TEXT NOT NULL,     -- how the paper states it
            source          TEXT NOT NULL,
            n               INTEGER NOT NULL,
            our_share       REAL,
            our_ci_low      REAL,
            our_ci_high     REAL,
            run_id          INTEGER NOT NULL REFERENCES runs(run_id)
        ) WITHOUT ROWID;

        CREATE TABLE aggregate_manifest (
            key    TEXT PRIMARY KEY,           -- coder, codebook, parameters.*, inputs.*, tool_version
            value  TEXT NOT NULL,
            run_id INTEGER NOT NULL REFERENCES runs(run_id)
        ) WITHOUT ROWID;
        """

    /// Migration 10: one table of estimates with a method column (naive, human, ppi) replaces
    /// aggregate_prevalence and the Rogan-Gladen aggregate_corrected; the association and the
    /// published comparison get a method and a scope. Every aggregate table is re-made by the next
    /// `aggregate run`, so nothing of value is dropped.
    static let estimatesSQL = """
        DROP TABLE aggregate_prevalence;
        DROP TABLE aggregate_corrected;
        DROP TABLE aggregate_association;
        DROP TABLE aggregate_published;

        CREATE TABLE aggregate_estimates (
            posts_set   TEXT NOT NULL CHECK (posts_set IN ('canonical', 'all')),
            breakdown   TEXT NOT NULL CHECK (breakdown IN ('all', 'language', 'platform', 'day', 'week', 'month')),
            stratum     TEXT NOT NULL,        -- 'all', a language, a platform, or the first UTC day of a time bin
            category    TEXT NOT NULL,
            method      TEXT NOT NULL CHECK (method IN ('naive', 'human', 'ppi')),
            estimate    REAL,                 -- share; NULL when the method has no estimate here
            ci_low      REAL,                 -- 95% interval
            ci_high     REAL,
            n_labeled   INTEGER NOT NULL,     -- posts with a reference label the method used
            n_unlabeled INTEGER NOT NULL,     -- posts with only the coder's codes the method used
            count       INTEGER,              -- naive: posts coded 1; human: labelled posts labelled 1
            lambda      REAL,                 -- ppi: weight given to the coder (power tuning)
            denominator TEXT NOT NULL,        -- in words: the share of which posts
            run_id      INTEGER NOT NULL REFERENCES runs(run_id),
            PRIMARY KEY (posts_set, breakdown, stratum, category, method)
        ) WITHOUT ROWID;

        CREATE TABLE aggregate_association (
            category_a     TEXT NOT NULL,
            category_b     TEXT NOT NULL,
            method         TEXT NOT NULL CHECK (method IN ('naive', 'human', 'ppi')),
            n_labeled      INTEGER NOT NULL,
            n_unlabeled    INTEGER NOT NULL,
            both_yes       INTEGER,           -- the 2x2 table (naive: coder's; human: labelled posts'); NULL for ppi
            a_only         INTEGER,
            b_only         INTEGER,
            neither        INTEGER,
            log_odds_ratio REAL,
            standard_error REAL,
            odds_ratio     REAL,
            or_ci_low      REAL,
            or_ci_high     REAL,
            chi_square     REAL,              -- naive and human: Pearson, 1 df
            p_value        REAL,              -- naive and human: chi-square; ppi: Wald z test of log OR = 0
            or_method      TEXT,              -- 'woolf', 'woolf+0.5', 'ppi-logistic', 'weighted-logistic'
            lambda         REAL,
            run_id         INTEGER NOT NULL REFERENCES runs(run_id),
            PRIMARY KEY (category_a, category_b, method)
        ) WITHOUT ROWID;

        CREATE TABLE aggregate_published (
            category        TEXT PRIMARY KEY,
            published_share REAL NOT NULL,
            published_text  TEXT NOT NULL,
            source          TEXT NOT NULL,
            published_scope TEXT NOT NULL,    -- the posts the figure is about, in words
            platform        TEXT,             -- that scope: platform and UTC days (inclusive)
            since           TEXT,
            until           TEXT,
            our_scope       TEXT NOT NULL,    -- the posts our figures are about, and whether they match
            n               INTEGER NOT NULL, -- our posts in scope coded gate-positive by the coder
            n_labeled       INTEGER NOT NULL,
            naive_share     REAL,
            naive_ci_low    REAL,
            naive_ci_high   REAL,
            ppi_share       REAL,
            ppi_ci_low      REAL,
            ppi_ci_high     REAL,
            run_id          INTEGER NOT NULL REFERENCES runs(run_id)
        ) WITHOUT ROWID;
        """
}
