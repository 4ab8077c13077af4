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
            columns are recognised; other layouts need --mapping) and Reddit NDJSON (Pushshift-style \
            submissions and comments). Gzipped files are read as they are. The format is detected \
            from the content.

            Nothing is lost: every record ends up in `posts`, in `duplicate_records` (an id already \
            stored) or in `rejects` (with file, line and reason). A file whose content was ingested \
            before is skipped. Author ids are replaced by keyed hashes unless --keep-handles is given.

            Examples:
              ingest data/sample/x_keep4o.jsonl data/sample/reddit_keep4o.ndjson
              ingest --db study.sqlite --mapping my-columns.json export.csv.gz
              sqlite3 data/study.sqlite "SELECT source_line, reason FROM rejects"
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Force the input format instead of detecting it from the content.")
    var format: InputFormat?

    @Option(name: .long, help: "A JSON file naming the CSV columns for id, text, created_at, author, lang and platform.")
    var mapping: String?

    @Flag(name: .long, help: "Store authors' handles as given. By default only pseudonymous keys are stored.")
    var keepHandles = false

    @Option(name: .long, help: "Reject lines longer than this many bytes (they are never loaded whole).")
    var maxLineBytes = RecordLimits().maxLineBytes

    @OptionGroup var performance: WorkerOptions

    @Argument(help: "Export files to read (.jsonl, .ndjson, .csv, optionally .gz).")
    var files: [String]

    func validate() throws {
        if maxLineBytes < 1024 { throw ValidationError("--max-line-bytes must be at least 1024") }
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("no such file: \(file)")
        }
    }

    func run() throws {
        var options = IngestOptions()
        options.format = format
        options.mapping = try mapping.map(CSVMapping.load(path:))
        options.keepHandles = keepHandles
        options.limits.maxLineBytes = maxLineBytes
        options.workers = performance.workers
        options.showProgress = isatty(STDERR_FILENO) != 0
        let summaries = try Ingester(database: database.open(.create), options: options).ingest(paths: files)
        print(IngestReport.render(summaries, database: database.db))
    }
}
