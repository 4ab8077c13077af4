/// Tables owned by `dedupe`. Documented column by column in docs/schema.md ("dedupe" section).
/// Only post_clusters.post_id is a declared foreign key (as fixed in the conventions): every
/// other link is written by the same transaction, and each declared key costs a lookup per row.
enum DedupeSchema {
    static let sql = """
        CREATE TABLE clusters (
            cluster_id        INTEGER PRIMARY KEY,   -- equals canonical_post_id: stable across re-runs
            canonical_post_id INTEGER NOT NULL,      -- posts.post_id of the earliest member
            size              INTEGER NOT NULL,      -- posts in the cluster, canonical included
            first_at          TEXT NOT NULL,         -- ISO 8601 UTC of the earliest member
            last_at           TEXT NOT NULL,         -- ISO 8601 UTC of the latest member
            languages         TEXT NOT NULL,         -- JSON object language -> posts, e.g. {"en":3,"ja":1}
            kinds             TEXT NOT NULL,         -- JSON object kind -> posts, e.g. {"exact":2,"unique":1}
            run_id            INTEGER NOT NULL       -- runs.run_id
        );

        CREATE TABLE post_clusters (
            post_id           INTEGER PRIMARY KEY REFERENCES posts(post_id),
            cluster_id        INTEGER NOT NULL,      -- clusters.cluster_id
            kind              TEXT NOT NULL CHECK (kind IN ('unique', 'exact', 'repost', 'near')),
            canonical_post_id INTEGER NOT NULL,      -- posts.post_id of the cluster's canonical post
            similarity        REAL NOT NULL,         -- estimated Jaccard to the canonical; 1.0 for canonical/exact
            run_id            INTEGER NOT NULL       -- runs.run_id
        );
        CREATE INDEX post_clusters_by_cluster ON post_clusters(cluster_id);
        """
}
