import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

@main
struct DedupeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedupe",
        abstract: "Group exact copies, reposts and near-duplicate campaign posts into clusters.",
        discussion: """
            Every post gets exactly one cluster in `post_clusters`, centred on its canonical post \
            (the earliest of the cluster), with a kind: unique (the canonical), exact (same \
            normalised text), repost (a repost, or a reply/quote that only repeats its parent) or \
            near (estimated Jaccard similarity of character shingles >= --threshold, checked \
            against the canonical, never through a chain of members). `clusters` has one row per \
            cluster with size, first/last time, languages and kinds.

            Normalised text: NFKC, lowercase, "RT @x:" prefixes, URLs and @mentions removed, \
            whitespace collapsed. Shingles: 5 characters, 2 for Chinese/Japanese, 3 for Korean. \
            Same posts and --seed give the same clusters.

            Examples:
              dedupe                                   # data/study.sqlite, threshold 0.7
              dedupe --report --top 10                 # and show the 10 largest clusters
              dedupe --report-only                     # show the clusters of the last run
              dedupe --db study.sqlite --threshold 0.8 --seed 7
              sqlite3 data/study.sqlite "SELECT kind, count(*) FROM post_clusters GROUP BY 1"
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Minimum estimated Jaccard similarity to a cluster's canonical post for 'near'.")
    var threshold = 0.7

    @Option(name: .long, help: "MinHash permutations per post.")
    var permutations = 128

    @Option(
        name: .long,
        help: "LSH bands; rows per band = permutations / bands. More bands: more candidates, higher recall, slower.")
    var bands = 25

    @Option(name: .long, help: "Seed of the MinHash permutations.")
    var seed: UInt64 = 4242

    @OptionGroup var performance: WorkerOptions

    @Flag(name: .long, help: "After the run, print the largest clusters with a sample text.")
    var report = false

    @Flag(name: .long, help: "Only print the largest clusters of the last run; compute nothing.")
    var reportOnly = false

    @Option(name: .long, help: "How many clusters --report shows.")
    var top = 15

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        var options = DedupeOptions()
        options.threshold = threshold
        options.permutations = permutations
        options.bands = bands
        options.seed = seed
        options.workers = performance.workers
        if reportOnly {
            print(try DedupeReport.largestClusters(database.open(.readOnly), limit: top))
            return
        }
        let db = try database.open(.readWrite)
        let summary = try Deduplicator(database: db, options: options).run()
        print(DedupeReport.summary(summary, database: database.db))
        if report {
            print()
            print(try DedupeReport.largestClusters(db, limit: top))
        }
    }
}
