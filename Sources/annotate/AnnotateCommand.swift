import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

@main
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Hand-code a sample of posts with the codebook, measure agreement, settle disagreements, validate `code`.",
        discussion: """
            A typical round:
              annotate sample --name pilot --size 200 --coders alice,bob --overlap 0.3
              annotate code --sample pilot --coder alice     (full screen; bob at once)
              annotate agreement --sample pilot
              annotate adjudicate --sample pilot --coder carol
              annotate validate --against adjudicated --sample pilot

            Human labels are stored in `codings` as coder 'human:<name>', settled ones as 'adjudicated'.
            Coding is blind: the screen never shows the automated coder's or other coders' decisions.
            """,
        subcommands: [Sample.self, Code.self, Export.self, Import.self, AgreementCommand.self, Adjudicate.self, Validate.self,
                      QDPX.self]
    )
}

extension AnnotateCommand {
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a reproducible sample of canonical posts, for validation or for training.",
            discussion: """
                Posts are canonical ones (one per duplicate cluster). --purpose validation (the sample \
                `aggregate` corrects the automated coder with) draws a simple random sample by default: \
                every post has the same chance. --purpose training (the default) stratifies: strata are \
                language × the automated coder's rarest positive category, so rare categories are \
                represented; each stratum gets --min-per-stratum posts first and the rest proportionally. \
                Every post's inclusion probability is stored, so a stratified sample can be weighted. The \
                same seed and inputs give the same sample. With --coders, a share --overlap of the posts \
                goes to every coder (for agreement) and the rest is split between them.

                Examples:
                  annotate sample --name validation --purpose validation --size 200
                  annotate sample --name pilot --size 200 --seed 7
                  annotate sample --name round2 --size 400 --relevant-only --coders alice,bob,carol --overlap 0.25
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Name of the sample (used by the other commands).") var name: String
        @Option(help: "Number of posts to draw.") var size: Int
        @Option(help: "Random seed.") var seed: UInt64 = 4242
        @Option(help: "Why the sample is drawn.") var purpose: SamplePurpose = .training
        @Option(help: "How posts are drawn (default: random for validation, stratified for training).")
        var strategy: SampleStrategy?
        @Flag(help: "Only posts the automated coder put in the codebook's gate category.") var relevantOnly = false
        @Flag(inversion: .prefixedNo, help: "Stratify by detected language.") var stratifyLanguage = true
        @Flag(inversion: .prefixedNo, help: "Stratify by the automated coder's rarest positive category.") var stratifyDecision = true
        @Option(help: "Automated coder for relevance and strata (default: the only one in codings).") var autoCoder: String?
        @Option(help: "Posts every stratum gets before proportional allocation.") var minPerStratum = 5
        @Option(help: "Comma-separated coder names to split the sample between.") var coders: String?
        @Option(help: "Share of posts every coder codes (0-1), with --coders.") var overlap = 1.0
        @Option(help: "Codebook name (default: the most recently loaded).") var codebook: String?

        func run() throws {
            var options = SampleOptions(name: name, size: size)
            options.seed = seed
            options.purpose = purpose
            options.strategy = strategy
            options.relevantOnly = relevantOnly
            options.stratifyByLanguage = stratifyLanguage
            options.stratifyByDecision = stratifyDecision
            options.autoCoder = autoCoder
            options.minPerStratum = minPerStratum
            options.coders = coders?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
            options.overlap = overlap
            options.codebookName = codebook
            let s = try Sampler.draw(try database.open(.readWrite), options)
            let drawn = s.strata.reduce(0) { $0 + $1.sampled }
            print("sample '\(name)'\(s.alreadyExisted ? " (already drawn with these options)" : ""): \(drawn) of \(s.population) "
                  + "eligible posts, \(options.purpose.rawValue), \(options.effectiveStrategy.rawValue), \(s.strata.count) strata")
            if s.strata.count <= 20 {
                for stratum in s.strata { print("  \(stratum.stratum): \(stratum.sampled) of \(stratum.population)") }
            } else {
                // Many strata: show the margins (per language, per decision); sample_posts has every stratum.
                for (dimension, margin) in SampleSummary.margins(s.strata) {
                    print("  by \(dimension): " + margin.map { "\($0.value) \($0.sampled)/\($0.population)" }.joined(separator: ", "))
                }
            }
            for a in s.assignments { print("  \(a.coder): \(a.posts) posts (\(a.shared) shared)") }
        }
    }

    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Code a sample by hand in a full-screen terminal interface.",
            discussion: """
                Keys: 1-9 and 0 toggle categories 1-10, j/k or arrows move the highlight, Space toggles it, \
                ? shows its definition, n next (an untouched post is saved as "no category"), p previous, \
                s skip, u undo, m note, q quit. Every decision is saved when its key is pressed; run the \
                command again to resume at the first post you have not decided.

