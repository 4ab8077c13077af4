import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

@main
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read social-media exports into the study database's posts table.",
        discussion: """
            Reads X API v2 JSON lines (tweets or {data, includes} pages), CSV exports (twarc2's \
            columns are recognised; other layouts need --mapping), Reddit NDJSON (Pushshift-style \
            submissions and comments) and MediaCrawler's Xiaohongshu and Weibo notes and comments \
            (JSON lines, JSON or CSV). Gzipped files are read as they are. The format is detected \
            from the content.

            Nothing is lost: every record ends up in `posts`, in `duplicate_records` (an id already \
            stored) or in `rejects` (with file, line and reason). A file whose content was ingested \
            before is skipped. A file that cannot be read (a damaged gzip, a CSV without a mapping) \
            is reported, nothing from it is stored, the other files are still ingested, and the exit \
            status is 1. Author ids are replaced by keyed hashes unless --keep-handles is given. \
            Dates must state their UTC offset unless --assume-utc is given. Details: docs/ingest.md.

            Examples:
              ingest data/sample/x_keep4o.jsonl data/sample/reddit_keep4o.ndjson
              ingest --db study.sqlite --mapping my-columns.json export.csv.gz
              ingest search_contents_2025-08-10.jsonl search_comments_2025-08-10.jsonl
              sqlite3 data/study.sqlite "SELECT source_line, reason FROM rejects"
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Force the input format instead of detecting it from the content.")
    var format: InputFormat?

    @Option(
        name: .long, help: "A JSON file naming the CSV columns for id, text, created_at, author, lang and platform.")
    var mapping: String?

    @Flag(name: .long, help: "Store authors' handles as given. By default only pseudonymous keys are stored.")
    var keepHandles = false

    @Flag(
        name: .customLong("assume-utc"),
        help: "Read dates without a UTC offset (2025-08-08 14:03:11) as UTC. By default they are rejected.")
    var assumeUTC = false

    @Option(name: .long, help: "Reject lines longer than this many bytes (they are never loaded whole).")
    var maxLineBytes = RecordLimits().maxLineBytes

    @OptionGroup var performance: WorkerOptions

    @Argument(help: "Export files to read (.jsonl, .ndjson, .json, .csv, optionally .gz).")
    var files: [String]

    func validate() throws {
        if maxLineBytes < 1024 { throw ValidationError("--max-line-bytes must be at least 1024") }
    }

    func run() throws {
        try Ingester.checkArguments(files)  // before the study is opened (and created)
        var options = IngestOptions()
        options.format = format
        options.mapping = try mapping.map(CSVMapping.load(path:))
        options.keepHandles = keepHandles
        options.limits.assumeUTC = assumeUTC
        options.limits.maxLineBytes = maxLineBytes
        options.workers = performance.workers
        options.showProgress = isatty(STDERR_FILENO) != 0
        let summaries = try Ingester(database: database.open(.create), options: options).ingest(paths: files)
        print(IngestReport.render(summaries, database: database.db))
        if let failure = IngestReport.failure(summaries) { throw failure }
    }
}
