import Foundation

/// The post embeddings the supervised and prototype coders read, through the `embed` stage's reader.
public enum EmbeddingAccess {
    /// The embedding space to use (the latest `embed` run's, or the one a model names) and the
    /// vectors of `postIDs` in it. Nil space: no embeddings in this study.
    public static func vectors(_ db: Database, wanted: EmbeddingDescription? = nil, postIDs: [Int64]? = nil) throws
        -> (space: EmbeddingDescription?, vectors: [Int64: [Float]]) {
        // Filled in when the embed stage's reader (PostEmbeddings) is merged.
        (nil, [:])
    }
}
