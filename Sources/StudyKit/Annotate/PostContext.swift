/// SQL for what a coder needs to see around a post: its language (language-detect's, else the
/// platform's tag), its thread, the post it answers, and the size of its duplicate cluster. Each
/// fragment reads a table only when the stage that writes it has run, so annotation also works on
/// a study that was not deduplicated or language-detected. The fragments expect `posts AS p`.
enum PostContext {
    static func languageSQL(_ db: Database) throws -> String {
        try db.tableExists("post_languages")
            ? "coalesce((SELECT l.language FROM post_languages l WHERE l.post_id = p.post_id), p.lang_hint, 'und')"
            : "coalesce(p.lang_hint, 'und')"
    }

    /// Columns thread_title, parent_text, parent_relation and cluster_size. The thread is
    /// `posts.thread_title`, else the first line of the thread's first post when the study has it
    /// (a Reddit submission's title, an X conversation's root); the parent is shown only when it is
    /// not that first post, so the same text is not shown twice.
    static func columnsSQL(_ db: Database) throws -> String {
        let cluster =
            try db.tableExists("clusters") && db.tableExists("post_clusters")
            ? "(SELECT c.size FROM post_clusters pc JOIN clusters c ON c.cluster_id = pc.cluster_id"
                + " WHERE pc.post_id = p.post_id)"
            : "NULL"
        return """
            coalesce(p.thread_title, CASE WHEN p.conversation_id IS NOT NULL AND p.conversation_id <> p.external_id THEN
                (SELECT CASE WHEN instr(r.text, char(10)) > 0 THEN substr(r.text, 1, instr(r.text, char(10)) - 1)
                             ELSE r.text END
                 FROM posts r WHERE r.platform = p.platform AND r.external_id = p.conversation_id) END) AS thread_title,
            CASE WHEN p.parent_external_id IS NOT p.conversation_id THEN
                (SELECT q.text FROM posts q WHERE q.platform = p.platform AND q.external_id = p.parent_external_id) END
                AS parent_text,
            CASE WHEN p.reposted_id IS NOT NULL THEN 'repost of' WHEN p.replied_to_id IS NOT NULL THEN 'reply to'
                 WHEN p.quoted_id IS NOT NULL THEN 'quoting' END AS parent_relation,
            \(cluster) AS cluster_size
            """
    }
}
