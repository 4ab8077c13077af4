import Foundation

/// The zero-shot coder: no labels, only the codebook. Each category's positive examples and
/// include rules (in every language the codebook has) are embedded with the same model and input
/// profile as the posts; so are its negative examples and exclude rules. A post's score for a
/// category is its cosine similarity to the nearest positive prototype minus that to the nearest
/// negative one. The threshold is chosen on the codebook's own examples (each example scored
/// against the other prototypes, the F1-best cut), so no study post's label is ever used.
public struct PrototypeModel: HashedModelFile, Sendable {
    public static let maker = "code prototypes"
    public static let made = "built"
    public var embeddingSpace: EmbeddingDescription? { embedding }
    public struct Prototype: Codable, Sendable {
        public var text: String
        public var language: String
        /// "example" or "rule".
        public var source: String
        /// Little-endian float32, base64, L2-normalised.
        public var vector: String
    }

    public struct CategoryPrototypes: Codable, Sendable {
        public var id: String
        public var positives: [Prototype]
        public var negatives: [Prototype]
        public var threshold: Double
    }

    public var format = "prototype-coder/1"
    public var codebookName: String
    public var codebookVersion: String
    public var codebookFingerprint: String
    public var embedding: EmbeddingDescription
    public var gate: String?
    public var implications: [[String]]
    public var categories: [CategoryPrototypes]
    public var hash = ""

    /// e.g. `prototype:keep4o@1.1+5e0c1d2a9b3f`.
    public var coderName: String { "prototype:\(codebookName)@\(codebookVersion)+\(hash)" }

    /// Embeds the codebook's examples and rules with `embed` (the same client and profile as the
    /// posts) and chooses each category's threshold on its own examples.
    public static func build(
        codebook: Codebook, embedding: EmbeddingDescription,
        embed: ([String]) throws -> [[Float]]
    ) throws -> PrototypeModel {
        var texts: [String] = []
        var index: [String: Int] = [:]
        func add(_ text: String) {
            if index[text] == nil {
                index[text] = texts.count
                texts.append(text)
            }
        }
        for category in codebook.categories {
            for example in category.positiveExamples + category.negativeExamples { add(example.text) }
            for (_, rules) in category.includes + category.excludes { rules.forEach(add) }
        }
        let vectors = try embed(texts).map(Self.normalised)
        guard vectors.count == texts.count, vectors.allSatisfy({ $0.count == embedding.dimension }) else {
            throw StudyError("the embedding server returned \(vectors.count) vectors for \(texts.count) codebook texts")
        }
        func prototype(_ text: String, _ language: String, _ source: String) -> Prototype {
            Prototype(
                text: text, language: language, source: source, vector: EmbeddingCoding.base64(vectors[index[text]!]))
        }
        var categories: [CategoryPrototypes] = []
        for category in codebook.categories {
            let positives =
                category.positiveExamples.map { prototype($0.text, $0.language, "example") }
                + category.includes.flatMap { language, rules in rules.map { prototype($0, language, "rule") } }
            let negatives =
                category.negativeExamples.map { prototype($0.text, $0.language, "example") }
                + category.excludes.flatMap { language, rules in rules.map { prototype($0, language, "rule") } }
            // Leave-one-out on the category's own examples: each is scored without itself.
            let examples =
                category.positiveExamples.map { ($0.text, true) } + category.negativeExamples.map { ($0.text, false) }
            let positiveVectors = positives.map { vectors[index[$0.text]!] },
                negativeVectors = negatives.map { vectors[index[$0.text]!] }
            let scores = examples.map { text, _ in
                score(
                    vectors[index[text]!],
                    positives: zip(positives, positiveVectors).filter { $0.0.text != text }.map(\.1),
                    negatives: zip(negatives, negativeVectors).filter { $0.0.text != text }.map(\.1)
                ).value
            }
            let threshold = F1Threshold.choose(probabilities: scores, labels: examples.map(\.1))
            categories.append(
                CategoryPrototypes(id: category.id, positives: positives, negatives: negatives, threshold: threshold))
        }
        var model = PrototypeModel(
            codebookName: codebook.name, codebookVersion: codebook.version,
            codebookFingerprint: codebook.fingerprint, embedding: embedding, gate: codebook.gate,
            implications: codebook.implications.map { [$0.from, $0.to] }, categories: categories)
        model.hash = model.contentHash()
        return model
    }

