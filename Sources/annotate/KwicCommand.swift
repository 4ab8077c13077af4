import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

extension AnnotateCommand {
    struct Kwic: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kwic",
            abstract: "Keyword in context: every match of a phrase or regex in the posts, aligned on the match.",
            discussion: """
                Searches posts.text_nfkc (the NFKC form the coders match), ignoring case unless \
                --case-sensitive. The first run builds an SQLite FTS5 trigram index (once; ingest then keeps \
                it current), which narrows the posts to read to those containing every 3-character piece of \
                the phrase, or of the literal text a regex needs; each candidate is then checked, so the \
                index never changes what is found. A phrase under 3 characters, or a regex without such a \
                literal, is searched by reading every post (the output says which).

                Examples:
                  annotate kwic "like a friend"
                  annotate kwic "寂しい" --language ja
                  annotate kwic --regex "bring (back|us) 4o" --platform reddit --sort right
                  annotate kwic "friend" --category companion --value 0 --coder lexicon:keep4o@1.0
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The phrase (or, with --regex, an ICU regular expression).") var pattern: String
        @Flag(help: "PATTERN is a regular expression.") var regex = false
        @Flag(help: "Match case exactly.") var caseSensitive = false
        @Option(help: "Comma-separated languages (language-detect's, else the platform's tag).") var language: String?
        @Option(help: "Comma-separated platforms.") var platform: String?
        @Option(help: "Only posts with this category value (see --value, --coder).") var category: String?
        @Option(help: "With --category: 1 (present) or 0 (absent).") var value = 1
        @Option(help: "With --category: whose coding (default: the only automated coder).") var coder: String?
        @Flag(help: "One post per duplicate cluster (its canonical post).") var canonical = false
        @Option(help: "Lines shown (0: all).") var limit = 50
        @Option(help: "Columns of context on each side.") var context = 40
        @Option(help: "Order of the lines.") var sort: KwicSort = .post
        @Option(help: ArgumentHelp("Also write every match to this CSV file.", valueName: "file.csv")) var csv: String?
        @Flag(help: "Read every post instead of using the index (the baseline the index is measured against).")
        var noIndex = false

        func validate() throws {
            if value != 0 && value != 1 { throw ValidationError("--value must be 0 or 1") }
            if context < 1 { throw ValidationError("--context must be at least 1") }
            if limit < 0 { throw ValidationError("--limit must be 0 (all) or more") }
        }

        func run() throws {
            var options = KwicOptions(pattern: pattern)
            options.isRegex = regex
            options.caseSensitive = caseSensitive
            options.languages = list(language)
            options.platforms = list(platform)
            options.category = category
            options.categoryValue = value
            options.coder = coder
            options.canonicalOnly = canonical
            options.contextColumns = context
            options.sort = sort
            options.useIndex = !noIndex
            // Every match needs its context for the CSV file; on screen only the lines shown do.
            options.limit = csv != nil || limit == 0 ? nil : limit
            if !noIndex { try prepareIndex() }
            let db = try database.open(.readOnly)
            let result = try StudyKit.Kwic.search(db, options)
            if let csv {
                try CSVRows.write(StudyKit.Kwic.csv(result), to: csv)
                warn("\(csv): \(result.total) matches")
            }
            let colour = isatty(STDOUT_FILENO) != 0 && TerminalUI.coloursWanted()
            let text = StudyKit.Kwic.render(result, options: options, limit: limit == 0 ? nil : limit, colour: colour)
            print(text, terminator: "")
        }

        func warn(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

        func list(_ text: String?) -> [String] {
            text?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
        }

        /// Builds the index the first time (or indexes posts added by something other than ingest).
        /// A study in a folder this user cannot write is searched by a scan instead.
        func prepareIndex() throws {
            let db: Database
            do {
                db = try database.open(.readWrite)
            } catch let error as DatabaseError where error.isWriteRefused {
                warn("annotate kwic: cannot write the keyword index (\(error)); reading every post")
                return
            }
            let work = try KeywordIndex.pendingWork(db)
            guard work != .none else { return }
            let started = Date()
            if work == .build {
                warn("annotate kwic: building the keyword index (once; ingest keeps it current)…")
            }
            try KeywordIndex.prepare(db)
            if work == .build {
                let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
                warn("annotate kwic: keyword index built in \(seconds) s")
            }
        }
    }
}
