import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

@main
struct AggregateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Turn codings into the paper's tables and figures, with intervals, and export them.",
        discussion: """
            `aggregate run` reads posts, post_clusters (dedupe), post_languages (language-detect), the \
            primary coder's codings (code) and the reference labels of a validation sample (annotate), and \
            stores every share three ways: naive (the coder alone, Wilson 95% interval), human (the labels \
            alone) and ppi (prediction-powered inference, PPI++: the coder on every post corrected with the \
            labels), overall and by language, platform and time bin, canonical posts and all posts side by \
            side; co-occurrence; the association of chosen pairs (odds ratio: naive, human, PPI++ logistic \
            regression); and the published figures on their own scope. `aggregate export` writes them as \
            CSV, Markdown, LaTeX, JSON and SVG charts; `aggregate notebook` renders Markdown SQL notebooks.

            Examples:
              aggregate run --db data/study.sqlite
              aggregate run --platform x --since 2025-08-06 --until 2025-08-14     (Lai's scope)
              aggregate run --validation-sample validation --reference-coder human:ground-truth
              aggregate export --format csv --format md --out out/tables
              aggregate notebook notebooks-md/sample-study.md --out notebooks-md/out
            """,
        subcommands: [Run.self, Export.self, Notebook.self, SimulateCoverage.self],
        defaultSubcommand: Run.self
    )
}