    static func normalised(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return norm > 0 ? v.map { Float(Double($0) / norm) } : v
    }

    /// Nearest positive similarity minus nearest negative similarity, and the nearest positive.
    static func score(_ v: [Float], positives: [[Float]], negatives: [[Float]]) -> (value: Double, nearest: Int?) {
        func cosine(_ a: [Float], _ b: [Float]) -> Double {
            var s = 0.0
            for i in a.indices { s += Double(a[i]) * Double(b[i]) }
            return s
        }
        var best = -Double.infinity, nearest: Int? = nil
        for (i, p) in positives.enumerated() {
            let c = cosine(v, p)
            if c > best {
                best = c
                nearest = i
            }
        }
        let worst = negatives.map { cosine(v, $0) }.max() ?? 0
        return (positives.isEmpty ? -1 : best - worst, nearest)
    }

}

/// Codes posts with a prototype model.
public struct PrototypePredictor: Sendable {
    public let model: PrototypeModel
    let positives: [[[Float]]]
    let negatives: [[[Float]]]

    public init(model: PrototypeModel) {
        self.model = model
        positives = model.categories.map { $0.positives.map { EmbeddingCoding.floats($0.vector) } }
        negatives = model.categories.map { $0.negatives.map { EmbeddingCoding.floats($0.vector) } }
    }

    /// Present when the score reaches the category's threshold; confidence = the score mapped to
    /// 0…1 around the threshold (a ranking, not a calibrated probability); the evidence names the
    /// nearest prototype.
    public func code(vector: [Float]) -> [CategoryDecision] {
        let v = PrototypeModel.normalised(vector)
        var present: [Bool] = [], confidence: [Double] = [], nearest: [String] = []
        for (c, category) in model.categories.enumerated() {
            let (score, index) = PrototypeModel.score(v, positives: positives[c], negatives: negatives[c])
            present.append(score >= category.threshold)
            confidence.append(LogisticRegression.sigmoid(20 * (score - category.threshold)))
            let near = index.map { category.positives[$0] }
            nearest.append(
                #"{"model":"prototype","score":\#((score * 1e6).rounded() / 1e6),"#
                    + #""nearest":\#(jsonString(near?.text ?? ""))}"#
            )
        }
        return SupervisedPredictor.applyRules(
            ids: model.categories.map(\.id), present: present, probabilities: confidence,
            sources: nearest, implications: model.implications, gate: model.gate)
    }
}

/// Float32 vectors as little-endian base64, the form model files store them in.
enum EmbeddingCoding {
    static func base64(_ v: [Float]) -> String {
        var data = Data(capacity: v.count * 4)
        for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data.base64EncodedString()
    }

    static func floats(_ base64: String) -> [Float] {
        guard let data = Data(base64Encoded: base64) else { return [] }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        }
    }
}

extension CodeStage {
    /// Codes the posts with a prototype model (every post needs its embedding).
    public func runPrototype(
        model: PrototypeModel, codebook: Codebook, options: CodeOptions,
        space: EmbeddingDescription?, vectors: [Int64: [Float]]
    ) throws -> CodeSummary {
        try model.check(codebook: codebook, space: space)
        let (posts, _, _) = try loadPosts(allPosts: options.allPosts)
        let missing = posts.filter { vectors[$0.id] == nil }
        if !missing.isEmpty {
            throw SupervisedError(
                "\(missing.count) of \(posts.count) posts to code have no embedding in \(space!): run `embed`"
                    + (options.allPosts ? " --all" : ""))
        }
        let predictor = PrototypePredictor(model: model)
        return try run(
            coderName: model.coderName, codebook: codebook, kind: "prototype", options: options,
            extraParameters: ["model_hash": model.hash, "embedding": model.embedding.description]
        ) { post in
            predictor.code(vector: vectors[post.id]!)
        }
    }
}
