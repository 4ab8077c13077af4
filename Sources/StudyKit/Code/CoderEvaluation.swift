import Foundation

/// `code evaluate`: every coder against a reference coder's labels, per category, with bootstrap
/// intervals. Coders with stored codings are scored as they are; supervised coders are scored by
/// k-fold cross-validation on the reference labels (folds grouped by dedupe cluster and stratified
/// by label), so no post is scored by a model that saw its label. Reads only; writes nothing.
public enum CoderEvaluation {
    public struct Options: Sendable {
        public var reference = HumanCoder.adjudicated
        /// Coders whose stored codings are scored (empty: every automated coder in `codings`).
        public var storedCoders: [String] = []
        /// Supervised coders to cross-validate.
        public var crossValidated: [SupervisedFeatures] = [.embeddingLexicon]
        public var folds = 5
        /// Shares of the training folds for the learning curve (1 is the full cross-validation).
        public var fractions: [Double] = [0.25, 0.5, 1]
        public var bootstrap = Bootstrap(replicates: 1000, seed: 4242)
        public var settings = SupervisedSettings()
        /// Kappa differences are reported against this coder (e.g. the lexicon).
        public var baseline: String?
        public init() {}
    }

    /// One coder's predictions on the evaluated posts (nil: no decision for that post and category).
    public struct Predictions: Sendable {
        public var coder: String
        public var description: String
        public var values: [[Bool?]]
        /// Categories decided by the lexicon because the coder could not be trained for them.
        public var fallback: Set<String> = []
    }

    public struct CategoryResult: Sendable {
        public var category: String
        public var positives: Int
        public var scores: ClassifierScores
        /// Kappa minus the baseline's kappa on the same posts, with a paired bootstrap interval.
        public var kappaDifference: Estimate?
        public var fallback: Bool
    }

    public struct CoderResult: Sendable {
        public var coder: String
        public var description: String
        public var posts: Int
        public var categories: [CategoryResult]
    }

    public struct LearningCurve: Sendable {
        public var coder: String
        public var fractions: [Double]
        /// Labelled posts in the training folds at each fraction (summed over folds / folds).
        public var trainingPosts: [Int]
        public var kappa: [String: [Estimate]]
    }

    public struct Report: Sendable {
        public var reference: String
        public var posts: Int
        public var categories: [String]
        public var coders: [CoderResult]
        public var learningCurves: [LearningCurve]
        public var baseline: String?
        public var notes: [String]
    }

    /// Stored codings of `coder` for the evaluated posts.
    public static func storedPredictions(
        _ db: Database, coder: String, posts: [LabelledPost],
        categories: [String]
    ) throws -> Predictions {
        let index = Dictionary(uniqueKeysWithValues: posts.enumerated().map { ($1.postID, $0) })
        let categoryIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        var values = [[Bool?]](repeating: [Bool?](repeating: nil, count: categories.count), count: posts.count)
        try db.forEachRow("SELECT post_id, category, value FROM codings WHERE coder = ?", [.text(coder)]) { row in
            guard let i = index[try row.required(int64: "post_id")],
                let c = categoryIndex[try row.required(text: "category")]
            else { return }
            values[i][c] = try row.required(int: "value") == 1
        }
        return Predictions(coder: coder, description: "stored codings", values: values)
    }

