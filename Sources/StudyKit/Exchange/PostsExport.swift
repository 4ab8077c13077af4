import Crypto
import Foundation

public struct PostsExportOptions: Sendable {
    /// The coder whose codes fill the category columns (nil: the primary coder, as `aggregate` picks it).
    public var coder: String?
    /// The coder of the settled labels (the `adjudicated_<category>` columns).
    public var referenceCoder = "adjudicated"
    /// Add `author_handle` and `external_id`: they identify people, so only on request (and handles
    /// exist only when ingest ran with --keep-handles).
    public var identifying = false
    /// Add the post's text.
    public var text = false
    public init() {}
}

public struct PostsExportSummary: Sendable {
    public var posts = 0
    public var coded = 0
    public var adjudicated = 0
    public var files: [String] = []
}

/// The per-post dataset for statistics packages: one row per post with its platform, time,
/// language, duplicate cluster, the primary coder's 0/1 per category and the adjudicated labels,
/// as CSV (libcsv) and JSON lines, with a manifest that carries the codebook (every category's
/// label, definition, theme and parent) and what each column means.
///
/// Missing values are empty cells in CSV and null in JSON: a post the coder did not code (by
/// default `code` codes canonical posts only; copies share their cluster's canonical codes, join
/// on cluster_id), or one without adjudication. Rows are ordered by post_id, numbers are plain
/// integers, no clock time is written: the same study gives the same bytes.
public struct PostsExporter {
    let db: Database

    public init(database: Database) { db = database }

    /// The primary coder: the option, else study setting `primary_coder`, else the coder of the
    /// latest completed `code` run (the rule `aggregate run` follows).
    public func primaryCoder(_ option: String?) throws -> String {
        if let option, !option.isEmpty { return option }
        if let setting = try StudySettings.value(db, "primary_coder"), !setting.isEmpty { return setting }
        if let coder = try db.scalarText(
            """
            SELECT coder FROM codings
            WHERE run_id = (SELECT max(run_id) FROM runs WHERE stage = 'code' AND status = 'completed')
            LIMIT 1
            """)
        {
            return coder
        }
        throw StudyError("\(db.path): no coder to export: run `code` first, or name one with --coder")
    }

    struct Column {
        var name: String
        var meaning: String
        var numeric: Bool
    }

    static let baseColumns: [Column] = [
        Column(name: "post_id", meaning: "the post's id in the study database (posts.post_id)", numeric: true),
        Column(name: "platform", meaning: "x, reddit, ... (posts.platform)", numeric: false),
        Column(name: "created_at", meaning: "creation time, ISO 8601 UTC", numeric: false),
        Column(name: "created_unix", meaning: "creation time, unix seconds", numeric: true),
        Column(
            name: "language", meaning: "detected language (post_languages.language); und: undetermined",
            numeric: false),
        Column(name: "cluster_id", meaning: "its duplicate cluster (= the canonical post's post_id)", numeric: true),
        Column(name: "cluster_kind", meaning: "unique (the canonical post), exact, repost or near", numeric: false),
        Column(name: "cluster_size", meaning: "posts in the cluster", numeric: true),
        Column(
            name: "author_key", meaning: "pseudonymous author (HMAC-SHA256 with the study's salt); empty when unknown",
            numeric: false),
        Column(name: "is_repost", meaning: "1 for a repost", numeric: true),
        Column(name: "is_reply", meaning: "1 for a reply or comment", numeric: true),
    ]

