import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

@main
struct CodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Classify posts against a versioned codebook and record every decision with its evidence.",
        discussion: """
            A codebook (codebooks/*.yaml) defines categories, rules, examples and per-language \
            indicators. `code` applies a coder to the posts (by default only the canonical post of \
            each dedupe cluster) and writes one row per post and category to `codings`: value, \
            coder (e.g. lexicon:keep4o@1.0), evidence (matched spans as JSON) and confidence.

            Examples:
              code                                   # lexicon coder, codebooks/keep4o.yaml
              code --report                          # prevalence and top indicators of the last coding
              code --all --primary-coder adjudicated
              code codebook check codebooks/*.yaml   # every example must be coded as labelled
              code codebook export --format qdc codebooks/keep4o.yaml -o keep4o.qdc
              code codebook export --format markdown codebooks/keep4o.yaml -o appendix.md
              code train --from adjudicated --model data/models/keep4o-supervised.json
              code --model data/models/keep4o-supervised.json   # code with the supervised coder
              code evaluate --reference adjudicated              # every coder against the labels
            """,
        subcommands: [
            Run.self, CodebookCommand.self, Train.self, Prototypes.self, Evaluate.self, CrossLingual.self,
            CoderName.self,
            Bench.self,
        ],
        defaultSubcommand: Run.self
    )
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Code the posts (the default subcommand), or with --report show what was coded."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var codebook: CodebookOptions

    @Flag(name: .long, help: "Code every post, not only the canonical post of each dedupe cluster.")
    var all = false

    @Option(
        name: .long,
        help: """
            The coder aggregation should use (study setting primary_coder, also stored with the run). \
            Default: keep the stored one; the first run sets its own coder.
            """
    )
    var primaryCoder: String?

    @Option(
        name: .long,
        help: """
            Code with a model file instead of the lexicon coder: `code train` (supervised) or \
            `code prototypes` (zero-shot).
            """
    )
    var model: String?

    @Flag(name: .long, help: "Do not code: print prevalence per category and the indicators that fired most.")
    var report = false

    @Option(name: .long, help: "With --report: the coder to report on (default: the codebook's lexicon coder).")
    var coder: String?

    @OptionGroup var performance: WorkerOptions

    func run() throws {
        if report {
            let db = try database.open(.readOnly)
            let book = try codebook.loadForReport(db, coder: coder)
            let name = coder ?? book.lexiconCoderName
            let lines = try CodeReport.lines(db, coder: name, codebook: book)
            if lines.allSatisfy({ $0.coded == 0 }) {
                throw StudyError("no codings by \(name) in \(database.db); run `code` first")
            }
            print(CodeReport.render(lines, coder: name), terminator: "")
            return
        }
        let book = try codebook.load()
        var options = CodeOptions()
        options.allPosts = all
        options.primaryCoder = primaryCoder
        options.workers = performance.workers
        let stage = CodeStage(database: try database.open(.readWrite))
        let summary: CodeSummary
        if let model {
            options.modelFileSHA256 = try BuildInfo.sha256(ofFile: model)
            switch try ModelFile.kind(path: model) {
            case .prototype:
                let prototypes = try PrototypeModel.load(path: model)
                let (space, vectors) = try EmbeddingAccess.vectors(stage.db, wanted: prototypes.embedding)
                summary = try stage.runPrototype(
                    model: prototypes, codebook: book, options: options, space: space, vectors: vectors)
            case .supervised:
                let supervised = try SupervisedModel.load(path: model)
                let wanted = supervised.embedding
                let (space, vectors) =
                    wanted == nil ? (nil, [:]) : try EmbeddingAccess.vectors(stage.db, wanted: wanted)
                summary = try stage.runSupervised(
                    model: supervised, codebook: book, options: options, space: space,
                    vectors: vectors)
            }
        } else {
            summary = try stage.runLexicon(codebook: book, options: options)
        }
        for note in summary.notes { print("note: \(note)") }
        print(
            "code: run \(summary.runID), coder \(summary.coder): \(summary.postsCoded) posts, "
                + "\(summary.rowsWritten) codings"
        )
        for (category, present) in summary.prevalence {
            let share = summary.postsCoded > 0 ? Double(present) / Double(summary.postsCoded) * 100 : 0
            print(
                "  " + category.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(format: "%6d  %5.1f%%", present, share))
        }
    }
}