    /// Out-of-fold predictions of a supervised coder (every post predicted by a model trained
    /// without it), with `fraction` of each training fold's groups used (the learning curve).
    public static func crossValidate(
        _ posts: [LabelledPost], vectors: [Int64: [Float]], builder: FeatureBuilder,
        codebook: Codebook, folds: Int, fraction: Double,
        settings: SupervisedSettings
    ) -> (predictions: Predictions, trainingPosts: Int) {
        let categories = codebook.categories.map(\.id)
        let (trained, _) = SupervisedTrainer.trainable(posts, codebook: codebook, minPerClass: settings.minPerClass)
        let rows = builder.rows(posts, vectors: vectors)
        var present = [[Bool]](repeating: [Bool](repeating: false, count: categories.count), count: posts.count)
        var probability = [[Double]](repeating: [Double](repeating: 0, count: categories.count), count: posts.count)
        var labelled = [[Bool]](repeating: [Bool](repeating: false, count: categories.count), count: posts.count)
        var trainingPosts = 0
        for (c, category) in categories.enumerated() {
            let members = posts.indices.filter { posts[$0].labels[category] != nil }
            for i in members { labelled[i][c] = true }
            guard trained.contains(category) else {
                for i in members {
                    let decision = builder.lexicon.code(
                        text: posts[i].text, language: posts[i].language,
                        thread: posts[i].thread)[c]
                    present[i][c] = decision.value
                    probability[i][c] = decision.confidence
                }
                continue
            }
            let labels = members.map { posts[$0].labels[category]! }
            let groups = members.map { posts[$0].group }
            let seed = settings.seed &+ UInt64(c) &* 1000
            let foldOf = Folds.groupedStratified(groups: groups, labels: labels, folds: folds, seed: seed)
            for fold in 0..<folds {
                var train = members.indices.filter { foldOf[$0] != fold }
                let test = members.indices.filter { foldOf[$0] == fold }
                if fraction < 1 {
                    train = subsample(
                        train, labels: labels, groups: groups, fraction: fraction, seed: seed &+ UInt64(fold))
                }
                if c == 0 { trainingPosts += train.count }
                let trainLabels = train.map { labels[$0] }
                guard trainLabels.filter({ $0 }).count >= 2, trainLabels.filter({ !$0 }).count >= 2 else {
                    // Too few labels left in this fold at this fraction: nothing can be learned.
                    continue
                }
                let fit = SupervisedTrainer.fitCategory(
                    rows.subset(train.map { members[$0] }), labels: trainLabels,
                    groups: train.map { groups[$0] }, dense: builder.kind.isDense,
                    settings: settings, seed: seed &+ UInt64(fold) &* 7)
                for t in test {
                    let i = members[t]
                    let p = fit.probability(rows.row(i))
                    probability[i][c] = p
                    present[i][c] = p >= fit.threshold
                }
            }
        }
        var values = [[Bool?]]()
        for i in posts.indices {
            let decisions = SupervisedPredictor.applyRules(
                ids: categories, present: present[i], probabilities: probability[i],
                sources: categories.map { _ in "{}" },
                implications: codebook.implications.map { [$0.from, $0.to] },
                gate: codebook.gate)
            values.append(decisions.enumerated().map { labelled[i][$0.offset] ? $0.element.value : nil })
        }
        let name = "supervised:\(codebook.name)@\(codebook.version)+\(builder.kind.rawValue)"
        return (
            Predictions(
                coder: name, description: "\(folds)-fold cross-validation, features \(builder.kind.rawValue)",
                values: values, fallback: Set(categories.filter { !trained.contains($0) })),
            trainingPosts / max(1, folds)
        )
    }

    /// `fraction` of the training groups, positives and negatives separately, in seeded order.
    static func subsample(_ indices: [Int], labels: [Bool], groups: [Int64], fraction: Double, seed: UInt64) -> [Int] {
        var positiveGroups: Set<Int64> = []
        for i in indices where labels[i] { positiveGroups.insert(groups[i]) }
        let distinct = Array(Set(indices.map { groups[$0] }))
        func key(_ g: Int64) -> UInt64 { mixedKey(seed ^ UInt64(bitPattern: g)) }
        var kept: Set<Int64> = []
        for isPositive in [true, false] {
            let members = distinct.filter { positiveGroups.contains($0) == isPositive }.sorted {
                (key($0), $0) < (key($1), $1)
            }
            let count = max(min(2, members.count), Int((Double(members.count) * fraction).rounded()))
            kept.formUnion(members.prefix(count))
        }
        return indices.filter { kept.contains(groups[$0]) }
    }

