import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

extension AnnotateCommand {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Precision, recall, F1, kappa and confusion counts of each automated coder against a reference.",
            discussion: """
                Stored in validation_confusion; '(all, micro)' sums the counts over categories. With --errors, \
                lists the posts each coder got wrong instead (false positives, then false negatives, per \
                category): the text with the coder's evidence marked ⟦like this⟧, the evidence in words, and \
                the reference coder's note; nothing is stored. Posts whose adjudication is stale are left out.

                Examples:
                  annotate validate --against adjudicated --sample pilot
                  annotate validate --against adjudicated --errors --category companion --limit 10
                  annotate validate --against adjudicated --errors --csv errors.csv
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Reference coder: 'adjudicated' or a human coder's name.") var against = "adjudicated"
        @Option(help: "Only posts of this sample.") var sample: String?
        @Option(help: "Comma-separated automated coders (default: all).") var coders: String?
        @Flag(help: "List the false positives and false negatives instead of the counts.") var errors = false
        @Option(help: "With --errors: only this category.") var category: String?
        @Option(help: "With --errors: show at most this many (default 20 on screen, all in --csv; 0: all).")
        var limit: Int?
        @Option(help: ArgumentHelp("With --errors: write them to this CSV file.", valueName: "file.csv"))
        var csv: String?
        @Option(help: "With --errors: wrap the text to this many columns.") var width = 100

        func validate() throws {
            if !errors, category != nil || limit != nil || csv != nil {
                throw ValidationError("--category, --limit and --csv go with --errors")
            }
        }

        /// 'adjudicated', a coder id with a prefix, or a human coder's name.
        var referenceCoder: String {
            against == HumanCoder.adjudicated || against.contains(":") ? against : HumanCoder.id(against)
        }

        func run() throws {
            let coderList = coders?.split(separator: ",").map(String.init) ?? []
            if errors {
                let db = try database.open(.readOnly)
                var options = MistakeOptions()
                options.reference = against
                options.sample = try sample.map { try SampleRef.find(db, $0) }
                options.coders = coderList
                options.category = category
                let shown = limit ?? (csv == nil ? 20 : 0)
                options.limit = shown == 0 ? nil : shown
                let report = try Validation.mistakes(db, options)
                let reference = referenceCoder
                if let csv {
                    try CSVRows.write(Validation.mistakesCSV(report, reference: reference), to: csv)
                    print(
                        "\(csv): \(report.mistakes.count) posts coded wrongly "
                            + "(coder, category, error, evidence, note, text)")
                } else {
                    print(Validation.renderMistakes(report, reference: reference, width: width), terminator: "")
                }
                return
            }
            let db = try database.open(.readWrite)
            let ref = try sample.map { try SampleRef.find(db, $0) }
            let reference = referenceCoder
            let (rows, staleLeftOut) = try Validation.computeReport(
                db, reference: reference, sample: ref,
                coders: coderList)
            try Validation.store(
                db, rows: rows, reference: reference,
                parameters: ["against": reference, "sample": sample ?? "", "coders": coders ?? ""])
            print(Validation.render(rows, reference: reference), terminator: "")
            if staleLeftOut > 0 {
                print("(\(staleLeftOut) posts left out: their adjudication is stale; run `annotate adjudicate`)")
            }
        }
    }
}
