import Foundation

/// Reads the vectors that `embed` stored in `post_embeddings`.
///
///     guard let space = try PostEmbeddings.latestSpace(db) else { … run embed first … }
///     let byPost = try PostEmbeddings.load(db, space: space, postIDs: ids)      // [Int64: [Float]]
///     let matrix = try PostEmbeddings.matrix(db, space: space, postIDs: ids)    // dense, rows in ids' order
public enum PostEmbeddings {
    /// Every space with stored vectors, with how many posts have one, most posts first.
    public static func spaces(_ db: Database) throws -> [(space: EmbeddingSpace, posts: Int)] {
        var found: [(space: EmbeddingSpace, posts: Int)] = []
        try db.forEachRow(
            """
            SELECT model, input_profile, dim, count(*) AS posts FROM post_embeddings
            GROUP BY model, input_profile, dim ORDER BY posts DESC, model, input_profile
            """
        ) { row in
            found.append((try space(row), try row.required(int: "posts")))
        }
        return found
    }

    /// The space of the most recent completed `embed` run (optionally of one model): what the coders
    /// use by default. Nil when no completed run wrote vectors.
    public static func latestSpace(_ db: Database, model: String? = nil) throws -> EmbeddingSpace? {
        var result: EmbeddingSpace?
        try db.forEachRow(
            """
            SELECT e.model, e.input_profile, e.dim FROM runs r
            JOIN post_embeddings e ON e.run_id = r.run_id
            WHERE r.stage = 'embed' AND r.status = 'completed' AND (?1 IS NULL OR e.model = ?1)
            ORDER BY r.run_id DESC LIMIT 1
            """, [.from(model)]
        ) { row in result = try space(row) }
        if result != nil { return result }
        // A run that found every vector already stored wrote none itself: take its parameters.
        try db.forEachRow(
            """
            SELECT json_extract(parameters, '$.model') AS model,
                   json_extract(parameters, '$.input_profile') AS input_profile,
                   json_extract(parameters, '$.dim') AS dim
            FROM runs WHERE stage = 'embed' AND status = 'completed' AND json_extract(parameters, '$.dim') IS NOT NULL
              AND (?1 IS NULL OR json_extract(parameters, '$.model') = ?1)
            ORDER BY run_id DESC LIMIT 1
            """, [.from(model)]
        ) { row in result = try space(row) }
        return result
    }

    /// The vectors of `postIDs` (every post with one when nil) in `space`. Posts without a vector
    /// in that space are absent from the result: compare its count with what you asked for.
    public static func load(_ db: Database, space: EmbeddingSpace, postIDs: [Int64]? = nil) throws -> [Int64: [Float]] {
        var vectors: [Int64: [Float]] = [:]
        try forEach(db, space: space, postIDs: postIDs) { vectors[$0] = $1 }
        return vectors
    }

    /// The vectors of `postIDs` as one row-major matrix (row i is postIDs[i]); throws, naming how
    /// many and which posts, when some have no vector in `space`.
    public static func matrix(_ db: Database, space: EmbeddingSpace, postIDs: [Int64]) throws -> EmbeddingMatrix {
        let vectors = try load(db, space: space, postIDs: postIDs)
        let missing = postIDs.filter { vectors[$0] == nil }
        guard missing.isEmpty else {
            throw StudyError(
                "\(db.path): \(missing.count) of \(postIDs.count) posts have no embedding in \(space) "
                    + "(post_id \(missing.prefix(5).map(String.init).joined(separator: ", "))"
                    + "\(missing.count > 5 ? ", …" : "")): run `embed` (with --all for non-canonical posts)")
        }
        var values: [Float] = []
        values.reserveCapacity(postIDs.count * space.dimension)
        for id in postIDs { values.append(contentsOf: vectors[id]!) }
        return EmbeddingMatrix(rows: postIDs.count, columns: space.dimension, values: values)
    }

    /// Calls `body` with each stored (post_id, vector) of `space`, streaming, in post_id order.
    public static func forEach(
        _ db: Database, space: EmbeddingSpace, postIDs: [Int64]? = nil,
        _ body: (Int64, [Float]) throws -> Void
    ) throws {
        let wanted = postIDs.map(Set.init)
        try db.forEachRow(
            """
            SELECT post_id, dim, vector FROM post_embeddings
            WHERE model = ? AND input_profile = ? AND dim = ? ORDER BY post_id
            """, [.text(space.model), .text(space.profile.canonicalJSON), .int(Int64(space.dimension))]
        ) { row in
            let id = try row.required(int64: "post_id")
            if let wanted, !wanted.contains(id) { return }
            guard let blob = row.blob("vector"), let vector = EmbeddingVector.decode(blob),
                vector.count == space.dimension
            else {
                throw StudyError(
                    "\(db.path): post_embeddings row of post \(id) has a vector that is not "
                        + "\(space.dimension) float32 values")
            }
            try body(id, vector)
        }
    }

    private static func space(_ row: Row) throws -> EmbeddingSpace {
        let json = try row.required(text: "input_profile")
        guard let profile = EmbeddingInputProfile(canonicalJSON: json) else {
            throw StudyError("post_embeddings: input_profile \(json) is not a profile these tools can read")
        }
        return EmbeddingSpace(
            model: try row.required(text: "model"), profile: profile,
            dimension: try row.required(int: "dim"))
    }
}

/// A dense row-major matrix of float32 vectors (one row per post).
public struct EmbeddingMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// rows × columns values, row after row.
    public let values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "a \(rows)×\(columns) matrix needs \(rows * columns) values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public func row(_ index: Int) -> ArraySlice<Float> { values[(index * columns)..<((index + 1) * columns)] }
}