    /// Scores every coder; `cross` are out-of-fold predictions of supervised coders.
    public static func score(
        posts: [LabelledPost], categories: [String], reference: String,
        coders: [Predictions], baseline: String?, bootstrap: Bootstrap
    ) -> [CoderResult] {
        let base = coders.first { $0.coder == baseline }
        return coders.map { coder in
            let results = categories.enumerated().map { (c, category) -> CategoryResult in
                var predicted: [Bool] = [], truth: [Bool] = [], groups: [Int64] = [], basePredicted: [Bool] = []
                for (i, post) in posts.enumerated() {
                    guard let label = post.labels[category], let value = coder.values[i][c] else { continue }
                    if let base, base.values[i][c] == nil { continue }
                    predicted.append(value)
                    truth.append(label)
                    groups.append(post.group)
                    if let base { basePredicted.append(base.values[i][c]!) }
                }
                let scores = ClassifierScores.compute(
                    predicted: predicted, reference: truth, groups: groups, bootstrap: bootstrap)
                var difference: Estimate?
                if base != nil && coder.coder != baseline {
                    difference = pairedKappaDifference(
                        predicted, basePredicted, reference: truth, groups: groups,
                        bootstrap: bootstrap)
                }
                return CategoryResult(
                    category: category, positives: truth.filter { $0 }.count, scores: scores,
                    kappaDifference: difference, fallback: coder.fallback.contains(category))
            }
            return CoderResult(
                coder: coder.coder, description: coder.description,
                posts: coder.values.filter { $0.contains { $0 != nil } }.count, categories: results)
        }
    }

    /// κ(a) − κ(b) on the same posts, with a percentile interval from resampling groups (paired).
    public static func pairedKappaDifference(
        _ a: [Bool], _ b: [Bool], reference: [Bool], groups: [Int64],
        bootstrap: Bootstrap
    ) -> Estimate {
        let point =
            BinaryCounts(predicted: a, reference: reference).kappa
            - BinaryCounts(predicted: b, reference: reference).kappa
        var order: [Int64] = []
        var units: [Int64: (BinaryCounts, BinaryCounts)] = [:]
        for i in a.indices {
            if units[groups[i]] == nil {
                order.append(groups[i])
                units[groups[i]] = (BinaryCounts(), BinaryCounts())
            }
            units[groups[i]]!.0.add(predicted: a[i], reference: reference[i])
            units[groups[i]]!.1.add(predicted: b[i], reference: reference[i])
        }
        let list = order.map { units[$0]! }
        var generator = SplitMix64(seed: bootstrap.seed)
        var draws: [Double] = []
        if !list.isEmpty {
            for _ in 0..<bootstrap.replicates {
                var ca = BinaryCounts(), cb = BinaryCounts()
                for _ in 0..<list.count {
                    let u = list[generator.index(below: list.count)]
                    ca.tp += u.0.tp
                    ca.fp += u.0.fp
                    ca.fn += u.0.fn
                    ca.tn += u.0.tn
                    cb.tp += u.1.tp
                    cb.fp += u.1.fp
                    cb.fn += u.1.fn
                    cb.tn += u.1.tn
                }
                let d = ca.kappa - cb.kappa
                if d.isFinite { draws.append(d) }
            }
        }
        draws.sort()
        guard !draws.isEmpty, draws.count * 2 >= bootstrap.replicates else {
            return Estimate(value: point, low: .nan, high: .nan)
        }
        let tail = (1 - bootstrap.level) / 2
        return Estimate(value: point, low: Bootstrap.quantile(draws, tail), high: Bootstrap.quantile(draws, 1 - tail))
    }

    // MARK: Rendering

    static func number(_ x: Double) -> String { x.isFinite ? String(format: "%.2f", x) : "  - " }
    static func interval(_ e: Estimate) -> String {
        e.low.isFinite ? "\(number(e.value)) [\(number(e.low)), \(number(e.high))]" : "\(number(e.value)) [  - ,   - ]"
    }