extension AggregateCommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute and store the aggregate tables (replacing the previous run's).",
            discussion: """
                Denominators: posts coded by the primary coder, canonical posts only (one per duplicate \
                cluster) and with a known language, unless --include-duplicates / --include-und, within \
                --since/--until/--platform/--language. The gate category's share is over those posts; every \
                other category's share is over the gate-positive ones. Both canonical-only and all-posts \
                tables are always stored, side by side. Corrected estimates (human, ppi) need a validation \
                sample: the most recent drawn with `annotate sample --purpose validation`, or \
                --validation-sample; its posts without a label by --reference-coder count as unlabelled.

                Examples:
                  aggregate run
                  aggregate run --coder lexicon:keep4o@1.0 --reference-coder human:alice
                  aggregate run --platform x --since 2025-08-06 --until 2025-08-14 --bin day
                  aggregate run --include-und --pair grief:rights_protest
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(
            name: .long,
            help: "Coder to aggregate (default: study setting primary_coder, else the last code run's coder).")
        var coder: String?

        @Option(name: .long, help: "Whose labels correct the coder: 'adjudicated' or a human coder 'human:NAME'.")
        var referenceCoder = "adjudicated"

        @Option(name: .long, help: "Validation sample (default: the most recent drawn with --purpose validation).")
        var validationSample: String?

        @Option(name: .long, help: "Gate category (default: the codebook's gate, else 'relevant').")
        var gate: String?

        @Flag(name: .long, help: "Primary tables count duplicates, reposts and near-duplicates too.")
        var includeDuplicates = false

        @Flag(name: .customLong("include-und"), help: "Keep posts whose language is undetermined (und).")
        var includeUnknownLanguage = false

        @Option(
            name: .long, parsing: .singleValue,
            help: "A pair a:b for the association (repeatable; default choice_deprivation:rights_protest).")
        var pair: [String] = []

        @Option(name: .long, help: ArgumentHelp("First UTC day of the study window (YYYY-MM-DD).", valueName: "day"))
        var since: String?

        @Option(
            name: .long,
            help: ArgumentHelp("Last UTC day of the study window, included (YYYY-MM-DD).", valueName: "day"))
        var until: String?

        @Option(name: .long, parsing: .singleValue, help: "Only this platform (repeatable).")
        var platform: [String] = []

        @Option(name: .long, parsing: .singleValue, help: "Only this language (repeatable).")
        var language: [String] = []

        @Option(
            name: .long,
            help: "Time bins of the timeline (default: day up to 120 days, week up to 120 weeks, else month).")
        var bin: TimeBin?

        @Option(
            name: .customLong("min-labeled"), help: "Labelled posts a corrected (human, ppi) estimate needs at least.")
        var minimumLabelled = 10

        @Option(
            name: .customLong("min-informative"),
            help: """
                Labelled posts, positive by the reference or the coder, a PPI++ share needs in its denominator \
                (PPI++'s normal interval fails with fewer: docs/aggregate.md).
                """)
        var minimumInformative = Estimation.defaultMinimumInformative

        func validate() throws {
            for p in pair where p.split(separator: ":").count != 2 {
                throw ValidationError("--pair wants a:b, got '\(p)'")
            }
            if minimumLabelled < 2 { throw ValidationError("--min-labeled must be 2 or more") }
            if minimumInformative < 0 { throw ValidationError("--min-informative must be 0 or more") }
            for (option, value) in [("--since", since), ("--until", until)] {
                if let value, parseUTCDay(value) == nil {
                    throw ValidationError("\(option) '\(value)' is not a UTC date YYYY-MM-DD")
                }
            }
        }

        func run() throws {
            var options = AggregateOptions()
            options.coder = coder
            options.referenceCoder = referenceCoder
            options.validationSample = validationSample
            options.gate = gate
            options.includeDuplicates = includeDuplicates
            options.includeUnknownLanguage = includeUnknownLanguage
            if !pair.isEmpty {
                options.pairs = pair.map {
                    let s = $0.split(separator: ":")
                    return (String(s[0]), String(s[1]))
                }
            }
            options.since = since
            options.until = until
            options.platforms = platform
            options.languages = language
            options.bin = bin
            options.minimumLabelled = minimumLabelled
            options.minimumInformative = minimumInformative
            let summary = try Aggregator(database: database.open(.readWrite), options: options).run()
            print(
                "aggregate: run \(summary.runID), coder \(summary.coder), \(summary.postsCoded) coded posts, "
                    + "\(summary.primaryDenominator) in the primary denominator, \(summary.rowsWritten) table rows")
            for note in summary.notes { print("aggregate: note: \(note)") }
            print(Self.overview(summary), terminator: "")
        }

        /// Every category's share three ways, so a run shows at once how far the coder is off.
        static func overview(_ summary: AggregateSummary) -> String {
            func cell(_ r: Estimation.Result?) -> String {
                guard let r, let e = r.estimate, let low = r.low, let high = r.high else {
                    return pad("-", toWidth: 23)
                }
                return pad(
                    "\(FixedFormat.decimal(e, places: 3)) [\(FixedFormat.decimal(low, places: 3)), "
                        + "\(FixedFormat.decimal(high, places: 3))]",
                    toWidth: 23)
            }
            let corrected = summary.validation != nil
            var out =
                pad("category", toWidth: 26) + pad("naive (coder alone)", toWidth: 23)
                + (corrected
                    ? pad("PPI++ (corrected)", toWidth: 23) + pad("human (labels alone)", toWidth: 23) + "labelled"
                    : "") + "\n"
            for (category, results) in summary.overall {
                out += pad(category, toWidth: 26) + cell(results[.naive])
                if corrected {
                    out += cell(results[.ppi]) + cell(results[.human]) + String(results[.human]?.labelled ?? 0)
                }
                out += "\n"
            }
            if !corrected {
                out += "(uncorrected: no validation sample; draw one with `annotate sample --purpose validation`)\n"
            }
            return out
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the stored tables as csv, md, tex and json, and the SVG charts.",
            discussion: """
                Files: DIR/csv/<table>.csv, DIR/md/tables.md, DIR/tex/<table>.tex, DIR/json/<table>.json \
                and DIR/json/manifest.json (inputs' fingerprints, codebook, coder, parameters, tool version), \
                DIR/charts/*.svg. The same database always gives byte-identical files.

                Examples:
                  aggregate export --out out/tables
                  aggregate export --format tex --no-charts --out paper/tables
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "Format to write (repeatable; default: all).")
        var format: [TableFormat] = []

        @Option(name: .long, help: "Output directory.")
        var out: String

        @Flag(inversion: .prefixedNo, help: "Write the SVG charts.")
        var charts = true

        @Option(
            name: .long,
            help: "An event line on the timeline, DAY=LABEL (repeatable; default: 2025-08-07 and 2026-02-13).")
        var event: [String] = []

        @OptionGroup var postsOptions: PostsExportCommandOptions

        func validate() throws {
            for e in event where !e.contains("=") { throw ValidationError("--event wants DAY=LABEL, got '\(e)'") }
        }

        func run() throws {
            if postsOptions.posts { return try postsOptions.export(database: database, out: out) }
            let formats = format.isEmpty ? TableFormat.allCases : format
            let events =
                event.isEmpty
                ? Exporter.Event.keep4o
                : event.map {
                    let parts = $0.split(separator: "=", maxSplits: 1)
                    return Exporter.Event(day: String(parts[0]), label: String(parts[1]))
                }
            let files = try Exporter(database: database.open(.readOnly)).export(
                to: out, formats: formats, charts: charts, events: events)
            print("aggregate: wrote \(files.count) files under \(out)")
        }
    }

    struct Notebook: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render Markdown SQL notebooks: run each ```sql block and put its result under it.",
            discussion: """
                Blocks run in order on the study database; a block's last query is shown as a Markdown \
                table (at most --rows rows, saying how many were cut); an error is shown in place as a \
                blockquote and the next block still runs.

                Example:
                  aggregate notebook notebooks-md/*.md --out notebooks-md/out
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "Directory for the rendered notebooks.")
        var out: String

        @Option(name: .long, help: "Rows shown per result.")
        var rows = 20

        @Argument(help: "Notebook files (.md).")
        var notebooks: [String]

        func run() throws {
            // Read-only: no notebook block can change the study, whatever SQL it holds.
            let runner = NotebookRunner(database: try database.open(.readOnly), rowLimit: rows)
            for notebook in notebooks {
                print("aggregate: rendered \(try runner.render(file: notebook, into: out))")
            }
        }
    }

    /// Hidden: the coverage simulation behind `make coverage` (docs/aggregate.md).
    struct SimulateCoverage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate-coverage",
            abstract: "How often each method's 95% interval covers the true share, over many validation samples.",
            discussion: """
                Uses a study whose true labels are known (the sample study's ground_truth.csv): draws \
                --samples validation samples of --size canonical posts, takes the true labels as the \
                reference labels, runs the same estimators as `aggregate run`, and counts how often each \
                interval covers the true share of the posts in scope.

                Example:
                  aggregate simulate-coverage --truth data/sample/ground_truth.csv --samples 300 --size 200
                """,
            shouldDisplay: false)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "Ground truth CSV (platform, external_id, ..., categories as ';'-joined ids).")
        var truth: String

        @Option(help: "Validation samples to draw.") var samples = 300
        @Option(help: "Posts per validation sample.") var size = 200
        @Option(help: "Random seed.") var seed: UInt64 = 4242
        @Option(help: "How the samples are drawn.") var strategy: SampleStrategy = .random
        @Option(name: .customLong("min-informative"), help: "As for `aggregate run`.")
        var minimumInformative = Estimation.defaultMinimumInformative

        func run() throws {
            var options = CoverageOptions()
            options.samples = samples
            options.size = size
            options.seed = seed
            options.strategy = strategy
            options.minimumInformative = minimumInformative
            let report = try Coverage.simulate(try database.open(.readOnly), truthPath: truth, options: options)
            print(report.render(), terminator: "")
        }
    }
}
