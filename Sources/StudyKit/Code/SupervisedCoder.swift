import Foundation

public struct SupervisedError: UserFacingError {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What a supervised coder reads of a post.
public enum SupervisedFeatures: String, CaseIterable, Codable, Sendable {
    /// The post's sentence embedding (from `embed`) and the lexicon's indicator evidence: the default.
    case embeddingLexicon = "embedding+lexicon"
    /// The lexicon's evidence alone (per category: indicator weight and decision; the thread flag).
    case lexicon
    /// The sentence embedding alone (what carries across languages without the lexicon's help).
    case embedding
    /// Hashed character 1–4-grams (no tokenizer, every script), the coder of codebook 1.0's era.
    case charNGrams = "char-ngrams"

    var usesEmbeddings: Bool { self == .embeddingLexicon || self == .embedding }
    var usesLexicon: Bool { self == .embeddingLexicon || self == .lexicon }
    /// Dense features are standardised (mean 0, variance 1 on the training posts) before fitting.
    var isDense: Bool { self != .charNGrams }
}

/// A labelled post: the training and evaluation unit.
public struct LabelledPost: Sendable {
    public var postID: Int64
    /// `platform:external_id`: stable across databases (the labels fingerprint uses it).
    public var key: String
    public var text: String
    public var language: String?
    public var thread: String?
    /// The dedupe cluster (copies of one post stay in one fold); the post itself when none.
    public var group: Int64
    public var labels: [String: Bool]

    public init(
        postID: Int64, key: String, text: String, language: String? = nil, thread: String? = nil,
        group: Int64? = nil, labels: [String: Bool]
    ) {
        self.postID = postID
        self.key = key
        self.text = text
        self.language = language
        self.thread = thread
        self.group = group ?? postID
        self.labels = labels
    }
}

/// Character n-gram features (n = 1…4 over the case-folded NFKC text, hashed into 2^18 buckets,
/// binary, L2-normalised). Character n-grams need no tokenizer, so they work for every script.
public enum CharNGrams {
    public static let bucketBits = 18
    public static let maxN = 4

    public static func features(_ text: String) -> [(Int, Float)] {
        let scalars = [UInt32(0x20)] + LexiconText.scalars(LexiconText.fold(text)) + [UInt32(0x20)]
        var buckets = Set<Int>()
        let mask = (1 << bucketBits) - 1
        for start in 0..<scalars.count {
            var hash: UInt64 = 0xcbf29ce484222325
            for n in 1...maxN where start + n <= scalars.count {
                // FNV-1a over the n-gram's scalars, then the length, so "ab" and "a","b" differ.
                hash = (hash ^ UInt64(scalars[start + n - 1])) &* 0x100000001b3
                let h = (hash ^ UInt64(n)) &* 0x100000001b3
                buckets.insert(Int(truncatingIfNeeded: h >> 20) & mask)
            }
        }
        let value = Float(1 / Double(max(1, buckets.count)).squareRoot())
        return buckets.sorted().map { ($0, value) }
    }
}

/// Builds feature rows for posts (or for any text with a vector, such as codebook examples).
public struct FeatureBuilder: Sendable {
    public let kind: SupervisedFeatures
    public let lexicon: LexiconCoder
    public let dimension: Int
    let embeddingDimension: Int

    public init(kind: SupervisedFeatures, codebook: Codebook, embeddingDimension: Int = 0) {
        self.kind = kind
        lexicon = LexiconCoder(codebook: codebook)
        self.embeddingDimension = kind.usesEmbeddings ? embeddingDimension : 0
        switch kind {
        case .charNGrams: dimension = 1 << CharNGrams.bucketBits
        case .embedding: dimension = self.embeddingDimension
        case .lexicon, .embeddingLexicon: dimension = self.embeddingDimension + 2 * codebook.categories.count + 1
        }
    }

    /// One post's features; `vector` is its embedding when the kind uses one.
    public func features(text: String, language: String?, thread: String?, vector: [Float]?) -> [(Int, Float)] {
        switch kind {
        case .charNGrams:
            return CharNGrams.features(text)
        case .lexicon, .embeddingLexicon, .embedding:
            var dense = [Float]()
            dense.reserveCapacity(dimension)
            if kind.usesEmbeddings {
                guard let vector, vector.count == embeddingDimension else {
                    preconditionFailure("a post without its \(embeddingDimension)-dimension embedding")
                }
                dense += vector
            }
            if kind.usesLexicon { dense += lexicon.evidenceFeatures(text: text, language: language, thread: thread) }
            return dense.enumerated().map { ($0.offset, $0.element) }
        }
    }