    public static func render(_ report: Report) -> String {
        var out =
            "Coders against '\(report.reference)' on \(report.posts) labelled posts "
            + "(95% intervals: bootstrap over dedupe clusters)\n"
        for note in report.notes { out += "note: \(note)\n" }
        for coder in report.coders {
            out += "\n\(coder.coder) (\(coder.description))\n"
            out +=
                pad("  category", toWidth: 26) + "  pos  " + pad("precision", toWidth: 19) + pad("recall", toWidth: 19)
                + pad("F1", toWidth: 19) + "kappa\n"
            for r in coder.categories {
                let e = r.scores.estimates
                out +=
                    pad("  " + r.category + (r.fallback ? "*" : ""), toWidth: 26)
                    + String(format: " %4d  ", r.positives)
                    + pad(interval(e[.precision]!), toWidth: 19) + pad(interval(e[.recall]!), toWidth: 19)
                    + pad(interval(e[.f1]!), toWidth: 19) + interval(e[.kappa]!) + "\n"
            }
            if coder.categories.contains(where: \.fallback) {
                out += "  * too few labels to train: the lexicon's decision\n"
            }
        }
        if let baseline = report.baseline {
            out += "\nKappa minus the kappa of \(baseline) (paired bootstrap)\n"
            let others = report.coders.filter { $0.coder != baseline }
            out += pad("  category", toWidth: 26) + others.map { pad($0.coder, toWidth: 30) }.joined() + "\n"
            for (c, category) in report.categories.enumerated() {
                out += pad("  " + category, toWidth: 26)
                for coder in others {
                    out += pad(coder.categories[c].kappaDifference.map(interval) ?? "-", toWidth: 30)
                }
                out += "\n"
            }
        }
        for curve in report.learningCurves {
            out += "\nLearning curve of \(curve.coder): kappa (cross-validated) by share of the training labels\n"
            out +=
                pad("  category", toWidth: 26)
                + zip(curve.fractions, curve.trainingPosts).map { pad("\(Int($0 * 100))% (\($1) posts)", toWidth: 22) }
                .joined() + "\n"
            for category in report.categories {
                guard let values = curve.kappa[category] else { continue }
                out += pad("  " + category, toWidth: 26) + values.map { pad(interval($0), toWidth: 22) }.joined() + "\n"
            }
        }
        return out
    }
}

extension CoderEvaluation {
    /// Loads the reference labels, the stored coders' codings and the embeddings, cross-validates
    /// the supervised coders, and scores everything.
    public static func run(_ db: Database, codebook: Codebook, options: Options) throws -> Report {
        let categories = codebook.categories.map(\.id)
        let posts = try SupervisedTrainer.labelledPosts(db, coder: options.reference, codebook: codebook)
        guard !posts.isEmpty else {
            throw StudyError(
                "no labels by '\(options.reference)' for codebook \(codebook.name)@\(codebook.version) in "
                    + "\(db.path): import them with `annotate import-labels FILE --coder NAME`")
        }
        var notes: [String] = []
        var storedNames = options.storedCoders
        if storedNames.isEmpty {
            try db.forEachRow(
                """
                SELECT DISTINCT coder FROM codings WHERE coder NOT LIKE 'human:%' AND coder <> 'adjudicated'
                ORDER BY coder
                """
            ) { row in storedNames.append(try row.required(text: "coder")) }
            // A supervised coder's stored codings may come from a model trained on these very labels.
            let inSample = storedNames.filter { $0.hasPrefix("supervised:") }
            if !inSample.isEmpty {
                notes.append(
                    "stored codings of \(inSample.joined(separator: ", ")) are left out (a model may have seen "
                        + "these labels); supervised coders are scored by cross-validation. "
                        + "Name them with --coders to include them."
                )
                storedNames.removeAll { $0.hasPrefix("supervised:") }
            }
        }
        var predictions = try storedNames.map {
            try storedPredictions(db, coder: $0, posts: posts, categories: categories)
        }
        var curves: [LearningCurve] = []
        for kind in options.crossValidated {
            var vectors: [Int64: [Float]] = [:]
            var dimension = 0
            if kind.usesEmbeddings {
                let loaded = try EmbeddingAccess.vectors(db, postIDs: posts.map(\.postID))
                guard let space = loaded.space else {
                    notes.append("no post embeddings in this study: \(kind.rawValue) is not evaluated (run `embed`)")
                    continue
                }
                let missing = posts.filter { loaded.vectors[$0.postID] == nil }.count
                guard missing == 0 else {
                    throw StudyError(
                        "\(missing) of \(posts.count) labelled posts have no embedding in \(space): run `embed --all`")
                }
                vectors = loaded.vectors
                dimension = space.dimension
                notes.append("embeddings: \(space)")
            }
            let builder = FeatureBuilder(kind: kind, codebook: codebook, embeddingDimension: dimension)
            var curve = LearningCurve(coder: "", fractions: options.fractions, trainingPosts: [], kappa: [:])
            var full: Predictions?
            for fraction in options.fractions.sorted(by: >) {
                let (cross, trainingPosts) = crossValidate(
                    posts, vectors: vectors, builder: builder, codebook: codebook,
                    folds: options.folds, fraction: fraction, settings: options.settings)
                if fraction == options.fractions.max() { full = cross }
                curve.coder = cross.coder
                let scored = score(
                    posts: posts, categories: categories, reference: options.reference, coders: [cross],
                    baseline: nil, bootstrap: options.bootstrap)[0]
                for result in scored.categories where !result.fallback {
                    curve.kappa[result.category, default: []].insert(result.scores.estimates[.kappa]!, at: 0)
                }
                curve.trainingPosts.insert(trainingPosts, at: 0)
            }
            curve.fractions = options.fractions.sorted()
            if let full { predictions.append(full) }
            if options.fractions.count > 1 { curves.append(curve) }
        }
        let baseline =
            options.baseline ?? (storedNames.contains(codebook.lexiconCoderName) ? codebook.lexiconCoderName : nil)
        let coders = score(
            posts: posts, categories: categories, reference: options.reference, coders: predictions,
            baseline: baseline, bootstrap: options.bootstrap)
        return Report(
            reference: options.reference, posts: posts.count, categories: categories, coders: coders,
            learningCurves: curves, baseline: baseline, notes: notes)
    }
}

