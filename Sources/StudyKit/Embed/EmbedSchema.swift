/// Tables owned by `embed`. Documented column by column in docs/schema.md ("embed" section).
enum EmbedSchema {
    /// Migration 11. One row per (post, embedding space): the space is the model as the server names
    /// it plus the input profile (prefix, where it is added, max tokens), because the same model gives
    /// different vectors for "query: " and "passage: " inputs. Vectors are little-endian float32.
    /// A rowid table (not WITHOUT ROWID): rows carry a 1.5 KB blob, which would bloat a clustered index.
    static let sql = """
        CREATE TABLE post_embeddings (
            post_id       INTEGER NOT NULL REFERENCES posts(post_id),
            model         TEXT NOT NULL,     -- the model as the server names it in its answer
            input_profile TEXT NOT NULL,     -- canonical JSON:
                                             -- {"max_tokens":512,"prefix":"query: ","prefix_by":"server"}
            dim           INTEGER NOT NULL CHECK (dim > 0),
            vector        BLOB NOT NULL CHECK (length(vector) = 4 * dim),  -- dim little-endian float32
            text_sha256   TEXT NOT NULL,     -- sha256 (hex) of posts.text as UTF-8, before any prefix
            run_id        INTEGER NOT NULL REFERENCES runs(run_id),
            UNIQUE (post_id, model, input_profile)
        );
        CREATE INDEX post_embeddings_by_text ON post_embeddings(model, input_profile, text_sha256);
        """
}
