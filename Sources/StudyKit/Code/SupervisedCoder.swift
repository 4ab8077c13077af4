import Foundation

public struct SupervisedError: UserFacingError {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A post with the labels one coder gave it (category → present), the training input.
public struct LabelledExample: Sendable {
    public var text: String
    public var labels: [String: Bool]
    public init(text: String, labels: [String: Bool]) {
        self.text = text
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

/// A deterministic random number generator (SplitMix64), so training is reproducible by seed.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// Binary logistic regression trained by SGD with L2 and balanced class weights.
struct LogisticRegression {
    var weights: [Float]
    var bias: Float = 0

    init(dimension: Int) { weights = [Float](repeating: 0, count: dimension) }

    func probability(_ x: [(Int, Float)]) -> Double {
        var z = Double(bias)
        for (i, v) in x { z += Double(weights[i] * v) }
        return 1 / (1 + exp(-z))
    }

    static func train(_ xs: [[(Int, Float)]], _ ys: [Bool], dimension: Int, epochs: Int = 15,
                      seed: UInt64) -> LogisticRegression {
        var model = LogisticRegression(dimension: dimension)
        let positives = ys.filter { $0 }.count, negatives = ys.count - positives
        let positiveWeight = Double(ys.count) / Double(2 * max(1, positives))
        let negativeWeight = Double(ys.count) / Double(2 * max(1, negatives))
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<xs.count)
        let lambda = 1e-5
        var step = 0
        for _ in 0..<epochs {
            order.shuffle(using: &generator)
            for index in order {
                step += 1
                let rate = 0.5 / (1 + 0.001 * Double(step))
                let p = model.probability(xs[index])
                let y: Double = ys[index] ? 1 : 0
                let gradient = (p - y) * (ys[index] ? positiveWeight : negativeWeight)
                for (i, v) in xs[index] {
                    let w = Double(model.weights[i])
                    model.weights[i] = Float(w - rate * (gradient * Double(v) + lambda * w))
                }
                model.bias = Float(Double(model.bias) - rate * gradient)
            }
        }
        return model
    }
}

/// Coder 2: one logistic-regression model per category, saved as JSON (weights as base64 float32).
public struct SupervisedModel: Codable, Sendable {
    public struct CategoryModel: Codable, Sendable {
        public var id: String
        public var bias: Float
        public var weights: String
    }

    public var codebookName: String
    public var codebookVersion: String
    public var labelSource: String
    public var seed: UInt64
    public var bucketBits: Int
    public var labels: Int
    public var gate: String?
    public var implications: [[String]]
    public var categories: [CategoryModel]

    /// e.g. `supervised:keep4o@1.0+adjudicated`.
    public var coderName: String { "supervised:\(codebookName)@\(codebookVersion)+\(labelSource)" }

    public static func load(path: String) throws -> SupervisedModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SupervisedError("\(path): cannot read the model file; train one with `code train`")
        }
        do { return try JSONDecoder().decode(SupervisedModel.self, from: data) } catch {
            throw SupervisedError("\(path): not a model saved by `code train` (\(error))")
        }
    }

    public func save(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    /// Decoded weights, once per coder.
    public func predictor() -> SupervisedPredictor { SupervisedPredictor(model: self) }
}

public struct SupervisedPredictor: Sendable {
    let model: SupervisedModel
    let regressions: [LogisticRegression]

