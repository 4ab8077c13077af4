import Foundation
import XCTest

@testable import StudyKit

/// The supervised coder's parts: the logistic regression against scikit-learn, folds, thresholds,
/// calibration, training on planted signals, the model file and its refusals, and `code evaluate`.
final class SupervisedTests: XCTestCase {
    // MARK: Logistic regression against an independent implementation

    struct Dataset {
        var x: [[Double]]
        var y: [Bool]
        var weights: [Double]?
        var l2: Double
    }

    /// Seeded data sets of different sizes, dimensions, separations, class balances and weights.
    static func datasets() -> [Dataset] {
        var generator = SplitMix64(seed: 20_251_130)
        func normal() -> Double {
            let u = max(Double.random(in: 0..<1, using: &generator), 1e-300),
                v = Double.random(in: 0..<1, using: &generator)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        var out: [Dataset] = []
        for k in 0..<20 {
            let n = [30, 60, 120, 200, 300][k % 5], d = [2, 5, 12, 30][k % 4]
            let truth = (0..<d).map { _ in normal() * (k % 3 == 0 ? 2.5 : 0.8) }
            let shift = k % 4 == 1 ? -2.0 : 0.3  // some data sets have few positives
            var x: [[Double]] = [], y: [Bool] = []
            for _ in 0..<n {
                let row = (0..<d).map { _ in normal() }
                let z = zip(row, truth).reduce(shift) { $0 + $1.0 * $1.1 }
                x.append(row)
                y.append(Double.random(in: 0..<1, using: &generator) < 1 / (1 + exp(-z)))
            }
            if !y.contains(true) { y[0] = true }
            if !y.contains(false) { y[1] = false }
            let weights: [Double]? =
                k % 5 == 2 ? (0..<n).map { _ in Double.random(in: 0.2..<3, using: &generator) } : nil
            out.append(Dataset(x: x, y: y, weights: weights, l2: [0.01, 0.1, 1, 10][k % 4]))
        }
        return out
    }

    func testLogisticRegressionMatchesScikitLearnOnTwentySeededDataSets() throws {
        let datasets = Self.datasets()
        let dir = try TemporaryDirectory()
        let json: [[String: Any]] = datasets.map { d in
            ["x": d.x, "y": d.y.map { $0 ? 1 : 0 }, "weights": d.weights.map { $0 as Any } ?? NSNull(), "l2": d.l2]
        }
        let input = dir.path("datasets.json")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: input))
        let output = try outputOf(
            "/usr/bin/env", ["python3", Repository.path("Tests/StudyKitTests/Helpers/logistic_peer.py"), input])
        let peers = try JSONSerialization.jsonObject(with: output) as! [[String: Any]]
        XCTAssertEqual(peers.count, 20)
        for (k, (d, peer)) in zip(datasets, peers).enumerated() {
            var rows = FeatureRows(dimension: d.x[0].count)
            for row in d.x { rows.append(dense: row.map(Float.init)) }
            var settings = LogisticRegression.Settings()
            settings.l2 = d.l2
            // The peer sees the same float32-rounded values.
            let model = LogisticRegression.fit(rows, d.y, sampleWeights: d.weights, settings: settings)
            let coef = peer["coef"] as! [Double], intercept = peer["intercept"] as! Double
            let probabilities = peer["probabilities"] as! [Double]
            _ = coef
            let ours = model.logits(rows).map(LogisticRegression.sigmoid)
            let worst = zip(ours, probabilities).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-6, "data set \(k): probabilities differ by \(worst)")
            for (j, (a, b)) in zip(model.weights, coef).enumerated() {
                XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)), "data set \(k) coefficient \(j)")
            }
            XCTAssertEqual(model.bias, intercept, accuracy: 1e-5 * max(1, abs(intercept)), "data set \(k) intercept")
        }
    }

    func testLogisticRegressionFloat32PeerInputs() throws {
        // The peer reads doubles; ours stores features as float32. The data sets above are drawn as
        // doubles, so check the rounding is not what makes them agree: refit on rounded values.
        let d = Self.datasets()[3]
        var rows = FeatureRows(dimension: d.x[0].count)
        for row in d.x { rows.append(dense: row.map(Float.init)) }
        let a = LogisticRegression.fit(rows, d.y)
        let b = LogisticRegression.fit(rows, d.y)
        XCTAssertEqual(a, b, "same data, same fit")
        XCTAssertLessThan(a.gradientNorm, 1e-6)
    }

    // MARK: Folds, thresholds, calibration

    func testFoldsKeepGroupsTogetherAndSpreadPositives() {
        var groups: [Int64] = [], labels: [Bool] = []
        for g in 0..<60 {
            let size = g % 4 == 0 ? 3 : 1
            for _ in 0..<size {
                groups.append(Int64(g))
                labels.append(g % 6 == 0)
            }
        }
        let folds = Folds.groupedStratified(groups: groups, labels: labels, folds: 5, seed: 9)
        var foldOfGroup: [Int64: Int] = [:]
        for (g, f) in zip(groups, folds) {
            if let seen = foldOfGroup[g] { XCTAssertEqual(seen, f, "group \(g) split over folds") }
            foldOfGroup[g] = f
        }
        let positivesPerFold = (0..<5).map { f in
            Set(zip(groups, folds).filter { $0.1 == f && labels[groups.firstIndex(of: $0.0)!] }.map(\.0)).count
        }
        XCTAssertEqual(positivesPerFold, [2, 2, 2, 2, 2], "10 positive groups over 5 folds")
        XCTAssertEqual(Folds.groupedStratified(groups: groups, labels: labels, folds: 5, seed: 9), folds, "seeded")
        XCTAssertNotEqual(Folds.groupedStratified(groups: groups, labels: labels, folds: 5, seed: 10), folds)
    }

    func testF1ThresholdOnAWorkedExample() {
        // Sorted by probability: 0.9 (yes) 0.8 (no) 0.7 (yes) 0.4 (yes) 0.2 (no); 3 positives.
        // Cut after 0.9: F1 = 2/(2+0+2) = 0.5; after 0.8: 2/(2+1+2) = 0.4; after 0.7: 4/(4+1+1) = 0.667;
        // after 0.4: 6/(6+1+0) = 0.857 (best); after 0.2: 6/(6+2) = 0.75. Threshold: (0.4 + 0.2) / 2.
        let t = F1Threshold.choose(probabilities: [0.4, 0.9, 0.2, 0.7, 0.8], labels: [true, true, false, true, false])
        XCTAssertEqual(t, 0.3, accuracy: 1e-12)
        XCTAssertEqual(F1Threshold.choose(probabilities: [0.1, 0.2], labels: [false, false]), 0.5)
    }

    func testPlattScalingRecoversAKnownCalibration() {
        // Labels drawn with P(y) = σ(2z − 1): the fitted scaling must be close to a = 2, b = −1.
        var generator = SplitMix64(seed: 5)
        var logits: [Double] = [], labels: [Bool] = []
        for _ in 0..<20_000 {
            let z = Double.random(in: -3..<3, using: &generator)
            logits.append(z)
            labels.append(Double.random(in: 0..<1, using: &generator) < LogisticRegression.sigmoid(2 * z - 1))
        }
        let platt = PlattScaling.fit(logits: logits, labels: labels)
        XCTAssertEqual(platt.a, 2, accuracy: 0.1)
        XCTAssertEqual(platt.b, -1, accuracy: 0.1)
    }

    // MARK: The supervised coder on planted signals

    static let plantedYAML = """
        name: planted
        version: "0.1"
        languages: [en]
        gate: relevant
        implications:
          - companion implies attachment
        categories:
          - id: relevant
            definition: About 4o.
            indicators:
              any: [4o]
          - id: companion
            definition: A friend.
            indicators:
              en: [best friend]
          - id: attachment
            definition: A bond.
            indicators:
              en: [miss him]
          - id: grief
            definition: Mourning.
            indicators:
              en: [cried]
        """

    /// Posts of filler words; grief is present exactly when the token `zorvex` occurs (which no
    /// indicator lists), companion when `best friend` does (which the lexicon knows).
    static func plantedPosts(_ count: Int, seed: UInt64, offset: Int64 = 0) -> [LabelledPost] {
        var generator = SplitMix64(seed: seed)
        let filler = [
            "model", "today", "night", "update", "answer", "really", "again", "write", "phone", "app",
            "the", "and", "with", "about", "still",
        ]
        return (0..<count).map { i in
            var words = (0..<Int.random(in: 5...12, using: &generator)).map { _ in
                filler.randomElement(using: &generator)!
            }
            let relevant = Double.random(in: 0..<1, using: &generator) < 0.85
            let grief = relevant && Bool.random(using: &generator)
            let companion = relevant && Double.random(in: 0..<1, using: &generator) < 0.3
            if grief { words.insert("zorvex", at: Int.random(in: 0...words.count, using: &generator)) }
            if companion { words.insert("best friend", at: Int.random(in: 0...words.count, using: &generator)) }
            let text = (relevant ? "4o " : "weather ") + words.joined(separator: " ")
            return LabelledPost(
                postID: offset + Int64(i + 1), key: "x:\(offset + Int64(i + 1))", text: text,
                labels: ["relevant": relevant, "companion": companion, "attachment": companion, "grief": grief])
        }
    }

    func testSupervisedCoderLearnsWhatTheLexiconCannotAndKeepsWhatItKnows() throws {
        let codebook = try CodebookLoader.parse(yaml: Self.plantedYAML, path: "planted.yaml")
        let posts = Self.plantedPosts(200, seed: 11)
        var settings = SupervisedSettings()
        settings.seed = 7
        settings.l2Grid = [1, 10]
        settings.innerFolds = 3
        for kind in [SupervisedFeatures.charNGrams, .lexicon] {
            let builder = FeatureBuilder(kind: kind, codebook: codebook)
            let (cross, _) = CoderEvaluation.crossValidate(
                posts, vectors: [:], builder: builder, codebook: codebook,
                folds: 5, fraction: 1, settings: settings)
            let scored = CoderEvaluation.score(
                posts: posts, categories: codebook.categories.map(\.id), reference: "truth",
                coders: [cross], baseline: nil, bootstrap: Bootstrap(replicates: 200, seed: 1))[0]
            let kappa = Dictionary(
                uniqueKeysWithValues: scored.categories.map { ($0.category, $0.scores.counts.kappa) })
            XCTAssertGreaterThan(kappa["companion"]!, 0.95, "\(kind): the lexicon feature carries companion")
            if kind == .charNGrams {
                XCTAssertGreaterThan(kappa["grief"]!, 0.9, "character n-grams find the planted token")
            } else {
                XCTAssertLessThan(kappa["grief"]!, 0.3, "the lexicon's features know nothing of the planted token")
            }
        }
        // The final model: same seed, same model and hash; saved and loaded, same decisions.
        let builder = FeatureBuilder(kind: .charNGrams, codebook: codebook)
        let model = try SupervisedTrainer.train(
            posts, vectors: [:], builder: builder, codebook: codebook,
            labelSource: "adjudicated", embedding: nil, settings: settings)
        let again = try SupervisedTrainer.train(
            posts, vectors: [:], builder: builder, codebook: codebook,
            labelSource: "adjudicated", embedding: nil, settings: settings)
        XCTAssertEqual(model.hash, again.hash)
        XCTAssertEqual(model.coderName, "supervised:planted@0.1+\(model.hash)")
        XCTAssertEqual(model.hash.count, 12)
        let dir = try TemporaryDirectory()
        try model.save(path: dir.path("model.json"))
        let loaded = try SupervisedModel.load(path: dir.path("model.json"))
        let heldOut = Self.plantedPosts(200, seed: 99, offset: 1000)
        let a = SupervisedPredictor(model: model, codebook: codebook),
            b = SupervisedPredictor(model: loaded, codebook: codebook)
        var correct = 0
        for post in heldOut {
            let decisions = b.code(text: post.text, language: "en", thread: nil, vector: nil)
            XCTAssertEqual(
                decisions.map(\.value), a.code(text: post.text, language: "en", thread: nil, vector: nil).map(\.value))
            if decisions[3].value == post.labels["grief"] { correct += 1 }
            // Probabilities are calibrated numbers in [0, 1] and stored as the confidence.
            XCTAssertTrue(decisions.allSatisfy { (0...1).contains($0.confidence) })
            XCTAssertTrue(decisions[3].evidence.contains(#""model":"char-ngrams""#))
        }
        XCTAssertGreaterThan(Double(correct) / 200, 0.9)
    }

    func testModelFileRefusesAnotherCodebookOrEmbeddingAndEdits() throws {
        let codebook = try CodebookLoader.parse(yaml: Self.plantedYAML, path: "planted.yaml")
        let builder = FeatureBuilder(kind: .lexicon, codebook: codebook)
        let space = EmbeddingDescription(
            model: "multilingual-e5-small-q4", inputProfile: #"{"prefix":"query: "}"#, dimension: 384)
        var model = try SupervisedTrainer.train(
            Self.plantedPosts(120, seed: 3), vectors: [:], builder: builder,
            codebook: codebook, labelSource: "adjudicated", embedding: nil,
            settings: SupervisedSettings())
        XCTAssertNoThrow(try model.check(codebook: codebook, space: nil))
        let edited = try CodebookLoader.parse(
            yaml: Self.plantedYAML.replacingOccurrences(of: "version: \"0.1\"", with: "version: \"0.2\""),
            path: "planted-0.2.yaml")
        XCTAssertThrowsError(try model.check(codebook: edited, space: nil)) {
            XCTAssertTrue("\($0)".contains("was trained with codebook planted@0.1"), "\($0)")
            XCTAssertTrue("\($0)".contains("not planted@0.2"), "\($0)")
        }
        model.embedding = space
        XCTAssertThrowsError(try model.check(codebook: codebook, space: nil)) {
            XCTAssertTrue("\($0)".contains("needs post embeddings"), "\($0)")
        }
        let other = EmbeddingDescription(model: "bge-m3", inputProfile: #"{"prefix":""}"#, dimension: 1024)
        XCTAssertThrowsError(try model.check(codebook: codebook, space: other)) {
            XCTAssertTrue("\($0)".contains("was trained on embeddings of multilingual-e5-small-q4"), "\($0)")
        }
        XCTAssertNoThrow(try model.check(codebook: codebook, space: space))
        // A file edited by hand no longer matches its hash.
        let dir = try TemporaryDirectory()
        model.hash = model.contentHash()
        try model.save(path: dir.path("m.json"))
        let text = try String(contentsOfFile: dir.path("m.json"), encoding: .utf8)
        try text.replacingOccurrences(of: #""labelSource":"adjudicated""#, with: #""labelSource":"human:bob""#)
            .write(toFile: dir.path("m.json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SupervisedModel.load(path: dir.path("m.json"))) {
            XCTAssertTrue("\($0)".contains("was changed after `code train` wrote it"), "\($0)")
        }
    }

    func testTooFewLabelsFallBackToTheLexiconOrRefuse() throws {
        let codebook = try CodebookLoader.parse(yaml: Self.plantedYAML, path: "planted.yaml")
        let builder = FeatureBuilder(kind: .lexicon, codebook: codebook)
        XCTAssertThrowsError(
            try SupervisedTrainer.train(
                Self.plantedPosts(12, seed: 3), vectors: [:], builder: builder,
                codebook: codebook, labelSource: "adjudicated", embedding: nil,
                settings: SupervisedSettings())
        ) {
            XCTAssertTrue(
                "\($0)".contains("too few labels from coder 'adjudicated' to train (12 posts labelled)"), "\($0)")
            XCTAssertTrue("\($0)".contains("at least 10 positive and 10 negative labels"), "\($0)")
        }
        // 100 posts: grief (about 40%) has enough of both labels, companion (about 25%) does not
        // reach the bar of 30 positives: it falls back to the lexicon.
        var settings = SupervisedSettings()
        settings.minPerClass = 30
        let posts = Self.plantedPosts(100, seed: 4)
        let expected = ["relevant", "companion", "attachment", "grief"].filter { category in
            let positives = posts.filter { $0.labels[category]! }.count
            return positives >= 30 && posts.count - positives >= 30
        }
        XCTAssertEqual(expected, ["grief"], "the planted counts this test relies on")
        let model = try SupervisedTrainer.train(
            posts, vectors: [:], builder: builder,
            codebook: codebook, labelSource: "adjudicated", embedding: nil, settings: settings)
        XCTAssertEqual(model.categories.filter(\.trained).map(\.id), expected)
        let decision = SupervisedPredictor(model: model, codebook: codebook)
            .code(text: "4o my best friend", language: "en", thread: nil, vector: nil)
        XCTAssertTrue(decision[1].value)
        XCTAssertTrue(decision[1].evidence.contains(#""fallback":"lexicon""#))
    }
}