    public func rows(_ posts: [LabelledPost], vectors: [Int64: [Float]]) -> FeatureRows {
        var rows = FeatureRows(dimension: dimension)
        for post in posts {
            rows.append(
                sparse: features(
                    text: post.text, language: post.language, thread: post.thread,
                    vector: vectors[post.postID]))
        }
        return rows
    }
}

extension LexiconCoder {
    /// The lexicon's evidence as numbers: per category log(1 + weight of its own-word indicators)
    /// and its final decision (0/1), then 1 when the post's thread is about the gate's theme.
    public func evidenceFeatures(text: String, language: String?, thread: String?) -> [Float] {
        let scalars = LexiconText.scalars(text)
        let index = languageIndex(for: language)
        return scalars.withUnsafeBufferPointer { buffer in
            let found = hits(scalars: buffer, text: text, languageIndex: index)
            let weights = categoryWeights(found).own
            let threadRelevant = codebook.threadContext && thread.map { isAboutGate($0, languageIndex: index) } == true
            let decisions = decide(found, scalars: buffer, threadRelevant: threadRelevant)
            return weights.map { Float(log1p($0)) } + decisions.map { $0.value ? 1 : 0 } + [threadRelevant ? 1 : 0]
        }
    }
}

/// Mean and scale per column, from the rows a model is fitted on (dense features only).
public struct Standardizer: Codable, Sendable, Equatable {
    public var mean: [Double]
    public var scale: [Double]

    public static func fit(_ rows: FeatureRows) -> Standardizer {
        let d = rows.dimension, n = max(1, rows.count)
        var sum = [Double](repeating: 0, count: d), squares = sum
        for i in 0..<rows.count {
            for (j, v) in rows.row(i) {
                sum[j] += Double(v)
                squares[j] += Double(v) * Double(v)
            }
        }
        let mean = sum.map { $0 / Double(n) }
        let scale = (0..<d).map { j -> Double in
            let variance = max(0, squares[j] / Double(n) - mean[j] * mean[j])
            // A constant column (a category no training post has evidence for) stays as it is.
            return variance > 1e-12 ? variance.squareRoot() : 1
        }
        return Standardizer(mean: mean, scale: scale)
    }

    public func apply(_ rows: FeatureRows) -> FeatureRows {
        var out = FeatureRows(dimension: rows.dimension)
        for i in 0..<rows.count { out.append(sparse: apply(rows.row(i))) }
        return out
    }

    public func apply(_ x: [(Int, Float)]) -> [(Int, Float)] {
        x.map { ($0.0, Float((Double($0.1) - mean[$0.0]) / scale[$0.0])) }
    }
}

/// One category's fitted coder: logistic regression on (standardised) features, Platt scaling
/// fitted on held-out logits, and the decision threshold that gave the best held-out F1.
public struct CategoryFit: Sendable {
    public var model: LogisticFit
    public var standardizer: Standardizer?
    public var platt: PlattScaling
    public var threshold: Double
    public var l2: Double

    public func probability(_ x: [(Int, Float)]) -> Double {
        platt.probability(model.logit(standardizer?.apply(x) ?? x))
    }
}

/// Settings of supervised training; the defaults are what `code train` and `make eval-coder` use.
public struct SupervisedSettings: Sendable {
    public var seed: UInt64 = 4242
    /// Folds of the inner cross-validation that chooses the L2 strength, the calibration and the threshold.
    public var innerFolds = 5
    /// L2 strengths tried (the one with the lowest held-out log loss is kept).
    public var l2Grid: [Double] = [1, 10, 100]
    public var minPerClass = 10
    public init() {}
}

public enum SupervisedTrainer {
    public static let defaultMinPerClass = 10

