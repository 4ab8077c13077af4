/// Migration 19: `posts_overview`, one row per post with what the other stages found about it, so a
/// table viewer (Datasette, `make browse`; sqlite3; pandas) can filter and facet posts by language,
/// platform, duplicate-cluster kind and the primary coder's categories without writing a join.
/// A view: it stores nothing and is always in step with the tables it reads. Documented in
/// docs/schema.md.
enum BrowseSchema {
    static let sql = """
        CREATE VIEW posts_overview AS
        SELECT p.post_id, p.platform, p.created_at, l.language,
               c.cluster_id, c.kind AS cluster_kind, k.size AS cluster_size,
               (SELECT json_group_array(category) FROM (
                    SELECT d.category FROM codings d
                    WHERE d.post_id = p.post_id AND d.value = 1
                      -- '+' keeps the planner on the primary key (post_id first): the coder index
                      -- would read every coding of the coder once per post.
                      AND +d.coder = (SELECT value FROM study_settings WHERE key = 'primary_coder')
                    ORDER BY d.category)) AS codes,
               p.author_key, p.text
        FROM posts p
        LEFT JOIN post_languages l ON l.post_id = p.post_id
        LEFT JOIN post_clusters c ON c.post_id = p.post_id
        LEFT JOIN clusters k ON k.cluster_id = c.cluster_id
        ORDER BY p.post_id;
        """
}
