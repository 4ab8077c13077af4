import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

@main
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract:
            "Hand-code a sample of posts with the codebook, measure agreement, settle disagreements, validate `code`.",
        discussion: """
            A typical round:
              annotate sample --name pilot --size 200 --coders alice,bob --overlap 0.3
              annotate code --sample pilot --coder alice     (full screen; bob at once)
              annotate agreement --sample pilot
              annotate adjudicate --sample pilot --coder carol
              annotate validate --against adjudicated --sample pilot
              annotate validate --against adjudicated --errors --category companion
              annotate kwic "like a friend" --language en --category companion --value 0

            Human labels are stored in `codings` as coder 'human:<name>', settled ones as 'adjudicated'.
            Coding is blind: the screen never shows the automated coder's or other coders' decisions.
            """,
        subcommands: [
            Sample.self, Code.self, Export.self, Import.self, ImportLabels.self, AgreementCommand.self, Adjudicate.self,
            Validate.self, Kwic.self, QDPX.self,
        ]
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
        @Flag(inversion: .prefixedNo, help: "Stratify by the automated coder's rarest positive category.")
        var stratifyDecision = true
        @Option(help: "Automated coder for relevance and strata (default: the only one in codings).") var autoCoder:
            String?
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
            options.coders =
                coders?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                ?? []
            options.overlap = overlap
            options.codebookName = codebook
            let s = try Sampler.draw(try database.open(.readWrite), options)
            let drawn = s.strata.reduce(0) { $0 + $1.sampled }
            print(
                "sample '\(name)'\(s.alreadyExisted ? " (already drawn with these options)" : ""): "
                    + "\(drawn) of \(s.population) eligible posts, \(options.purpose.rawValue), "
                    + "\(options.effectiveStrategy.rawValue), \(s.strata.count) strata"
            )
            if s.strata.count <= 20 {
                for stratum in s.strata { print("  \(stratum.stratum): \(stratum.sampled) of \(stratum.population)") }
            } else {
                // Many strata: show the margins (per language, per decision); sample_posts has every stratum.
                for (dimension, margin) in SampleSummary.margins(s.strata) {
                    print(
                        "  by \(dimension): "
                            + margin.map { "\($0.value) \($0.sampled)/\($0.population)" }.joined(separator: ", "))
                }
            }
            for a in s.assignments { print("  \(a.coder): \(a.posts) posts (\(a.shared) shared)") }
        }
    }
}