    /// Fits one category: inner grouped, stratified cross-validation gives held-out logits for
    /// each L2 strength; the strength with the lowest held-out log loss is kept; its held-out
    /// logits fit the Platt scaling and choose the F1-best threshold; the final model is fitted
    /// on every post. Needs at least 2 positive and 2 negative labels.
    public static func fitCategory(
        _ rows: FeatureRows, labels: [Bool], groups: [Int64], dense: Bool,
        settings: SupervisedSettings, seed: UInt64
    ) -> CategoryFit {
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        let k = max(2, min(settings.innerFolds, positives, negatives))
        let folds = Folds.groupedStratified(groups: groups, labels: labels, folds: k, seed: seed)
        var best: (loss: Double, l2: Double, logits: [Double])? = nil
        for l2 in settings.l2Grid {
            var logits = [Double](repeating: 0, count: labels.count)
            for fold in 0..<k {
                let train = labels.indices.filter { folds[$0] != fold },
                    test = labels.indices.filter { folds[$0] == fold }
                guard !test.isEmpty else { continue }
                let fit = plainFit(rows.subset(train), train.map { labels[$0] }, dense: dense, l2: l2)
                for (t, z) in zip(
                    test, fit.model.logits(fit.standardizer?.apply(rows.subset(test)) ?? rows.subset(test)))
                {
                    logits[t] = z
                }
            }
            let loss = zip(logits, labels).reduce(0.0) { sum, pair in
                let p = min(max(LogisticRegression.sigmoid(pair.0), 1e-12), 1 - 1e-12)
                return sum - (pair.1 ? log(p) : log(1 - p))
            }
            if best == nil || loss < best!.loss - 1e-9 { best = (loss, l2, logits) }
        }
        let chosen = best!
        let platt = PlattScaling.fit(logits: chosen.logits, labels: labels)
        let threshold = F1Threshold.choose(probabilities: chosen.logits.map(platt.probability), labels: labels)
        let final = plainFit(rows, labels, dense: dense, l2: chosen.l2)
        return CategoryFit(
            model: final.model, standardizer: final.standardizer, platt: platt, threshold: threshold,
            l2: chosen.l2)
    }

    static func plainFit(_ rows: FeatureRows, _ labels: [Bool], dense: Bool, l2: Double)
        -> (model: LogisticFit, standardizer: Standardizer?)
    {
        let standardizer = dense ? Standardizer.fit(rows) : nil
        var settings = LogisticRegression.Settings()
        settings.l2 = l2
        settings.gradientTolerance = 1e-7
        return (LogisticRegression.fit(standardizer?.apply(rows) ?? rows, labels, settings: settings), standardizer)
    }

    /// The categories with enough labels to train, and a line per category that has too few.
    public static func trainable(_ posts: [LabelledPost], codebook: Codebook, minPerClass: Int)
        -> (trained: [String], short: [String])
    {
        var trained: [String] = [], short: [String] = []
        for category in codebook.categories.map(\.id) {
            let labelled = posts.compactMap { $0.labels[category] }
            let positives = labelled.filter { $0 }.count, negatives = labelled.count - positives
            if positives >= minPerClass && negatives >= minPerClass {
                trained.append(category)
            } else {
                short.append("\(category): \(positives) positive, \(negatives) negative")
            }
        }
        return (trained, short)
    }

    /// Trains the model: one fit per category with enough labels; the others fall back to the
    /// lexicon's decisions (marked in the model and in every coding's evidence).
    public static func train(
        _ posts: [LabelledPost], vectors: [Int64: [Float]], builder: FeatureBuilder,
        codebook: Codebook, labelSource: String, embedding: EmbeddingDescription?,
        settings: SupervisedSettings
    ) throws -> SupervisedModel {
        let (trained, short) = trainable(posts, codebook: codebook, minPerClass: settings.minPerClass)
        guard !trained.isEmpty else {
            throw SupervisedError(
                "too few labels from coder '\(labelSource)' to train (\(posts.count) posts labelled). "
                    + "A category needs at least \(settings.minPerClass) positive and "
                    + "\(settings.minPerClass) negative labels; "
                    + "short: " + short.joined(separator: "; "))
        }
        let rows = builder.rows(posts, vectors: vectors)
        var categories: [SupervisedModel.CategoryModel] = []
        for (c, category) in codebook.categories.map(\.id).enumerated() {
            let labelled = posts.indices.filter { posts[$0].labels[category] != nil }
            let labels = labelled.map { posts[$0].labels[category]! }
            let positives = labels.filter { $0 }.count
            guard trained.contains(category) else {
                categories.append(
                    .init(
                        id: category, trained: false, positives: positives,
                        negatives: labels.count - positives))
                continue
            }
            let fit = fitCategory(
                rows.subset(labelled), labels: labels, groups: labelled.map { posts[$0].group },
                dense: builder.kind.isDense, settings: settings, seed: settings.seed &+ UInt64(c))
            categories.append(.init(id: category, fit: fit, positives: positives, negatives: labels.count - positives))
        }
        var model = SupervisedModel(
            codebookName: codebook.name, codebookVersion: codebook.version,
            codebookFingerprint: codebook.fingerprint, features: builder.kind,
            embedding: embedding, labelSource: labelSource, labelledPosts: posts.count,
            labelsFingerprint: labelsFingerprint(posts), seed: settings.seed,
            gate: codebook.gate, implications: codebook.implications.map { [$0.from, $0.to] },
            categories: categories)
        model.hash = model.contentHash()
        return model
    }

