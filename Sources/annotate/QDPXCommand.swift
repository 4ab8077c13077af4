import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

extension AnnotateCommand {
    /// REFI-QDA projects: the coded study out to ATLAS.ti, MAXQDA, NVivo or QualCoder, and codings back in.
    struct QDPX: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "qdpx",
            abstract: "Exchange the coded study with QDA tools as a REFI-QDA project (.qdpx).",
            discussion: """
                Examples:
                  annotate qdpx export --out study.qdpx                      (every coder, every coded post)
                  annotate qdpx export --sample pilot --coder human:alice --coder adjudicated --out pilot.qdpx
                  annotate qdpx import pilot-coded-in-maxqda.qdpx           (coders become qda:<user>)
                """,
            subcommands: [Export.self, Import.self])

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write the codebook, the posts and the chosen coders' codings as a .qdpx.",
                discussion: """
                    One text source per post (named '<platform> <external id>'), one user per coder. A coder's \
                    present categories become a selection over the whole post; the lexicon coder's become \
                    selections over the words it matched. The same study gives the same bytes.
                    """)
            @OptionGroup var database: DatabaseOptions
            @OptionGroup var codebookOptions: CodebookOptions
            @Option(name: .long, help: "A coder to export (repeatable; default: every coder).") var coder: [String] = []
            @Option(name: .long, help: "Only the posts of this annotation sample.") var sample: String?
            @Option(name: .long, help: "Where the posts' texts go.") var text: QDPXTextMode = .files
            @Option(name: .long, help: "The .qdpx file to write.") var out: String

            func run() throws {
                let db = try database.open(.readOnly)
                let codebook = try codebookOptions.loadForReport(db)
                var options = QDPXExportOptions()
                options.coders = coder
                options.sample = sample
                options.textMode = text
                let s = try QDPXExporter(database: db, codebook: codebook).export(to: out, options: options)
                print(
                    "\(out): \(s.posts) posts, \(s.coders.count) coders (\(s.coders.joined(separator: ", "))), "
                        + "\(s.selections) selections, \(s.codings) codings")
                if s.spansCoveringWholePost > 0 {
                    print(
                        "note: \(s.spansCoveringWholePost) matched spans could not be placed in the original text "
                            + "and cover the whole post"
                    )
                }
                if s.codingsOfUnknownCategories > 0 {
                    print(
                        "note: \(s.codingsOfUnknownCategories) codings of categories not in codebook "
                            + "\(codebook.name)@\(codebook.version) were left out"
                    )
                }
            }
        }

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Load the codings of a .qdpx coded in another tool into codings, as coder qda:<user>.",
                discussion: """
                    Codes apply to whole posts: a post gets 1 on a category when the user coded any part of it \
                    with that category's code, 0 on the others. Sources are matched to posts by name \
                    ('<platform> <external id>', as `annotate qdpx export` names them), codes by the \
                    'id: <category>' line of their description, else by the category's id or label.
                    """)
            @OptionGroup var database: DatabaseOptions
            @OptionGroup var codebookOptions: CodebookOptions
            @Argument(help: "The .qdpx (or project.qde) file.") var file: String

            func run() throws {
                let db = try database.open(.readWrite)
                let codebook = try codebookOptions.loadForReport(db)
                let s = try QDPXImporter(database: db, codebook: codebook).importFile(file)
                let coders = s.postsByCoder.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value) posts" }
                print(
                    "\(file): \(s.codingsRead) codings on \(s.sources) sources -> \(s.rowsWritten) codings rows "
                        + "(\(coders.isEmpty ? "no coded posts" : coders.joined(separator: ", "))), run \(s.runID)")
            }
        }
    }
}
