import ArgumentParser
import Foundation
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

    @Option(name: .long, help: "The study database (created if missing).")
    var db = "data/study.sqlite"

    @Option(name: .long, help: "Force the input format instead of detecting it: x-v2-json, csv or reddit-ndjson.")
    var format: String?

    @Option(name: .long, help: "A JSON file naming the CSV columns for id, text, created_at, author, lang and platform.")
    var mapping: String?

    @Flag(name: .long, help: "Store authors' handles as given. By default only pseudonymous keys are stored.")
    var keepHandles = false

    @Option(name: .long, help: "Reject lines longer than this many bytes (they are never loaded whole).")
    var maxLineBytes = RecordLimits().maxLineBytes

    @Option(name: .long, help: "Parser threads (default: one per core).")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "Export files to read (.jsonl, .ndjson, .csv, optionally .gz).")
    var files: [String]

    func validate() throws {
        if let format, InputFormat(rawValue: format) == nil {
            throw ValidationError("unknown format '\(format)'; use one of: \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if maxLineBytes < 1024 { throw ValidationError("--max-line-bytes must be at least 1024") }
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("no such file: \(file)")
        }
    }

    func run() throws {
        var options = IngestOptions()
        options.format = format.flatMap(InputFormat.init(rawValue:))
        options.mapping = try mapping.map(CSVMapping.load(path:))
        options.keepHandles = keepHandles
        options.limits.maxLineBytes = maxLineBytes
        options.workers = max(1, workers)
        options.showProgress = isatty(STDERR_FILENO) != 0
        do {
            let database = try Database(path: db)
            let summaries = try Ingester(database: database, options: options).ingest(paths: files)
            print(IngestReport.render(summaries, database: db))
        } catch let error as InputError {
            throw CleanExit.message(error.description, code: 1)
        } catch let error as DatabaseError {
            throw CleanExit.message(error.description, code: 1)
        }
    }
}

/// Ends the command with a one-line error and no stack trace.
enum CleanExit {
    static func message(_ text: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data(("ingest: error: " + text + "\n").utf8))
        return ExitCode(code)
    }
}