    static let notInValidationSample = """
         AND NOT EXISTS (SELECT 1 FROM sample_posts sp JOIN samples s ON s.sample_id = sp.sample_id
                         WHERE sp.post_id = p.post_id AND s.purpose = 'validation')
        """

    /// Labelled posts of `coder` inside validation samples (left out of training).
    public static func validationPosts(_ db: Database, coder: String) throws -> Int {
        try db.scalarInt(
            """
            SELECT count(DISTINCT c.post_id) FROM codings c JOIN sample_posts sp ON sp.post_id = c.post_id
            JOIN samples s ON s.sample_id = sp.sample_id WHERE c.coder = ? AND s.purpose = 'validation'
            """, [.text(coder)]) ?? 0
    }

    /// sha256 over the sorted `key category=value` lines: the same labels give the same fingerprint.
    public static func labelsFingerprint(_ posts: [LabelledPost]) -> String {
        var lines: [String] = []
        for post in posts {
            for (category, value) in post.labels { lines.append("\(post.key) \(category)=\(value ? 1 : 0)") }
        }
        return Fingerprint.ofString(lines.sorted().joined(separator: "\n"))
    }

    /// The labels of one coder from `codings`, with what the features need: NFKC text, detected
    /// language, thread and dedupe cluster. Only canonical posts when dedupe has run (copies would
    /// sit in several folds and inflate cross-validated scores). With `excludingValidation`, posts
    /// of validation samples are left out: a coder trained on them would make its own errors
    /// look smaller when `aggregate` corrects it with the same posts.
    public static func labelledPosts(
        _ db: Database, coder: String, codebook: Codebook,
        excludingValidation: Bool = false
    ) throws -> [LabelledPost] {
        let clustered = try db.hasRows("post_clusters")
        let languages = try db.tableExists("post_languages")
        let categories = Set(codebook.categories.map(\.id))
        var byPost: [Int64: LabelledPost] = [:]
        var order: [Int64] = []
        try db.forEachRow(
            """
            SELECT c.post_id, c.category, c.value, p.platform, p.external_id, p.text_nfkc,
                   \(languages ? "(SELECT language FROM post_languages l WHERE l.post_id = p.post_id)" : "NULL")
                       AS language,
                   \(CodeStage.threadSQL) AS thread,
                   \(clustered ? "pc.cluster_id" : "NULL") AS cluster_id
            FROM codings c JOIN posts p ON p.post_id = c.post_id
            \(clustered ? "JOIN post_clusters pc ON pc.post_id = p.post_id AND pc.post_id = pc.canonical_post_id" : "")
            WHERE c.coder = ?\(excludingValidation ? Self.notInValidationSample : "") ORDER BY c.post_id, c.category
            """, [.text(coder)]
        ) { row in
            let id = try row.required(int64: "post_id")
            let category = try row.required(text: "category")
            guard categories.contains(category) else { return }
            if byPost[id] == nil {
                order.append(id)
                byPost[id] = LabelledPost(
                    postID: id, key: "\(try row.required(text: "platform")):\(try row.required(text: "external_id"))",
                    text: row.text("text_nfkc") ?? "", language: row.text("language"),
                    thread: row.text("thread"), group: row.int64("cluster_id"), labels: [:])
            }
            byPost[id]!.labels[category] = try row.required(int: "value") == 1
        }
        return order.map { byPost[$0]! }
    }
}

/// The embedding space a model was trained on (model name, input profile, dimension).
public struct EmbeddingDescription: Codable, Sendable, Equatable, CustomStringConvertible {
    public var model: String
    public var inputProfile: String
    public var dimension: Int
    public init(model: String, inputProfile: String, dimension: Int) {
        self.model = model
        self.inputProfile = inputProfile
        self.dimension = dimension
    }
    public var description: String { "\(model) \(inputProfile), \(dimension) dimensions" }
}

/// The supervised coder as a file: everything needed to code and to refuse what does not fit.
public struct SupervisedModel: HashedModelFile, Sendable {
    public static let maker = "code train"
    public static let made = "trained"
    public var embeddingSpace: EmbeddingDescription? { embedding }
    public struct CategoryModel: Codable, Sendable {
        public var id: String
        /// False: too few labels; the lexicon's decision is used for this category.
        public var trained: Bool
        public var positives: Int
        public var negatives: Int
        /// Little-endian float32 weights, base64 (in the standardised space for dense features).
        public var weights: String?
        public var bias: Double?
        public var mean: [Double]?
        public var scale: [Double]?
        public var platt: PlattScaling?
        public var threshold: Double?
        public var l2: Double?

