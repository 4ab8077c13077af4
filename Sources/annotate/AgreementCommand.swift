import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

extension AnnotateCommand {
    struct AgreementCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agreement",
            abstract: "Inter-coder agreement per category and overall, with bootstrap 95% intervals.",
            discussion: """
                Percent agreement, Cohen's kappa (two coders), Fleiss' kappa, Krippendorff's alpha (nominal) \
                and Gwet's AC1, over posts coded by at least two coders (skipped posts are missing data). \
                '(all)' pools every category's decisions. Results are stored in agreement_results. \
                --disagreements writes every post and category the coders differ on, with each coder's value \
                and note and the post's text, for a team meeting.

                Examples:
                  annotate agreement --sample pilot
                  annotate agreement --sample pilot --disagreements pilot-disagreements.csv
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Sample name.") var sample: String
        @Option(help: "Comma-separated coders (default: every human coder of the sample).") var coders: String?
        @Option(help: "Bootstrap replicates.") var replicates = 1000
        @Option(help: "Bootstrap seed.") var seed: UInt64 = 4242
        @Option(help: ArgumentHelp("Write the disagreements to this CSV file.", valueName: "file.csv"))
        var disagreements: String?

        func run() throws {
            let db = try database.open(.readWrite)
            let ref = try SampleRef.find(db, sample)
            let list = coders?.split(separator: ",").map(String.init) ?? []
            let report = try AgreementReport.compute(
                db, sample: ref, coders: list,
                bootstrap: Bootstrap(replicates: replicates, seed: seed))
            try report.store(
                db, sample: ref,
                parameters: [
                    "sample": sample, "coders": report.coders.joined(separator: ","),
                    "replicates": String(replicates), "seed": String(seed),
                ])
            print(report.render(), terminator: "")
            if let disagreements {
                try CSVRows.write(try report.disagreementsCSV(db, sample: ref), to: disagreements)
                print(
                    "\(disagreements): \(report.disagreements.count) disagreements "
                        + "(post, category, each coder's value and note, text)")
            }
        }
    }
}
