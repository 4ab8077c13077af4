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
            `aggregate run` reads posts, post_clusters (dedupe), post_languages (language-detect) and \
            the primary coder's codings (code), and stores prevalence with Wilson 95% intervals (overall, \
            by language, platform and UTC day; canonical posts and all posts side by side), co-occurrence \
            with phi, chi-square and odds-ratio tests for chosen pairs, Rogan-Gladen corrected shares with \
            a bootstrap interval when `annotate validate` produced adjudicated codings, and a comparison \
            with the published figures. `aggregate export` writes them as CSV, Markdown, LaTeX, JSON and \
            SVG charts; `aggregate notebook` renders Markdown SQL notebooks.

            Examples:
              aggregate run --db data/study.sqlite
              aggregate run --include-duplicates --pair grief:rights_protest --seed 7
              aggregate export --format csv --format md --out out/tables
              aggregate notebook notebooks-md/sample-study.md --out notebooks-md/out
            """,
        subcommands: [Run.self, Export.self, Notebook.self],
        defaultSubcommand: Run.self
    )
}

extension AggregateCommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute and store the aggregate tables (replacing the previous run's).",
            discussion: """
                Denominators: posts coded by the primary coder, canonical posts only (one per duplicate \
                cluster) and with a known language, unless --include-duplicates / --include-und. The gate \
                category's share is over those posts; every other category's share is over the ones coded \
                relevant. Both canonical-only and all-posts tables are always stored, side by side.

                Examples:
                  aggregate run
                  aggregate run --coder lexicon:keep4o@1.0 --bootstrap 5000
                  aggregate run --include-und --pair grief:rights_protest
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "Coder to aggregate (default: study setting primary_coder, else the last code run's coder).")
        var coder: String?

        @Option(name: .long, help: "Reference coder for the validation sample (Rogan-Gladen correction).")
        var referenceCoder = "adjudicated"

        @Option(name: .long, help: "Gate category (default: the codebook's gate, else 'relevant').")
        var gate: String?

        @Flag(name: .long, help: "Primary tables count duplicates, reposts and near-duplicates too.")
        var includeDuplicates = false

        @Flag(name: .customLong("include-und"), help: "Keep posts whose language is undetermined (und).")
        var includeUnknownLanguage = false

        @Option(name: .long, parsing: .singleValue, help: "A pair a:b for the 2x2 association test (repeatable; default choice_deprivation:rights_protest).")
        var pair: [String] = []

        @Option(name: .customLong("bootstrap"), help: "Bootstrap replicates for corrected shares.")
        var bootstrapReplicates = 2000

        @Option(name: .long, help: "Seed of the bootstrap.")
        var seed: UInt64 = 4242

        func validate() throws {
            for p in pair where p.split(separator: ":").count != 2 { throw ValidationError("--pair wants a:b, got '\(p)'") }
            if bootstrapReplicates < 0 { throw ValidationError("--bootstrap must be 0 or more") }
        }

        func run() throws {
            var options = AggregateOptions()
            options.coder = coder
            options.referenceCoder = referenceCoder
            options.gate = gate
            options.includeDuplicates = includeDuplicates
            options.includeUnknownLanguage = includeUnknownLanguage
            if !pair.isEmpty { options.pairs = pair.map { let s = $0.split(separator: ":"); return (String(s[0]), String(s[1])) } }
            options.bootstrapReplicates = bootstrapReplicates
            options.seed = seed
            let summary = try Aggregator(database: database.open(.readWrite), options: options).run()
            print("aggregate: run \(summary.runID), coder \(summary.coder), \(summary.postsCoded) coded posts, "
                  + "\(summary.primaryDenominator) in the primary denominator, \(summary.rowsWritten) table rows")
            for note in summary.notes { print("aggregate: note: \(note)") }
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

        @Option(name: .long, help: "An event line on the timeline, DAY=LABEL (repeatable; default: 2025-08-07 and 2026-02-13).")
        var event: [String] = []

        @OptionGroup var postsOptions: PostsExportCommandOptions

        func validate() throws {
            for e in event where !e.contains("=") { throw ValidationError("--event wants DAY=LABEL, got '\(e)'") }
        }

        func run() throws {
            if postsOptions.posts { return try postsOptions.export(database: database, out: out) }
            let formats = format.isEmpty ? TableFormat.allCases : format
            let events = event.isEmpty ? Exporter.Event.keep4o : event.map {
                let parts = $0.split(separator: "=", maxSplits: 1)
                return Exporter.Event(day: String(parts[0]), label: String(parts[1]))
            }
            let files = try Exporter(database: database.open(.readOnly)).export(to: out, formats: formats, charts: charts, events: events)
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
}