struct CodebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codebook",
        abstract: "Check, export and import codebooks.",
        subcommands: [Check.self, Export.self, Import.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate codebooks and code every example: each must come out as its label says.",
            discussion: "Example: code codebook check codebooks/*.yaml"
        )

        @Argument(help: "Codebook YAML files.")
        var files: [String] = ["codebooks/keep4o.yaml"]

        func run() throws {
            var failed = 0
            for file in files {
                let book = try CodebookLoader.load(path: file)
                let result = CodebookCheck.run(book)
                for failure in result.failures { print(failure.description) }
                let indicators = book.categories.reduce(0) { $0 + $1.indicators.count }
                print(
                    "\(file): \(book.name)@\(book.version): \(book.categories.count) categories, "
                        + "\(indicators) indicators, \(result.examples) examples, \(result.failures.count) failing")
                failed += result.failures.count
            }
            if failed > 0 { throw StudyError("\(failed) example(s) not coded as labelled") }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a codebook as REFI-QDA (.qdc, for ATLAS.ti, NVivo, MAXQDA, QualCoder) or Markdown.",
            discussion: """
                Examples:
                  code codebook export --format qdc codebooks/keep4o.yaml -o keep4o.qdc
                  code codebook export --format markdown codebooks/keep4o.yaml > appendix.md
                """
        )

        @Option(
            name: .long,
            help: "qdc (REFI-QDA), markdown, or json (the matching rules, for tools that cannot read YAML).")
        var format = CodebookExportFormat.qdc

        @Option(name: .shortAndLong, help: "Output file (default: standard output).")
        var output: String?

        @Argument(help: "The codebook YAML file.")
        var file: String

        func run() throws {
            let text = format.render(try CodebookLoader.load(path: file))
            if let output {
                try writeFile(text, to: output)
            } else {
                print(text, terminator: "")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a REFI-QDA codebook (.qdc) into a codebook YAML skeleton (no indicators yet).",
            discussion:
                "Example: code codebook import coded-in-atlas.qdc "
                + "--name keep4o --version 1.1 -o codebooks/keep4o-atlas.yaml"
        )

        @Option(name: .long, help: "Codebook name.") var name = "imported"
        @Option(name: .long, help: "Codebook version.") var version = "1.0"
        @Option(name: .long, help: "Language of the code names and descriptions.") var language = "en"
        @Option(name: .shortAndLong, help: "Output YAML file (default: standard output).") var output: String?
        @Argument(help: "The .qdc file.") var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputError(file: file, line: nil, reason: "cannot read the file")
            }
            let codes = try QDCExchange.parse(data, path: file)
            let yaml = QDCExchange.yamlSkeleton(codes, name: name, version: version, language: language)
            if let output { try writeFile(yaml, to: output) } else { print(yaml, terminator: "") }
        }
    }
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time lexicon coding of the texts of a JSON-lines file (used by make bench).",
        shouldDisplay: false
    )

    @OptionGroup var codebook: CodebookOptions
    @OptionGroup var performance: WorkerOptions
    @Option(name: .long, help: "Read at most this many posts.") var limit = Int.max
    @Argument(help: "X API v2 JSON lines (one post per line with a 'text' field, or {data:[…]} pages).") var file:
        String

    func run() throws {
        let book = try codebook.load()
        let loadStart = Date()
        let texts = try BenchInput.texts(path: file, limit: limit)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let buildStart = Date()
        let coder = LexiconCoder(codebook: book)
        let buildSeconds = Date().timeIntervalSince(buildStart)
        let posts = texts.enumerated().map { CodeStage.Post(id: Int64($0.offset), text: $0.element, language: nil) }
        let start = Date()
        let decisions = CodeStage.codeAll(posts, workers: performance.workers) {
            coder.code(text: $0.text, language: $0.language)
        }
        let seconds = Date().timeIntervalSince(start)
        let present = decisions.reduce(0) { $0 + $1.filter(\.value).count }
        print(
            String(
                format: "posts=%d workers=%d load_s=%.2f build_s=%.3f code_s=%.3f posts_per_s=%.0f present=%d",
                posts.count, performance.workers, loadSeconds, buildSeconds, seconds, Double(posts.count) / seconds,
                present))
    }
}

/// Writes a text file, making its folder when needed.
func writeFile(_ text: String, to path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}