/// Cross-lingual transfer: a supervised coder trained on the labelled posts of some languages
/// (English), scored on the labelled posts of others (Chinese, Japanese…) and on the codebook's
/// own examples in those languages, beside the lexicon on the same posts.
public enum CrossLingualEvaluation {
    public struct Options: Sendable {
        public var reference = HumanCoder.adjudicated
        public var trainLanguages: Set<String> = ["en"]
        public var testLanguages: [String] = ["zh", "ja"]
        public var features: [SupervisedFeatures] = [.embeddingLexicon, .embedding]
        public var bootstrap = Bootstrap(replicates: 1000, seed: 4242)
        public var settings = SupervisedSettings()
        public init() {}
    }

    public struct ExampleScore: Sendable {
        public var coder: String
        public var language: String
        /// Codebook examples coded as their label says, of all examples in that language.
        public var correct: Int
        public var total: Int
    }

    public struct Result: Sendable {
        public var trainPosts: Int
        /// Per test language: the report of every coder on that language's labelled posts.
        public var byLanguage: [(language: String, report: CoderEvaluation.Report)]
        public var examples: [ExampleScore]
    }

    /// The primary language tag of a detected language (`zh-Hans` → `zh`).
    static func primary(_ language: String?) -> String {
        String((language ?? "und").split(separator: "-").first ?? "und")
    }

