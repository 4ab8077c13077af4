import Foundation

extension EmbeddingDescription {
    /// The description model files store for an `embed` space.
    public init(_ space: EmbeddingSpace) {
        self.init(model: space.model, inputProfile: space.profile.canonicalJSON, dimension: space.dimension)
    }

    /// The `embed` space this description names (nil when its profile is not one the tools read).
    public var space: EmbeddingSpace? {
        EmbeddingInputProfile(canonicalJSON: inputProfile).map {
            EmbeddingSpace(model: model, profile: $0, dimension: dimension)
        }
    }
}

/// The post embeddings the supervised and prototype coders read, through the `embed` stage's reader.
public enum EmbeddingAccess {
    /// The space to use and the vectors of `postIDs` (every post when nil) in it. With `wanted`
    /// (the space a model was trained in): that space when the study has vectors in it, else the
    /// study's latest space, so that the model's check can say which space the posts are in.
    /// Without: the latest `embed` run's space. Nil space: the study has no embeddings.
    public static func vectors(_ db: Database, wanted: EmbeddingDescription? = nil, postIDs: [Int64]? = nil) throws
        -> (space: EmbeddingDescription?, vectors: [Int64: [Float]])
    {
        var space: EmbeddingSpace?
        if let wanted, let candidate = wanted.space,
            try PostEmbeddings.spaces(db).contains(where: { $0.space == candidate })
        {
            space = candidate
        } else {
            space = try PostEmbeddings.latestSpace(db)
        }
        guard let space else { return (nil, [:]) }
        if let wanted, EmbeddingDescription(space) != wanted { return (EmbeddingDescription(space), [:]) }
        return (EmbeddingDescription(space), try PostEmbeddings.load(db, space: space, postIDs: postIDs))
    }
}
