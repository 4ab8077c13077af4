import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

extension AnnotateCommand {
    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Code a sample by hand in a full-screen terminal interface.",
            discussion: """
                Keys: 1-9 and 0 toggle categories 1-10; j/k move the highlight, Enter toggles it; arrows, \
                PgUp/PgDn, Space and the mouse wheel scroll a long post; ? shows the highlighted category's \
                definition and every key (Esc returns); n next (an untouched post is saved as "no category"), \
                p previous, ] next undecided, s skip, u undo, m note, q quit. Every decision is saved when its \
                key is pressed; run the command again to resume at the first post you have not decided. \
                Colours follow NO_COLOR (https://no-color.org).

                Example:
                  annotate code --sample pilot --coder alice
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Sample name.") var sample: String
        @Option(help: "Your coder name (stored as human:<name>).") var coder: String
        @Option(help: "Language of the category labels.") var language = "en"

        func run() throws {
            let db = try database.open(.readWrite)
            let ref = try SampleRef.find(db, sample)
            let coderID = HumanCoder.id(coder)
            guard coderID.hasPrefix("human:") else {
                throw AnnotateError("use `annotate adjudicate` to code as 'adjudicated'")
            }
            let store = try AnnotationStore(db: db, sample: ref, coder: coderID, language: language)
            let posts = try store.posts()
            guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
                throw AnnotateError(
                    "`annotate code` needs a terminal; "
                        + "use `annotate import` to load codings from a CSV file")
            }
            let run = try StageRun.begin(
                db, stage: "annotate-code:\(coderID)",
                parameters: ["sample": sample, "coder": coderID])
            store.runID = run.id
            var state = CodingState(
                title: "\(sample) · \(coderID)", posts: posts, scheme: store.scheme,
                decisions: try store.decisions(), notes: try store.notes(), now: monotonicSeconds())
            try TerminalUI.run(&state, store: store)
            let decided = state.decidedCount
            try db.transaction { try run.finish(rowsIn: state.posts.count, rowsOut: decided, rejects: 0) }
            print("\(coderID): \(decided) of \(state.posts.count) posts decided in sample '\(sample)'")
        }
    }
}
