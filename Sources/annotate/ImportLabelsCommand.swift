import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

extension AnnotateCommand {
    struct ImportLabels: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-labels",
            abstract: "Load labels from elsewhere (an earlier study, another tool), keyed by the posts' external ids.",
            discussion: """
                The CSV has an `id` column (the external id ingest stored: tweet id, Reddit fullname…), \
                one 0/1 column per codebook category (a subset is allowed), and optionally `platform` \
                (when one id exists on several platforms) and `note`. No sample is needed. Labels are \
                stored in `codings` as coder human:<name> (or `adjudicated`), replacing that coder's \
                earlier labels of the same posts and categories. Any unknown id, bad cell or repeated \
                id is reported with file:line and nothing is stored.

                Examples:
                  annotate import-labels earlier-study.csv --coder maria
                  annotate import-labels reference.csv --coder adjudicated --codebook codebooks/keep4o.yaml
                  annotate import-labels a.csv --coder a --sample dev && \
                annotate import-labels b.csv --coder b --sample dev
                  annotate agreement --sample dev
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var codebook: CodebookOptions
        @Option(help: "Who made the labels: stored as human:<name>, or 'adjudicated'.") var coder: String
        @Option(help: "Match ids on this platform only.") var platform: String?
        @Option(
            help: "Also file the labelled posts as this sample (for `annotate agreement`; never a validation sample).")
        var sample: String?
        @Argument(help: "CSV file: id, one 0/1 column per category, optional platform and note.") var file: String

        func run() throws {
            let db = try database.open(.readWrite)
            let book = try codebook.loadForReport(db)
            let s = try LabelImport.importFile(
                file, into: db, codebook: book,
                options: .init(coder: coder, platform: platform, sample: sample))
            for w in s.ruleWarnings { FileHandle.standardError.write(Data("annotate: warning: \(w)\n".utf8)) }
            print(
                "\(file): \(s.posts) posts labelled by \(s.coder) (run \(s.runID)), "
                    + "codebook \(book.name)@\(book.version)"
            )
            print("  positives: " + s.categories.map { "\($0) \(s.positives[$0] ?? 0)" }.joined(separator: ", "))
            if !s.categoriesMissing.isEmpty {
                print("  not in the file (nothing stored): " + s.categoriesMissing.joined(separator: ", "))
            }
        }
    }
}