                Example:
                  annotate code --sample pilot --coder alice
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Sample name.") var sample: String
        @Option(help: "Your coder name (stored as human:<name>).") var coder: String
        @Option(help: "Language of the category labels.") var language = "en"

        func run() throws {
            let db = try database.open(.readWrite)
            let ref = try SampleRef.find(db, sample)
            let coderID = HumanCoder.id(coder)
            guard coderID.hasPrefix("human:") else { throw AnnotateError("use `annotate adjudicate` to code as 'adjudicated'") }
            let store = try AnnotationStore(db: db, sample: ref, coder: coderID, language: language)
            let posts = try store.posts()
            guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
                throw AnnotateError("`annotate code` needs a terminal; use `annotate import` to load codings from a CSV file")
            }
            let run = try StageRun.begin(db, stage: "annotate-code:\(coderID)", parameters: ["sample": sample, "coder": coderID])
            store.runID = run.id
            var state = CodingState(title: "\(sample) · \(coderID)", posts: posts, scheme: store.scheme,
                                    decisions: try store.decisions(), notes: try store.notes(), now: monotonicSeconds())
            try TerminalUI.run(&state, store: store)
            let decided = state.decidedCount
            try db.transaction { try run.finish(rowsIn: state.posts.count, rowsOut: decided, rejects: 0) }
            print("\(coderID): \(decided) of \(state.posts.count) posts decided in sample '\(sample)'")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a coder's annotations as CSV (one row per post, one 0/1 column per category).",
            discussion: "Example:\n  annotate export --sample pilot --coder bob --out bob.csv")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Sample name.") var sample: String
        @Option(help: "Coder name.") var coder: String
        @Option(help: "Output file (default: standard output).") var out: String?

        func run() throws {
            let db = try database.open(.readOnly)
            let store = try AnnotationStore(db: db, sample: try SampleRef.find(db, sample), coder: HumanCoder.id(coder))
            let csv = try AnnotationCSV.export(store)
            if let out { try Data(csv.utf8).write(to: URL(fileURLWithPath: out)) } else { print(csv, terminator: "") }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a coder's annotations from CSV (the layout `annotate export` writes).",
            discussion: """
                Rows with status 'coded' (or any 0/1 category cell) are stored as coded, 'skipped' as skipped, \
                rows left empty stay undecided. A bad cell stops the import with file:line before anything is stored.

                Example:
                  annotate import --sample pilot --coder bob bob.csv
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Sample name.") var sample: String
        @Option(help: "Coder name.") var coder: String
        @Argument(help: "CSV file.") var file: String

        func run() throws {
            let db = try database.open(.readWrite)
            let store = try AnnotationStore(db: db, sample: try SampleRef.find(db, sample), coder: HumanCoder.id(coder))
            let s = try AnnotationCSV.importFile(file, into: store)
            for w in s.ruleWarnings { FileHandle.standardError.write(Data("annotate: warning: \(w)\n".utf8)) }
            print("\(file): \(s.coded) coded, \(s.skipped) skipped, \(s.untouched) left undecided")
        }
    }

    struct AgreementCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agreement",
            abstract: "Inter-coder agreement per category and overall, with bootstrap 95% intervals.",
            discussion: """
                Percent agreement, Cohen's kappa (two coders), Fleiss' kappa, Krippendorff's alpha (nominal) \
                and Gwet's AC1, over posts coded by at least two coders (skipped posts are missing data). \
                '(all)' pools every category's decisions. Results are stored in agreement_results.

                Example:
                  annotate agreement --sample pilot
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Sample name.") var sample: String
        @Option(help: "Comma-separated coders (default: every human coder of the sample).") var coders: String?
        @Option(help: "Bootstrap replicates.") var replicates = 1000
        @Option(help: "Bootstrap seed.") var seed: UInt64 = 4242

        func run() throws {
            let db = try database.open(.readWrite)
            let ref = try SampleRef.find(db, sample)
            let list = coders?.split(separator: ",").map(String.init) ?? []
            let report = try AgreementReport.compute(db, sample: ref, coders: list, bootstrap: Bootstrap(replicates: replicates, seed: seed))
            try report.store(db, sample: ref, parameters: ["sample": sample, "coders": report.coders.joined(separator: ","),
                                                           "replicates": String(replicates), "seed": String(seed)])
            print(report.render(), terminator: "")
        }
    }

    struct Adjudicate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle disagreements; the settled labels are stored as coder 'adjudicated'.",
            discussion: """
                Posts on which the coders agree are settled automatically. The screen walks only the \
                disagreements and shows each coder's decision beside every category.

                Example:
                  annotate adjudicate --sample pilot --coder carol
                  annotate adjudicate --sample pilot --coder carol --unanimous-only
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Sample name.") var sample: String
        @Option(help: "Who adjudicates (recorded in the run).") var coder: String
        @Flag(help: "Only settle the unanimous posts and list the disagreements (no screen); settle those later on screen or with `annotate import --coder adjudicated`.")
        var unanimousOnly = false

        func run() throws {
            let db = try database.open(.readWrite)
            let ref = try SampleRef.find(db, sample)
            let run = try StageRun.begin(db, stage: "annotate-adjudicate", parameters: ["sample": sample, "adjudicator": coder])
            let store = try AnnotationStore(db: db, sample: ref, coder: HumanCoder.adjudicated, runID: run.id)
            let plan = try Adjudication.plan(db, sample: ref, scheme: store.scheme)
            let auto = try Adjudication.storeUnanimous(plan, store: store)
            let posts = try store.posts().filter { plan.disputed[$0.postID] != nil }
            var state = CodingState(title: "adjudicate \(sample) · \(coder)", posts: posts, scheme: store.scheme,
                                    decisions: try store.decisions().filter { plan.disputed[$0.key] != nil },
                                    notes: try store.notes(), now: monotonicSeconds())
            state.reference = plan.disputed
            if unanimousOnly {
                print("disagreements left to settle (\(posts.count - state.decidedCount)): "
                      + posts.filter { state.decisions[$0.postID] == nil }.map { String($0.postID) }.joined(separator: " "))
            } else if !posts.isEmpty {
                try TerminalUI.run(&state, store: store)
            }
            try db.transaction { try run.finish(rowsIn: posts.count, rowsOut: state.decidedCount + auto, rejects: 0) }
            print("adjudicated: \(auto) unanimous posts settled automatically, \(state.decidedCount) of \(posts.count) disagreements settled")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Precision, recall, F1, kappa and confusion counts of each automated coder against a reference.",
            discussion: """
                Stored in validation_confusion; '(all, micro)' sums the counts over categories.

                Example:
                  annotate validate --against adjudicated --sample pilot
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Reference coder: 'adjudicated' or a human coder's name.") var against = "adjudicated"
        @Option(help: "Only posts of this sample.") var sample: String?
        @Option(help: "Comma-separated automated coders (default: all).") var coders: String?

        func run() throws {
            let db = try database.open(.readWrite)
            let ref = try sample.map { try SampleRef.find(db, $0) }
            let reference = against == HumanCoder.adjudicated || against.contains(":") ? against : HumanCoder.id(against)
            let rows = try Validation.compute(db, reference: reference, sample: ref, coders: coders?.split(separator: ",").map(String.init) ?? [])
            try Validation.store(db, rows: rows, reference: reference, parameters: ["against": reference, "sample": sample ?? "", "coders": coders ?? ""])
            print(Validation.render(rows, reference: reference), terminator: "")
        }
    }
}
