import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

/// `aggregate export --posts`: the per-post dataset instead of the tables (docs/exchange.md).
struct PostsExportCommandOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Write the per-post dataset (posts.csv, posts.jsonl, posts.manifest.json) instead of the tables.",
            discussion:
                "One row per post: platform, time, language, duplicate cluster, the primary coder's 0/1 per category "
                + "and the adjudicated labels. Needs no `aggregate run`."))
    var posts = false

    @Option(
        name: .customLong("posts-coder"),
        help: "With --posts: the coder of the category columns (default: the primary coder).")
    var coder: String?

    @Flag(name: .customLong("with-text"), help: "With --posts: add the posts' text.")
    var withText = false

    @Flag(
        name: .customLong("with-identifiers"),
        help: ArgumentHelp(
            "With --posts: add external_id and author_handle (they identify people).",
            discussion: "Handles exist only when ingest ran with --keep-handles."))
    var withIdentifiers = false

    func export(database: DatabaseOptions, out: String) throws {
        var options = PostsExportOptions()
        options.coder = coder
        options.text = withText
        options.identifying = withIdentifiers
        let s = try PostsExporter(database: try database.open(.readOnly)).export(to: out, options: options)
        print(
            "aggregate: \(s.posts) posts (\(s.coded) coded, \(s.adjudicated) adjudicated) -> "
                + s.files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ") + " in \(out)")
    }
}