    init(model: SupervisedModel) {
        self.model = model
        regressions = model.categories.map { category in
            var regression = LogisticRegression(dimension: 1 << model.bucketBits)
            let data = Data(base64Encoded: category.weights) ?? Data()
            data.withUnsafeBytes { raw in
                for i in 0..<min(regression.weights.count, data.count / 4) {
                    regression.weights[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                }
            }
            regression.bias = category.bias
            return regression
        }
    }

    /// One decision per category: present when P ≥ 0.5; confidence = P(present). Implications
    /// and the gate of the codebook are applied as for the lexicon coder.
    public func code(text: String) -> [CategoryDecision] {
        let x = CharNGrams.features(text)
        var probabilities = regressions.map { $0.probability(x) }
        var present = probabilities.map { $0 >= 0.5 }
        let ids = model.categories.map(\.id)
        var notes = [[String]](repeating: [], count: ids.count)
        var changed = true
        while changed {
            changed = false
            for pair in model.implications where pair.count == 2 {
                if let from = ids.firstIndex(of: pair[0]), let to = ids.firstIndex(of: pair[1]), present[from], !present[to] {
                    present[to] = true
                    probabilities[to] = max(probabilities[to], probabilities[from])
                    notes[to].append(#"{"rule":"implied_by","category":"\#(pair[0])"}"#)
                    changed = true
                }
            }
        }
        if let gate = model.gate, let g = ids.firstIndex(of: gate), !present[g] {
            for i in ids.indices where i != g && present[i] {
                present[i] = false
                notes[i].append(#"{"rule":"gate","category":"\#(gate)"}"#)
            }
        }
        return ids.indices.map { i in
            let p = (probabilities[i] * 1e6).rounded() / 1e6
            let evidence = "[" + (notes[i] + [#"{"model":"char-ngram-logreg","p":\#(p)}"#]).joined(separator: ",") + "]"
            return CategoryDecision(category: ids[i], value: present[i], confidence: p, evidence: evidence)
        }
    }
}

/// Trains the supervised coder and cross-validates it.
public struct SupervisedTrainer {
    public static let defaultMinPerClass = 10
    public var seed: UInt64
    public var minPerClass = SupervisedTrainer.defaultMinPerClass

    public init(seed: UInt64) { self.seed = seed }

    public struct Scores: Sendable {
        public let category: String
        public let positives: Int
        public let negatives: Int
        public let precision: Double
        public let recall: Double
        public let f1: Double
    }

    public struct Result: Sendable {
        public let model: SupervisedModel
        public let crossValidation: [Scores]
    }

    /// The labels of one coder from `codings`, with the posts' NFKC text.
    public static func labelledExamples(_ db: Database, coder: String, codebook: Codebook) throws -> [LabelledExample] {
        // Near and exact copies of one post in different folds would inflate the cross-validated
        // scores: when dedupe has run, only canonical posts are used.
        var hasClusters = (try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'post_clusters'") ?? 0) > 0
        if hasClusters { hasClusters = (try db.scalarInt("SELECT count(*) FROM post_clusters") ?? 0) > 0 }
        let canonicalOnly = hasClusters ? " AND c.post_id IN (SELECT post_id FROM post_clusters WHERE post_id = canonical_post_id)" : ""
        let rows = try db.query("""
            SELECT c.post_id, p.text_nfkc, c.category, c.value FROM codings c JOIN posts p ON p.post_id = c.post_id
            WHERE c.coder = ?\(canonicalOnly) ORDER BY c.post_id, c.category
            """, [.text(coder)])
        var examples: [LabelledExample] = []
        var current: Int? = nil
        for row in rows {
            let id = row.int(0)!
            if id != current {
                examples.append(LabelledExample(text: row.text(1) ?? "", labels: [:]))
                current = id
            }
            examples[examples.count - 1].labels[row.text(2)!] = row.int(3) == 1
        }
        return examples
    }

    public func train(examples: [LabelledExample], codebook: Codebook, folds: Int, labelSource: String) throws -> Result {
        guard folds >= 2 else { throw SupervisedError("--folds must be at least 2") }
        let categories = codebook.categories.map(\.id)
        var short: [String] = []
        for category in categories {
            let labelled = examples.compactMap { $0.labels[category] }
            let positives = labelled.filter { $0 }.count, negatives = labelled.count - positives
            if positives < minPerClass || negatives < minPerClass {
                short.append("\(category): \(positives) positive, \(negatives) negative")
            }
        }
        if !short.isEmpty {
            throw SupervisedError("too few labels from coder '\(labelSource)' to train (\(examples.count) posts labelled). "
                + "Each category needs at least \(minPerClass) positive and \(minPerClass) negative labels; short: "
                + short.joined(separator: "; "))
        }
        let dimension = 1 << CharNGrams.bucketBits
        let features = examples.map { CharNGrams.features($0.text) }
        var generator = SeededGenerator(seed: seed)
        var foldOf = Array(0..<examples.count).map { $0 % folds }
        foldOf.shuffle(using: &generator)

        var scores: [Scores] = []
        var models: [SupervisedModel.CategoryModel] = []
        for (c, category) in categories.enumerated() {
            let indices = examples.indices.filter { examples[$0].labels[category] != nil }
            let ys = indices.map { examples[$0].labels[category]! }
            var tp = 0, fp = 0, fn = 0
            for fold in 0..<folds {
                let train = indices.indices.filter { foldOf[indices[$0]] != fold }
                let test = indices.indices.filter { foldOf[indices[$0]] == fold }
                let model = LogisticRegression.train(train.map { features[indices[$0]] }, train.map { ys[$0] },
                                                     dimension: dimension, seed: seed &+ UInt64(c * 100 + fold))
                for t in test {
                    let predicted = model.probability(features[indices[t]]) >= 0.5
                    if predicted && ys[t] { tp += 1 } else if predicted { fp += 1 } else if ys[t] { fn += 1 }
                }
            }
            let precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : 0
            let recall = tp + fn > 0 ? Double(tp) / Double(tp + fn) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            scores.append(Scores(category: category, positives: ys.filter { $0 }.count, negatives: ys.filter { !$0 }.count,
                                 precision: precision, recall: recall, f1: f1))
            let final = LogisticRegression.train(indices.map { features[$0] }, ys, dimension: dimension, seed: seed &+ UInt64(c))
            var data = Data(capacity: dimension * 4)
            for w in final.weights { withUnsafeBytes(of: w.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            models.append(.init(id: category, bias: final.bias, weights: data.base64EncodedString()))
        }
        let model = SupervisedModel(codebookName: codebook.name, codebookVersion: codebook.version, labelSource: labelSource,
                                    seed: seed, bucketBits: CharNGrams.bucketBits, labels: examples.count, gate: codebook.gate,
                                    implications: codebook.implications.map { [$0.from, $0.to] }, categories: models)
        return Result(model: model, crossValidation: scores)
    }

    public static func renderCrossValidation(_ scores: [Scores], labels: Int, folds: Int) -> String {
        var text = "\(folds)-fold cross-validation on \(labels) labelled posts\n"
        text += "category                    pos   neg  precision  recall     F1\n"
        for s in scores {
            text += s.category.padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(format: "%5d %5d  %9.3f  %6.3f  %5.3f\n", s.positives, s.negatives, s.precision, s.recall, s.f1)
        }
        return text
    }
}

extension CodeStage {
    /// Codes the posts with a trained supervised model.
    public func runSupervised(model: SupervisedModel, codebook: Codebook, options: CodeOptions) throws -> CodeSummary {
        guard model.codebookName == codebook.name, model.categories.map(\.id) == codebook.categories.map(\.id) else {
            throw SupervisedError("the model was trained for codebook \(model.codebookName)@\(model.codebookVersion), whose categories differ from \(codebook.name)@\(codebook.version); retrain with `code train`")
        }
        let predictor = model.predictor()
        return try run(coderName: model.coderName, codebook: codebook, kind: "supervised", options: options,
                       extraParameters: ["model_labels": String(model.labels), "model_seed": String(model.seed)]) { post in
            predictor.code(text: post.text)
        }
    }
}