        init(id: String, trained: Bool, positives: Int, negatives: Int) {
            self.id = id
            self.trained = trained
            self.positives = positives
            self.negatives = negatives
        }

        init(id: String, fit: CategoryFit, positives: Int, negatives: Int) {
            self.init(id: id, trained: true, positives: positives, negatives: negatives)
            var data = Data(capacity: fit.model.weights.count * 4)
            for w in fit.model.weights {
                withUnsafeBytes(of: Float(w).bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
            weights = data.base64EncodedString()
            bias = fit.model.bias
            mean = fit.standardizer?.mean
            scale = fit.standardizer?.scale
            platt = fit.platt
            threshold = fit.threshold
            l2 = fit.l2
        }
    }

    public var format = "supervised-coder/2"
    public var codebookName: String
    public var codebookVersion: String
    public var codebookFingerprint: String
    public var features: SupervisedFeatures
    public var embedding: EmbeddingDescription?
    public var labelSource: String
    public var labelledPosts: Int
    public var labelsFingerprint: String
    public var seed: UInt64
    public var gate: String?
    public var implications: [[String]]
    public var categories: [CategoryModel]
    /// First 12 hex digits of the sha256 of everything above: part of the coder's name.
    public var hash = ""

    /// e.g. `supervised:keep4o@1.1+3f2a9c01b7de`.
    public var coderName: String { "supervised:\(codebookName)@\(codebookVersion)+\(hash)" }

}

/// Codes posts with a loaded model.
public struct SupervisedPredictor: Sendable {
    public let model: SupervisedModel
    let builder: FeatureBuilder
    let fits: [CategoryFit?]