    /// Writes `posts.csv`, `posts.jsonl` and `posts.manifest.json` into `directory`.
    @discardableResult
    public func export(
        to directory: String, options: PostsExportOptions = PostsExportOptions()
    ) throws -> PostsExportSummary {
        let coder = try primaryCoder(options.coder)
        let codebook = try CodebookLoader.stored(db, coder: coder)
        let categories = codebook.categories.map(\.id)
        var columns = Self.baseColumns
        if options.identifying {
            columns.insert(
                Column(name: "external_id", meaning: "the platform's own id of the post", numeric: false), at: 2)
            columns.append(
                Column(
                    name: "author_handle", meaning: "the author's handle (only when ingest kept handles)",
                    numeric: false))
        }
        for category in codebook.categories {
            columns.append(
                Column(
                    name: category.id,
                    meaning: "\(coder): 1 \(category.primaryLabel) present, 0 absent, "
                        + "empty: not coded", numeric: true))
        }
        for category in codebook.categories {
            columns.append(
                Column(
                    name: "\(options.referenceCoder)_\(category.id)",
                    meaning: "\(options.referenceCoder) label for \(category.id); empty: not adjudicated", numeric: true
                ))
        }
        if options.text {
            columns.append(Column(name: "text", meaning: "the post's text as collected", numeric: false))
        }

        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let csvPath = (directory as NSString).appendingPathComponent("posts.csv")
        let jsonPath = (directory as NSString).appendingPathComponent("posts.jsonl")
        let manifestPath = (directory as NSString).appendingPathComponent("posts.manifest.json")
        let csv = try OutputFile(path: csvPath)
        let jsonl = try OutputFile(path: jsonPath)
        try csv.csvRow(columns.map { ($0.name, true) })

        // Codes arrive as one string per post ("category=value,..."), so each post is one row of one
        // query. '+' keeps the codings lookups on the primary key (post_id first); the coder index
        // would read all of a coder's codings once per post.
        let sql = """
            SELECT p.post_id, p.platform, p.external_id, p.created_at, p.created_unix, l.language, c.cluster_id,
                   c.kind AS cluster_kind, k.size AS cluster_size, p.author_key, p.author_handle, p.is_repost,
                   p.is_reply, p.text,
                   (SELECT group_concat(category || '=' || value) FROM codings d
                    WHERE d.post_id = p.post_id AND +d.coder = ?1) AS codes,
                   (SELECT group_concat(category || '=' || value) FROM codings d
                    WHERE d.post_id = p.post_id AND +d.coder = ?2) AS reference_codes
            FROM posts p
            LEFT JOIN post_languages l ON l.post_id = p.post_id
            LEFT JOIN post_clusters c ON c.post_id = p.post_id
            LEFT JOIN clusters k ON k.cluster_id = c.cluster_id
            ORDER BY p.post_id
            """
        var summary = PostsExportSummary()
        var fingerprint = FingerprintStream()
        try db.forEachRow(sql, [.text(coder), .text(options.referenceCoder)]) { row in
            func values(_ list: String?) -> [String: Int] {
                var out: [String: Int] = [:]
                for pair in (list ?? "").split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, let value = Int(parts[1]) { out[String(parts[0])] = value }
                }
                return out
            }
            let codes = values(row.text("codes"))
            let reference = values(row.text("reference_codes"))
            if !codes.isEmpty { summary.coded += 1 }
            if !reference.isEmpty { summary.adjudicated += 1 }
            var cells: [String?] = []
            for column in columns {
                switch column.name {
                case "cluster_kind", "cluster_size", "post_id", "platform", "external_id", "created_at", "created_unix",
                    "language", "cluster_id", "author_key", "author_handle", "is_repost", "is_reply", "text":
                    cells.append(row.text(column.name))
                default:
                    let prefix = options.referenceCoder + "_"
                    if column.name.hasPrefix(prefix), categories.contains(String(column.name.dropFirst(prefix.count))) {
                        cells.append(reference[String(column.name.dropFirst(prefix.count))].map(String.init))
                    } else {
                        cells.append(codes[column.name].map(String.init))
                    }
                }
            }
            try csv.csvRow(zip(columns, cells).map { ($1 ?? "", !$0.numeric && $1 != nil) })
            var line = "{"
            for (i, (column, cell)) in zip(columns, cells).enumerated() {
                if i > 0 { line += "," }
                line += jsonString(column.name) + ":"
                if let cell { line += column.numeric ? cell : jsonString(cell) } else { line += "null" }
            }
            line += "}\n"
            try jsonl.write(line)
            fingerprint.update(line)
            summary.posts += 1
        }
        try csv.close()
        try jsonl.close()

        var manifest = "{\n"
        manifest += "  \"dataset\": \"one row per post of the study (posts.csv, posts.jsonl: the same rows)\",\n"
        manifest += "  \"tool_version\": \(jsonString(BuildInfo.toolVersion)),\n"
        manifest += "  \"coder\": \(jsonString(coder)),\n"
        manifest += "  \"reference_coder\": \(jsonString(options.referenceCoder)),\n"
        manifest += "  \"posts\": \(summary.posts),\n"
        manifest += "  \"posts_coded\": \(summary.coded),\n"
        manifest += "  \"posts_adjudicated\": \(summary.adjudicated),\n"
        manifest += "  \"data_sha256\": \(jsonString(fingerprint.hex)),\n"
        manifest += "  \"missing_values\": \"empty cell in CSV, null in JSON lines\",\n"
        manifest += "  \"codebook\": {\n"
        manifest += "    \"name\": \(jsonString(codebook.name)),\n"
        manifest += "    \"version\": \(jsonString(codebook.version)),\n"
        manifest += "    \"fingerprint\": \(jsonString(codebook.fingerprint)),\n"
        manifest += "    \"gate\": \(codebook.gate.map(jsonString) ?? "null"),\n"
        manifest += "    \"categories\": [\n"
        manifest +=
            codebook.categories.map { category in
                "      {\"id\": \(jsonString(category.id)), \"label\": \(jsonString(category.primaryLabel)), "
                    + "\"theme\": \(category.theme.map(jsonString) ?? "null"), "
                    + "\"parent\": \(category.parent.map(jsonString) ?? "null"), "
                    + "\"definition\": \(jsonString(category.definition))}"
            }.joined(separator: ",\n") + "\n    ]\n  },\n"
        manifest += "  \"columns\": [\n"
        manifest +=
            columns.map { column in
                "    {\"name\": \(jsonString(column.name)), "
                    + "\"type\": \(jsonString(column.numeric ? "integer" : "string")), "
                    + "\"meaning\": \(jsonString(column.meaning))}"
            }.joined(separator: ",\n") + "\n  ]\n}\n"
        let manifestFile = try OutputFile(path: manifestPath)
        try manifestFile.write(manifest)
        try manifestFile.close()
        summary.files = [csvPath, jsonPath, manifestPath]
        return summary
    }
}

/// sha256 over the JSON lines as they are written.
struct FingerprintStream {
    private var hasher = SHA256()
    mutating func update(_ text: String) { hasher.update(data: Data(text.utf8)) }
    var hex: String { Fingerprint.hex(hasher.finalize()) }
}
