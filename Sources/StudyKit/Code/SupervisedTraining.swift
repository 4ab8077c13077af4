import Foundation

/// `code train`: the cross-validated table and learning curve of a supervised coder on one
/// coder's labels (against the lexicon of the same codebook on the same posts), then the model
/// fitted on every label.
public enum SupervisedTraining {
    public struct Options: Sendable {
        public var labelSource = HumanCoder.adjudicated
        public var features = SupervisedFeatures.embeddingLexicon
        public var folds = 5
        public var fractions: [Double] = [0.25, 0.5, 1]
        public var bootstrap = Bootstrap(replicates: 1000, seed: 4242)
        public var settings = SupervisedSettings()
        /// With no labels to train from, return nil instead of failing (`make` on a study without labels).
        public var onlyIfLabels = false
        public init() {}
    }

    public struct Result: Sendable {
        public var model: SupervisedModel
        public var report: CoderEvaluation.Report
        /// Categories with too few labels, as "category: n positive, m negative".
        public var short: [String]
    }

    public static func run(_ db: Database, codebook: Codebook, options: Options) throws -> Result? {
        let posts = try SupervisedTrainer.labelledPosts(
            db, coder: options.labelSource, codebook: codebook,
            excludingValidation: true)
        var notes: [String] = []
        let held = try SupervisedTrainer.validationPosts(db, coder: options.labelSource)
        if held > 0 {
            notes.append(
                "\(held) posts labelled by \(options.labelSource) in validation samples are left out of training "
                    + "(aggregate corrects the coder with them)")
        }
        if options.onlyIfLabels {
            let (trained, _) = SupervisedTrainer.trainable(
                posts, codebook: codebook, minPerClass: options.settings.minPerClass)
            if trained.isEmpty { return nil }
        }
        var vectors: [Int64: [Float]] = [:]
        var embedding: EmbeddingDescription?
        if options.features.usesEmbeddings {
            let loaded = try EmbeddingAccess.vectors(db, postIDs: posts.map(\.postID))
            guard let space = loaded.space else {
                throw SupervisedError(
                    "\(db.path): no post embeddings: run `embed` first, or train with --features lexicon")
            }
            let missing = posts.filter { loaded.vectors[$0.postID] == nil }
            guard missing.isEmpty else {
                throw SupervisedError(
                    "\(missing.count) of \(posts.count) labelled posts have no embedding in \(space) "
                        + "(post_id \(missing.prefix(5).map { String($0.postID) }.joined(separator: ", "))): "
                        + "run `embed --all`"
                )
            }
            vectors = loaded.vectors
            embedding = space
            notes.append("embeddings: \(space)")
        }
        let builder = FeatureBuilder(
            kind: options.features, codebook: codebook, embeddingDimension: embedding?.dimension ?? 0)
        let model = try SupervisedTrainer.train(
            posts, vectors: vectors, builder: builder, codebook: codebook,
            labelSource: options.labelSource, embedding: embedding,
            settings: options.settings)
        let categories = codebook.categories.map(\.id)
        // The lexicon on the same posts, computed here: the baseline the supervised coder must beat.
        let lexicon = CoderEvaluation.Predictions(
            coder: codebook.lexiconCoderName, description: "lexicon, on the same posts",
            values: posts.map { post in
                builder.lexicon.code(text: post.text, language: post.language, thread: post.thread).enumerated().map {
                    post.labels[categories[$0.offset]] == nil ? nil : $0.element.value
                }
            })
        var curve = CoderEvaluation.LearningCurve(
            coder: "", fractions: options.fractions.sorted(), trainingPosts: [], kappa: [:])
        var full: CoderEvaluation.Predictions?
        for fraction in options.fractions.sorted() {
            let (cross, trainingPosts) = CoderEvaluation.crossValidate(
                posts, vectors: vectors, builder: builder,
                codebook: codebook, folds: options.folds,
                fraction: fraction, settings: options.settings)
            curve.coder = model.coderName
            curve.trainingPosts.append(trainingPosts)
            let scored = CoderEvaluation.score(
                posts: posts, categories: categories, reference: options.labelSource,
                coders: [cross], baseline: nil, bootstrap: options.bootstrap)[0]
            for result in scored.categories where !result.fallback {
                curve.kappa[result.category, default: []].append(result.scores.estimates[.kappa]!)
            }
            if fraction == options.fractions.max() {
                var named = cross
                named.coder = model.coderName
                full = named
            }
        }
        let coders = CoderEvaluation.score(
            posts: posts, categories: categories, reference: options.labelSource,
            coders: [lexicon] + (full.map { [$0] } ?? []), baseline: lexicon.coder,
            bootstrap: options.bootstrap)
        let report = CoderEvaluation.Report(
            reference: options.labelSource, posts: posts.count, categories: categories,
            coders: coders, learningCurves: options.fractions.count > 1 ? [curve] : [],
            baseline: lexicon.coder, notes: notes)
        return Result(
            model: model, report: report,
            short: SupervisedTrainer.trainable(posts, codebook: codebook, minPerClass: options.settings.minPerClass)
                .short)
    }
}