    public init(model: SupervisedModel, codebook: Codebook) {
        self.model = model
        builder = FeatureBuilder(
            kind: model.features, codebook: codebook, embeddingDimension: model.embedding?.dimension ?? 0)
        fits = model.categories.map { category in
            guard category.trained, let base64 = category.weights, let data = Data(base64Encoded: base64) else {
                return nil
            }
            var weights = [Double](repeating: 0, count: data.count / 4)
            data.withUnsafeBytes { raw in
                for i in weights.indices {
                    weights[i] = Double(
                        Float(
                            bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                    )
                }
            }
            let standardizer = category.mean.flatMap { mean in
                category.scale.map { Standardizer(mean: mean, scale: $0) }
            }
            return CategoryFit(
                model: LogisticFit(weights: weights, bias: category.bias ?? 0, iterations: 0, gradientNorm: 0),
                standardizer: standardizer, platt: category.platt ?? .identity,
                threshold: category.threshold ?? 0.5, l2: category.l2 ?? 0)
        }
    }

    /// One decision per category: present when the calibrated probability reaches the category's
    /// threshold; confidence = that probability. Untrained categories take the lexicon's decision.
    /// The codebook's implications and gate apply as for the lexicon coder.
    public func code(text: String, language: String?, thread: String?, vector: [Float]?) -> [CategoryDecision] {
        let x = builder.features(text: text, language: language, thread: thread, vector: vector)
        let needsLexicon = fits.contains { $0 == nil }
        let lexicon = needsLexicon ? builder.lexicon.code(text: text, language: language, thread: thread) : []
        let ids = model.categories.map(\.id)
        var probabilities = [Double](repeating: 0, count: ids.count)
        var present = [Bool](repeating: false, count: ids.count)
        for i in ids.indices {
            if let fit = fits[i] {
                probabilities[i] = fit.probability(x)
                present[i] = probabilities[i] >= fit.threshold
            } else {
                probabilities[i] = lexicon[i].confidence
                present[i] = lexicon[i].value
            }
        }
        return SupervisedPredictor.applyRules(
            ids: ids, present: present, probabilities: probabilities,
            sources: Self.sources(
                probabilities, thresholds: fits.map { $0?.threshold },
                modelName: model.features.rawValue),
            implications: model.implications, gate: model.gate)
    }

    /// The evidence item naming where each decision came from: the model with its calibrated
    /// probability and its decision threshold (active learning reads both), or the lexicon it fell
    /// back to (nil threshold).
    static func sources(_ probabilities: [Double], thresholds: [Double?], modelName: String) -> [String] {
        probabilities.indices.map { i in
            let p = (probabilities[i] * 1e6).rounded() / 1e6
            guard let threshold = thresholds[i] else { return #"{"fallback":"lexicon","p":\#(p)}"# }
            return #"{"model":"\#(modelName)","p":\#(p),"threshold":\#((threshold * 1e6).rounded() / 1e6)}"#
        }
    }

    /// The codebook's implications (to a fixpoint) and gate on one post's decisions.
    static func applyRules(
        ids: [String], present: [Bool], probabilities: [Double], sources: [String],
        implications: [[String]], gate: String?
    ) -> [CategoryDecision] {
        var present = present, probabilities = probabilities
        var notes = [[String]](repeating: [], count: ids.count)
        var changed = true
        while changed {
            changed = false
            for pair in implications where pair.count == 2 {
                if let from = ids.firstIndex(of: pair[0]), let to = ids.firstIndex(of: pair[1]), present[from],
                    !present[to]
                {
                    present[to] = true
                    probabilities[to] = max(probabilities[to], probabilities[from])
                    notes[to].append(#"{"rule":"implied_by","category":"\#(pair[0])"}"#)
                    changed = true
                }
            }
        }
        if let gate, let g = ids.firstIndex(of: gate), !present[g] {
            for i in ids.indices where i != g && present[i] {
                present[i] = false
                notes[i].append(#"{"rule":"gate","category":"\#(gate)"}"#)
            }
        }
        return ids.indices.map { i in
            CategoryDecision(
                category: ids[i], value: present[i], confidence: (probabilities[i] * 1e6).rounded() / 1e6,
                evidence: "[" + (notes[i] + [sources[i]]).joined(separator: ",") + "]")
        }
    }
}

extension CodeStage {
    /// Codes the posts with a trained supervised model, reading post embeddings when it needs them.
    public func runSupervised(
        model: SupervisedModel, codebook: Codebook, options: CodeOptions,
        space: EmbeddingDescription?, vectors: [Int64: [Float]]
    ) throws -> CodeSummary {
        try model.check(codebook: codebook, space: space)
        let predictor = SupervisedPredictor(model: model, codebook: codebook)
        if model.features.usesEmbeddings {
            let (posts, _, _) = try loadPosts(allPosts: options.allPosts)
            let missing = posts.filter { vectors[$0.id] == nil }
            if !missing.isEmpty {
                throw SupervisedError(
                    "\(missing.count) of \(posts.count) posts to code have no embedding in \(space!) "
                        + "(post_id \(missing.prefix(5).map { String($0.id) }.joined(separator: ", "))…): run `embed`"
                        + (options.allPosts ? " --all" : ""))
            }
        }
        return try run(
            coderName: model.coderName, codebook: codebook, kind: "supervised", options: options,
            extraParameters: [
                "model_hash": model.hash, "model_features": model.features.rawValue,
                "model_labels": model.labelSource, "labels_fingerprint": model.labelsFingerprint,
                "embedding": model.embedding?.description ?? "",
            ]
        ) { post in
            predictor.code(text: post.text, language: post.language, thread: post.thread, vector: vectors[post.id])
        }
    }
}
