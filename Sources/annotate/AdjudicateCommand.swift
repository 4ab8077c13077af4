import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

extension AnnotateCommand {
    struct Adjudicate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle disagreements; the settled labels are stored as coder 'adjudicated'.",
            discussion: """
                A post is settled only when every coder assigned to it has decided it. Posts every coder coded \
                alike are settled automatically; the screen walks the rest (the coders differ, or one skipped): \
                categories the coders agree on are pre-filled, each coder's vote is beside every category and \
                their notes under the post, and Tab jumps to the next category in dispute. When a coder \
                changes a decision after its post was settled, the settlement is re-opened: this command lists \
                it and settles it again.

                Examples:
                  annotate adjudicate --sample pilot --coder carol
                  annotate adjudicate --sample pilot --coder carol --unanimous-only
                  annotate adjudicate --sample pilot --status
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Sample name.") var sample: String
        @Option(help: "Who adjudicates (recorded with each settlement and in the run).") var coder: String?
        @Flag(
            help: """
                Only settle the unanimous posts and list the disagreements (no screen); settle those later on \
                screen or with `annotate import --coder adjudicated`.
                """)
        var unanimousOnly = false
        @Flag(help: "Only report what is settled, waiting, in dispute and re-opened (reads the study, writes nothing).")
        var status = false

        func run() throws {
            if status {
                let db = try database.open(.readOnly)
                let ref = try SampleRef.find(db, sample)
                let scheme = try AnnotationStore(db: db, sample: ref, coder: HumanCoder.adjudicated).scheme
                let plan = try Adjudication.plan(db, sample: ref, scheme: scheme)
                print(Adjudication.summary(plan, settledNow: 0, resettled: 0), terminator: "")
                return
            }
            guard let coder else { throw ValidationError("--coder NAME: who adjudicates (not needed with --status)") }
            let db = try database.open(.readWrite)
            let ref = try SampleRef.find(db, sample)
            let run = try StageRun.begin(
                db, stage: "annotate-adjudicate",
                parameters: ["sample": sample, "adjudicator": coder])
            let store = try AnnotationStore(db: db, sample: ref, coder: HumanCoder.adjudicated, runID: run.id)
            store.adjudicator = coder
            var plan = try Adjudication.plan(db, sample: ref, scheme: store.scheme)
            let resettled = plan.unanimousToSettle.filter { plan.stale[$0.postID] != nil }.count
            let settledNow = try Adjudication.storeUnanimous(plan, store: store)
            plan = try Adjudication.plan(db, sample: ref, scheme: store.scheme)
            let posts = try store.posts().filter { plan.disputed[$0.postID] != nil }
            // A re-opened post starts undecided (pre-filled where the coders now agree).
            let decisions = try store.decisions().filter { plan.disputed[$0.key] != nil && plan.stale[$0.key] == nil }
            var state = CodingState(
                title: "adjudicate \(sample) · \(coder)", posts: posts, scheme: store.scheme,
                decisions: decisions, notes: try store.notes(), votes: plan.disputed,
                reopened: plan.stale, now: monotonicSeconds())
            if unanimousOnly {
                let left = posts.filter { state.decisions[$0.postID] == nil }.map { String($0.postID) }
                print("disagreements left to settle (\(left.count)): " + left.joined(separator: " "))
            } else if !posts.isEmpty {
                guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
                    throw AnnotateError(
                        "the adjudication screen needs a terminal (\(settledNow) unanimous posts "
                            + "were settled); use --unanimous-only, "
                            + "or `annotate import --coder adjudicated FILE.csv`")
                }
                try TerminalUI.run(&state, store: store)
            }
            try db.transaction {
                try run.finish(rowsIn: posts.count, rowsOut: state.decidedCount + settledNow, rejects: 0)
            }
            plan = try Adjudication.plan(db, sample: ref, scheme: store.scheme)
            print(Adjudication.summary(plan, settledNow: settledNow, resettled: resettled), terminator: "")
        }
    }
}
