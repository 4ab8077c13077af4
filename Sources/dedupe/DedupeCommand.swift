import ArgumentParser
import Foundation
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

    @Option(name: .long, help: "The study database (run ingest first).")
    var db = "data/study.sqlite"

    @Option(name: .long, help: "Minimum estimated Jaccard similarity to a cluster's canonical post for 'near'.")
    var threshold = 0.7

    @Option(name: .long, help: "MinHash permutations per post.")
    var permutations = 128

    @Option(name: .long, help: "LSH bands; rows per band = permutations / bands. More bands: more candidates, higher recall, slower.")
    var bands = 25

    @Option(name: .long, help: "Seed of the MinHash permutations.")
    var seed: UInt64 = 4242

    @Option(name: .long, help: "Threads for signatures (default: one per core).")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "After the run, print the largest clusters with a sample text.")
    var report = false

    @Flag(name: .long, help: "Only print the largest clusters of the last run; compute nothing.")
    var reportOnly = false

    @Option(name: .long, help: "How many clusters --report shows.")
    var top = 15

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if !FileManager.default.fileExists(atPath: db) {
            throw ValidationError("no such database: \(db) (run ingest first)")
        }
    }

    func run() throws {
        var options = DedupeOptions()
        options.threshold = threshold
        options.permutations = permutations
        options.bands = bands
        options.seed = seed
        options.workers = max(1, workers)
        do {
            let database = try Database(path: db)
            if !reportOnly {
                let summary = try Deduplicator(database: database, options: options).run()
                print(DedupeReport.summary(summary, database: db))
            }
            if report || reportOnly {
                print()
                print(try DedupeReport.largestClusters(database, limit: top))
            }
        } catch let error as DedupeError {
            throw CleanExit.message(error.description, code: 1)
        } catch let error as DatabaseError {
            throw CleanExit.message(error.description, code: 1)
        }
    }
}

/// Ends the command with a one-line error and no stack trace.
enum CleanExit {
    static func message(_ text: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data(("dedupe: error: " + text + "\n").utf8))
        return ExitCode(code)
    }
}
