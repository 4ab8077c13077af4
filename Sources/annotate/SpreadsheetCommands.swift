import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

extension AnnotateCommand {
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
                Columns: post_id, one 0/1 column per category, and optionally status, note and any of \
                `annotate export`'s other columns. Rows with status 'coded' (or, with no status, any 0/1 \
                category cell) are stored as coded, 'skipped' as skipped, rows left empty stay undecided. A bad \
                cell stops the import with file:line before anything is stored. Importing as 'adjudicated' \
                settles the posts (recorded in `adjudications` with method 'import').

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
            store.settlementMethod = .import
            let s = try AnnotationCSV.importFile(file, into: store)
            for w in s.ruleWarnings { FileHandle.standardError.write(Data("annotate: warning: \(w)\n".utf8)) }
            print("\(file): \(s.coded) coded, \(s.skipped) skipped, \(s.untouched) left undecided")
        }
    }
}
