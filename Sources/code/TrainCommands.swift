import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

/// Options shared by `code train` and `code evaluate`.
struct CrossValidationOptions: ParsableArguments {
    @Option(name: .long, help: "Cross-validation folds (grouped by dedupe cluster, stratified by label).") var folds = 5
    @Option(name: .long, help: "Random seed (folds, bootstrap).") var seed: UInt64 = 4242
    @Option(name: .long, help: "Bootstrap replicates for the 95% intervals.") var replicates = 1000
    @Option(name: .long, help: "Shares of the training labels for the learning curve, comma-separated.")
    var learningCurve = "0.25,0.5,1"
    @Option(name: .long, help: "Minimum positive and negative labels to train a category (others use the lexicon).")
    var minPerClass = SupervisedTrainer.defaultMinPerClass

    func validate() throws {
        if folds < 2 { throw ValidationError("--folds must be at least 2") }
        if replicates < 1 { throw ValidationError("--replicates must be at least 1") }
        if fractions.isEmpty || fractions.contains(where: { !($0 > 0 && $0 <= 1) }) {
            throw ValidationError("--learning-curve takes shares in (0, 1], e.g. 0.25,0.5,1")
        }
    }

    var fractions: [Double] {
        learningCurve.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    var settings: SupervisedSettings {
        var settings = SupervisedSettings()
        settings.seed = seed
        settings.minPerClass = minPerClass
        return settings
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Train the supervised coder; print its cross-validated scores and learning curve against the lexicon.",
        discussion: """
            One logistic regression per category on the post's sentence embedding (from `embed`) and \
            the lexicon's evidence, trained from the `codings` rows of one coder (default: adjudicated). \
            The L2 strength, the calibration of probabilities (Platt) and the decision threshold (best \
            F1) are chosen by an inner cross-validation. Categories with fewer than --min-per-class \
            positive or negative labels keep the lexicon's decisions. The model file records the \
            codebook fingerprint, the embedding model and input profile, and a fingerprint of the \
            labels; the coder is named supervised:<codebook>@<version>+<model hash>.

            Example: code train --from adjudicated --model data/models/keep4o-supervised.json
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var codebook: CodebookOptions
    @Option(name: .long, help: "The coder whose codings are the labels.") var from = "adjudicated"
    @Option(name: .long, help: "Where to save the trained model (JSON).") var model = "data/models/supervised.json"
    @Option(name: .long, help: "What the coder reads of a post.") var features = SupervisedFeatures.embeddingLexicon
    @Flag(name: .long, help: "Without enough labels, say so and exit 0 (for `make`), instead of failing.")
    var ifLabels = false
    @OptionGroup var cross: CrossValidationOptions

    func run() throws {
        let book = try codebook.load()
        var options = SupervisedTraining.Options()
        options.labelSource = from
        options.features = features
        options.folds = cross.folds
        options.fractions = cross.fractions
        options.bootstrap = Bootstrap(replicates: cross.replicates, seed: cross.seed)
        options.settings = cross.settings
        options.onlyIfLabels = ifLabels
        guard let result = try SupervisedTraining.run(try database.open(.readOnly), codebook: book, options: options)
        else {
            print(
                "code train: no category has \(cross.minPerClass) positive and \(cross.minPerClass) negative labels by "
                    + "\(from) outside validation samples: no supervised coder trained")
            return
        }
        print(CoderEvaluation.render(result.report), terminator: "")
        if !result.short.isEmpty {
            print("\ntoo few labels (the lexicon decides): " + result.short.joined(separator: "; "))
        }
        try result.model.save(path: model)
        print("\nmodel saved: \(model) (coder \(result.model.coderName))")
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Precision, recall, F1 and kappa of every coder against reference labels, with bootstrap intervals.",
        discussion: """
            Stored coders (lexicon, prototype) are scored on their codings; supervised coders by \
            k-fold cross-validation on the reference labels (folds grouped by dedupe cluster and \
            stratified by label), with a learning curve. Kappa differences are shown against the \
            lexicon coder of the codebook (or --baseline). Reads the study; writes nothing.

            Example: code evaluate --db data/eval/real-posts.sqlite --reference adjudicated
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var codebook: CodebookOptions
    @Option(name: .long, help: "The reference coder (adjudicated, or human:<name>).") var reference = "adjudicated"
    @Option(name: .long, help: "Stored coders to score, comma-separated (default: every automated coder).") var coders:
        String?
    @Option(name: .long, help: "Supervised feature sets to cross-validate, comma-separated (none: '').")
    var crossValidate = SupervisedFeatures.embeddingLexicon.rawValue
    @Option(name: .long, help: "The coder kappa differences are measured against.") var baseline: String?
    @OptionGroup var cross: CrossValidationOptions

    func run() throws {
        let db = try database.open(.readOnly)
        let book = try codebook.load()
        var options = CoderEvaluation.Options()
        options.reference = reference.contains(":") || reference == "adjudicated" ? reference : "human:\(reference)"
        options.storedCoders = coders?.split(separator: ",").map(String.init) ?? []
        options.crossValidated = try crossValidate.split(separator: ",").map { name in
            guard let kind = SupervisedFeatures(rawValue: String(name)) else {
                throw ValidationError(
                    "--cross-validate: '\(name)' is not one of "
                        + SupervisedFeatures.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return kind
        }
        options.folds = cross.folds
        options.fractions = cross.fractions
        options.bootstrap = Bootstrap(replicates: cross.replicates, seed: cross.seed)
        options.settings = cross.settings
        options.baseline = baseline
        print(CoderEvaluation.render(try CoderEvaluation.run(db, codebook: book, options: options)), terminator: "")
    }
}

struct Prototypes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the zero-shot prototype coder from the codebook's examples and rules (no labels needed).",
        discussion: """
            Embeds every category's positive and negative examples and its include and exclude rules, \
            in every language, with the embedding server, in the same space as the posts (the latest \
            `embed` run's model and input profile). Each category's threshold is chosen on its own \
            examples. Then `code --model FILE` codes the posts from their stored embeddings.

            Example: code prototypes --model data/models/keep4o-prototypes.json   (with the server `make` starts)
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var codebook: CodebookOptions
    @OptionGroup var embedding: EmbeddingOptions
    @Option(name: .customLong("out"), help: "Where to save the prototype model (JSON).") var out =
        "data/models/prototypes.json"

    func run() throws {
        let book = try codebook.load()
        let db = try database.open(.readOnly)
        // The posts' space: codebook texts must land in the same one.
        guard let stored = try PostEmbeddings.latestSpace(db) else {
            throw StudyError(
                "\(database.db): no post embeddings: run `embed` first (the prototypes must share their space)")
        }
        let client = try EmbeddingClient.connect(
            try embedding.makeEndpoint(), profile: stored.profile, expecting: stored)
        let model = try PrototypeModel.build(codebook: book, embedding: EmbeddingDescription(client.space)) { texts in
            var vectors: [[Float]] = []
            for start in stride(from: 0, to: texts.count, by: 32) {
                vectors += try client.embed(Array(texts[start..<min(texts.count, start + 32)]))
            }
            return vectors
        }
        try model.save(path: out)
        let prototypes = model.categories.reduce(0) { $0 + $1.positives.count + $1.negatives.count }
        print("\(prototypes) prototypes for \(model.categories.count) categories embedded with \(client.space)")
        for category in model.categories {
            print(
                "  " + category.id.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + "\(category.positives.count) positive, \(category.negatives.count) negative, threshold "
                    + String(format: "%.3f", category.threshold))
        }
        print("model saved: \(out) (coder \(model.coderName))")
    }
}

struct CrossLingual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crosslingual",
        abstract: "Train the supervised coder on some languages' labels and score it on other languages.",
        discussion: """
            Trains on the reference coder's labels of posts detected as --train-languages, then \
            scores on the labelled posts of each --test-languages beside the lexicon, and (with \
            --examples, which needs the embedding server) on the codebook's own examples in those \
            languages. Reads the study; writes nothing.

            Example: code crosslingual --db data/eval/sample.sqlite --reference human:ground-truth --examples
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var codebook: CodebookOptions
    @OptionGroup var embedding: EmbeddingOptions
    @Option(name: .long, help: "The reference coder.") var reference = "adjudicated"
    @Option(name: .long, help: "Languages to train on, comma-separated.") var trainLanguages = "en"
    @Option(name: .long, help: "Languages to score on, comma-separated.") var testLanguages = "zh,ja"
    @Flag(name: .long, help: "Also score the codebook's examples in the test languages (embeds them).") var examples =
        false
    @Option(name: .long, help: "Random seed.") var seed: UInt64 = 4242
    @Option(name: .long, help: "Bootstrap replicates.") var replicates = 1000

    func run() throws {
        let db = try database.open(.readOnly)
        let book = try codebook.load()
        var options = CrossLingualEvaluation.Options()
        options.reference = reference.contains(":") || reference == "adjudicated" ? reference : "human:\(reference)"
        options.trainLanguages = Set(trainLanguages.split(separator: ",").map(String.init))
        options.testLanguages = testLanguages.split(separator: ",").map(String.init)
        options.bootstrap = Bootstrap(replicates: replicates, seed: seed)
        options.settings.seed = seed
        var embedExamples: (([String]) throws -> [[Float]])?
        if examples {
            guard let stored = try PostEmbeddings.latestSpace(db) else {
                throw StudyError("\(database.db): no post embeddings: run `embed` first")
            }
            let client = try EmbeddingClient.connect(
                try embedding.makeEndpoint(), profile: stored.profile, expecting: stored)
            embedExamples = { texts in try client.embed(texts) }
        }
        let result = try CrossLingualEvaluation.run(db, codebook: book, options: options, embedExamples: embedExamples)
        print(CrossLingualEvaluation.render(result, options: options), terminator: "")
    }
}

struct CoderName: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coder-name",
        abstract: "Print the name codings get from the codebook's lexicon coder, or from a model file (for scripts).",
        discussion:
            "Examples:\n  code coder-name                     # lexicon:keep4o@1.1\n"
            + "  code coder-name --model data/models/keep4o-supervised.json"
    )

    @OptionGroup var codebook: CodebookOptions
    @Option(name: .long, help: "A model file of `code train` or `code prototypes`.") var model: String?

    func run() throws {
        guard let model else {
            print(try codebook.load().lexiconCoderName)
            return
        }
        switch try ModelFile.kind(path: model) {
        case .supervised: print(try SupervisedModel.load(path: model).coderName)
        case .prototype: print(try PrototypeModel.load(path: model).coderName)
        }
    }
}