    /// `embedExamples` embeds codebook example texts in the posts' space (nil: examples not scored).
    public static func run(
        _ db: Database, codebook: Codebook, options: Options,
        embedExamples: (([String]) throws -> [[Float]])?
    ) throws -> Result {
        let categories = codebook.categories.map(\.id)
        let posts = try SupervisedTrainer.labelledPosts(db, coder: options.reference, codebook: codebook)
        let train = posts.filter { options.trainLanguages.contains(primary($0.language)) }
        guard !train.isEmpty else {
            throw StudyError(
                "no posts labelled by '\(options.reference)' in "
                    + "\(options.trainLanguages.sorted().joined(separator: ", "))"
            )
        }
        let loaded = try EmbeddingAccess.vectors(db, postIDs: posts.map(\.postID))
        guard let space = loaded.space else { throw StudyError("\(db.path): no post embeddings: run `embed` first") }
        let lexicon = try CoderEvaluation.storedPredictions(
            db, coder: codebook.lexiconCoderName, posts: posts,
            categories: categories)
        var models: [(SupervisedFeatures, SupervisedModel, SupervisedPredictor)] = []
        for kind in options.features {
            let builder = FeatureBuilder(kind: kind, codebook: codebook, embeddingDimension: space.dimension)
            let model = try SupervisedTrainer.train(
                train, vectors: loaded.vectors, builder: builder, codebook: codebook,
                labelSource: options.reference, embedding: space, settings: options.settings)
            models.append((kind, model, SupervisedPredictor(model: model, codebook: codebook)))
        }
        var byLanguage: [(String, CoderEvaluation.Report)] = []
        for language in options.testLanguages {
            let indices = posts.indices.filter { primary(posts[$0].language) == language }
            guard !indices.isEmpty else { continue }
            let subset = indices.map { posts[$0] }
            var coders = [
                CoderEvaluation.Predictions(
                    coder: lexicon.coder, description: "stored codings",
                    values: indices.map { lexicon.values[$0] })
            ]
            for (kind, _, predictor) in models {
                let values = subset.map { post in
                    predictor.code(
                        text: post.text, language: post.language, thread: post.thread,
                        vector: loaded.vectors[post.postID]
                    ).enumerated().map {
                        post.labels[categories[$0.offset]] == nil ? nil : Optional($0.element.value)
                    }
                }
                coders.append(
                    .init(
                        coder:
                            "supervised (\(kind.rawValue)), trained on "
                            + "\(options.trainLanguages.sorted().joined(separator: "+"))",
                        description: "\(train.count) training posts", values: values))
            }
            let scored = CoderEvaluation.score(
                posts: subset, categories: categories, reference: options.reference,
                coders: coders, baseline: lexicon.coder, bootstrap: options.bootstrap)
            byLanguage.append(
                (
                    language,
                    CoderEvaluation.Report(
                        reference: options.reference, posts: subset.count,
                        categories: categories, coders: scored, learningCurves: [],
                        baseline: lexicon.coder, notes: [])
                ))
        }
        var exampleScores: [ExampleScore] = []
        if let embedExamples {
            for language in options.testLanguages {
                var cases: [(text: String, category: Int, label: Bool)] = []
                for (c, category) in codebook.categories.enumerated() {
                    cases += category.positiveExamples.filter { $0.language == language }.map { ($0.text, c, true) }
                    cases += category.negativeExamples.filter { $0.language == language }.map { ($0.text, c, false) }
                }
                guard !cases.isEmpty else { continue }
                let vectors = try embedExamples(cases.map(\.text))
                let lexiconCoder = LexiconCoder(codebook: codebook)
                let lexiconCorrect = cases.filter { item in
                    lexiconCoder.code(text: TextNormalizer.nfkc(item.text), language: language)[item.category].value
                        == item.label
                }.count
                exampleScores.append(
                    ExampleScore(
                        coder: lexicon.coder, language: language, correct: lexiconCorrect,
                        total: cases.count))
                for (kind, _, predictor) in models {
                    let correct = zip(cases, vectors).filter { item, vector in
                        predictor.code(
                            text: TextNormalizer.nfkc(item.text), language: language, thread: nil,
                            vector: vector)[item.category].value == item.label
                    }.count
                    exampleScores.append(
                        ExampleScore(
                            coder: "supervised (\(kind.rawValue))", language: language,
                            correct: correct, total: cases.count))
                }
            }
        }
        return Result(trainPosts: train.count, byLanguage: byLanguage, examples: exampleScores)
    }

    public static func render(_ result: Result, options: Options) -> String {
        var out =
            "Cross-lingual: trained on \(result.trainPosts) posts in "
            + "\(options.trainLanguages.sorted().joined(separator: ", ")) "
            + "labelled by '\(options.reference)'\n"
        for (language, report) in result.byLanguage {
            out += "\n=== \(language): \(report.posts) labelled posts ===\n"
            out += CoderEvaluation.render(report)
        }
        if !result.examples.isEmpty {
            out += "\nThe codebook's own examples (each coded for its category; positive and negative examples)\n"
            for score in result.examples {
                out +=
                    "  \(score.language)  " + score.coder.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + "\(score.correct) of \(score.total) as labelled\n"
            }
        }
        return out
    }
}
