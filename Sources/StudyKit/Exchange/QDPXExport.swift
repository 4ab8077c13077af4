import Foundation

/// How a post's text travels in a .qdpx.
public enum QDPXTextMode: String, CaseIterable, Sendable {
    /// One `sources/<guid>.txt` per post, referenced as `internal://<guid>.txt`: what ATLAS.ti,
    /// MAXQDA, NVivo and QualCoder write themselves. At most 65,534 posts (no ZIP64).
    case files
    /// The text inside project.qde (`<PlainTextContent>`), for larger exports.
    case inline
}

public struct QDPXExportOptions: Sendable {
    /// Coders whose codings are exported (empty: every coder with codings on the exported posts).
    public var coders: [String] = []
    /// Only the posts of this annotation sample (default: every post some exported coder coded).
    public var sample: String?
    public var textMode: QDPXTextMode = .files
    public init() {}
}

public struct QDPXExportSummary: Sendable {
    public var posts = 0
    public var coders: [String] = []
    public var selections = 0
    public var codings = 0
    /// Lexicon spans drawn as a whole-post selection because their offsets could not be mapped onto
    /// the original text (see `NFKCOffsetMap`).
    public var spansCoveringWholePost = 0
    /// Codings of categories the codebook does not have (left out, counted here).
    public var codingsOfUnknownCategories = 0
}

/// Writes a REFI-QDA project (.qdpx: a zip with project.qde in `urn:QDA-XML:project:1.0` and the
/// posts' texts), so a coded study opens in ATLAS.ti, MAXQDA, NVivo or QualCoder:
///
/// - Users: one per coder (`lexicon:keep4o@1.0`, `human:alice`, `adjudicated`, ...).
/// - CodeBook: the codebook's themes and categories, with the same GUIDs as the .qdc export.
/// - Variables: platform, language, created_at, cluster_kind, cluster_size, per source.
/// - Sources: one TextSource per post, named `<platform> <external id>` (how an import finds the
///   post again), with the original text.
/// - Selections: a coder's present categories as one PlainTextSelection over the whole post;
///   for the lexicon coder, one selection per matched span of its evidence (negated matches left
///   out), and the whole post for a category present by a rule (implication) alone.
///
/// Positions are Unicode code points of the source text, start inclusive, end exclusive (a
/// selection [s, e) holds the scalars s..<e), as REFI-QDA counts characters. Every GUID is derived
/// from ids (codebook, platform and external id, coder, offsets): the same study gives the same bytes.
public struct QDPXExporter {
    let db: Database
    let codebook: Codebook

    public init(database: Database, codebook: Codebook) {
        db = database
        self.codebook = codebook
    }

    public static func sourceName(platform: String, externalID: String) -> String { "\(platform) \(externalID)" }

    static func sourceGUID(platform: String, externalID: String) -> String {
        QDCExchange.guid("post", platform, externalID)
    }

    static func userGUID(_ coder: String) -> String { QDCExchange.guid("user", coder) }

    static let variables: [(name: String, type: String, description: String)] = [
        ("platform", "Text", "the platform the post is from (posts.platform)"),
        ("language", "Text", "the detected language (post_languages.language)"),
        ("created_at", "DateTime", "when the post was written, UTC (posts.created_at)"),
        (
            "cluster_kind", "Text",
            "unique (canonical), exact, repost or near: the post's place in its duplicate cluster"
        ),
        ("cluster_size", "Integer", "posts in its duplicate cluster (1: no copies)"),
    ]

    struct Post {
        var postID: Int64
        var platform: String
        var externalID: String
        var text: String
        var nfkc: String?
        var createdAt: String
        var language: String?
        var clusterID: Int64?
        var clusterKind: String?
        var clusterSize: Int?

        init(row: Row) throws {
            postID = try row.required(int64: "post_id")
            platform = try row.required(text: "platform")
            externalID = try row.required(text: "external_id")
            text = try row.required(text: "text")
            nfkc = row.text("nfkc_if_different")
            createdAt = try row.required(text: "created_at")
            language = row.text("language")
            clusterID = row.int64("cluster_id")
            clusterKind = row.text("kind")
            clusterSize = row.int("size")
        }

        var sourceGUID: String { QDPXExporter.sourceGUID(platform: platform, externalID: externalID) }
    }

    /// The coders to export: the ones asked for (each must have codings), else all of them.
    func chosenCoders(_ options: QDPXExportOptions) throws -> [String] {
        let known = try db.query("SELECT DISTINCT coder FROM codings ORDER BY coder").compactMap { $0.text("coder") }
        guard !known.isEmpty else {
            throw StudyError(
                "\(db.path): no codings in this study yet: run `code` or code a sample with `annotate` first")
        }
        if options.coders.isEmpty { return known }
        for coder in options.coders where !known.contains(coder) {
            throw StudyError("no codings by coder '\(coder)' (coders: \(known.joined(separator: ", ")))")
        }
        return Array(Set(options.coders)).sorted()
    }

    /// Writes the .qdpx at `path` (replacing it) and says what went in.
    @discardableResult
    public func export(to path: String, options: QDPXExportOptions = QDPXExportOptions()) throws -> QDPXExportSummary {
        var summary = QDPXExportSummary()
        let coders = try chosenCoders(options)
        summary.coders = coders
        let coderList = coders.map { _ in "?" }.joined(separator: ", ")
        var postFilter = "p.post_id IN (SELECT post_id FROM codings WHERE coder IN (\(coderList)))"
        var filterValues = coders.map(SQLValue.text)
        if let sample = options.sample {
            let sampleID = try db.scalarInt("SELECT sample_id FROM samples WHERE name = ?", [.text(sample)])
            guard let sampleID else {
                let names = try db.query("SELECT name FROM samples ORDER BY sample_id").compactMap { $0.text("name") }
                throw StudyError(
                    "no sample named '\(sample)'"
                        + (names.isEmpty ? "" : " (samples: \(names.joined(separator: ", ")))"))
            }
            postFilter = "p.post_id IN (SELECT post_id FROM sample_posts WHERE sample_id = ?)"
            filterValues = [.int(Int64(sampleID))]
        }
        let postsSQL = """
            SELECT p.post_id, p.platform, p.external_id, p.text, p.nfkc_if_different, p.created_at,
                   l.language, c.cluster_id, c.kind, k.size
            FROM posts p
            LEFT JOIN post_languages l ON l.post_id = p.post_id
            LEFT JOIN post_clusters c ON c.post_id = p.post_id
            LEFT JOIN clusters k ON k.cluster_id = c.cluster_id
            WHERE \(postFilter)
            ORDER BY p.post_id
            """
        let postCount = try db.scalarInt("SELECT count(*) FROM posts p WHERE \(postFilter)", filterValues) ?? 0
        guard postCount > 0 else {
            throw StudyError("no posts to export (no codings by \(coders.joined(separator: ", ")) on them)")
        }
        if options.textMode == .files && postCount > 65_534 {
            throw StudyError(
                "\(postCount) posts do not fit one source file each in a zip without ZIP64 (65,534 at most): "
                    + "use --text inline, or export a sample (--sample NAME)")
        }
        summary.posts = postCount

        let temporary = path + ".partial"
        let zip = try ZipWriter(path: temporary)
        do {
            try zip.addEntry("project.qde") { emit in
                var buffer = ""
                func flush(force: Bool) throws {
                    if force || buffer.utf8.count >= 1 << 16 {
                        try emit(Array(buffer.utf8)[...])
                        buffer = ""
                    }
                }
                buffer += header(coders: coders)
                try db.forEachRow(postsSQL, filterValues) { row in
                    let post = try Post(row: row)
                    buffer += try textSource(post, coders: coders, mode: options.textMode, summary: &summary)
                    try flush(force: false)
                }
                buffer += "  </Sources>\n</Project>\n"
                try flush(force: true)
            }
            if options.textMode == .files {
                try db.forEachRow(postsSQL, filterValues) { row in
                    let post = try Post(row: row)
                    try zip.addEntry("sources/\(post.sourceGUID).txt", bytes: Array(post.text.utf8))
                }
            }
            try zip.close()
        } catch {
            try? zip.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        // The finished archive replaces the old one in one step: a killed export leaves no half file.
        if rename(temporary, path) != 0 {
            throw InputError(file: path, line: nil, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
        return summary
    }

    // MARK: project.qde

    func header(coders: [String]) -> String {
        var xml = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
        let name = XMLText.attribute(codebook.name + " study")
        let origin = XMLText.attribute(
            "keep4o-pipeline \(BuildInfo.toolVersion); codebook \(codebook.name)@\(codebook.version)")
        xml += "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"\(name)\" origin=\"\(origin)\">\n"
        xml += "  <Users>\n"
        for coder in coders {
            xml += "    <User guid=\"\(Self.userGUID(coder))\" name=\"\(XMLText.attribute(coder))\"/>\n"
        }
        xml += "  </Users>\n"
        xml += "  <CodeBook>\n" + QDCExchange.codesElement(codebook, indent: "    ") + "  </CodeBook>\n"
        xml += "  <Variables>\n"
        for variable in Self.variables {
            xml +=
                "    <Variable guid=\"\(QDCExchange.guid("variable", variable.name))\" name=\"\(variable.name)\" "
                + "typeOfVariable=\"\(variable.type)\">\n"
            xml += "      <Description>\(XMLText.content(variable.description))</Description>\n"
            xml += "    </Variable>\n"
        }
        xml += "  </Variables>\n"
        xml += "  <Sources>\n"
        return xml
    }

    /// A present category of one coder on one post, with where in the text it was seen.
    struct Mark {
        var coder: String
        var category: String
        /// Scalar ranges in the original text; empty: the whole post.
        var spans: [Range<Int>]
        var indicators: [String]
    }

    func textSource(
        _ post: Post, coders: [String], mode: QDPXTextMode, summary: inout QDPXExportSummary
    ) throws -> String {
        let guid = post.sourceGUID
        let name = Self.sourceName(platform: post.platform, externalID: post.externalID)
        var xml = "    <TextSource guid=\"\(guid)\" name=\"\(XMLText.attribute(name))\""
        if mode == .files { xml += " plainTextPath=\"internal://\(guid).txt\"" }
        xml += ">\n"
        var description = "post_id \(post.postID); \(post.platform) \(post.externalID); \(post.createdAt)"
        if let language = post.language { description += "; language \(language)" }
        if let kind = post.clusterKind, let cluster = post.clusterID { description += "; cluster \(cluster) (\(kind))" }
        xml += "      <Description>\(XMLText.content(description))</Description>\n"
        if mode == .inline { xml += "      <PlainTextContent>\(XMLText.content(post.text))</PlainTextContent>\n" }

        let length = post.text.unicodeScalars.count
        let offsets = NFKCOffsetMap(text: post.text, nfkc: post.nfkc)
        let coderList = coders.map { _ in "?" }.joined(separator: ", ")
        var marks: [Mark] = []
        // '+coder': look the post up by the primary key, not through the coder index.
        try db.forEachRow(
            """
            SELECT coder, category, evidence FROM codings
            WHERE post_id = ? AND value = 1 AND +coder IN (\(coderList)) ORDER BY coder, category
            """, [.int(post.postID)] + coders.map(SQLValue.text)
        ) { row in
            let coder = try row.required(text: "coder")
            let category = try row.required(text: "category")
            guard codebook.category(category) != nil else {
                summary.codingsOfUnknownCategories += 1
                return
            }
            var mark = Mark(coder: coder, category: category, spans: [], indicators: [])
            if coder.hasPrefix("lexicon:") {
                for span in Self.evidenceSpans(row.text("evidence")) {
                    if let mapped = offsets?.original(span.range) {
                        mark.spans.append(mapped)
                        mark.indicators.append(span.indicator)
                    } else {
                        summary.spansCoveringWholePost += 1
                    }
                }
            }
            marks.append(mark)
        }

        // One selection per coder and range, holding the codings of every category seen there.
        struct Key: Hashable, Comparable {
            var coder: String, start: Int, end: Int
            static func < (a: Key, b: Key) -> Bool { (a.coder, a.start, a.end) < (b.coder, b.start, b.end) }
        }
        var selections: [Key: (categories: [String], indicators: [String])] = [:]
        for mark in marks {
            let ranges = mark.spans.isEmpty ? [0..<length] : mark.spans
            for (i, range) in ranges.enumerated() {
                let key = Key(coder: mark.coder, start: range.lowerBound, end: range.upperBound)
                var entry = selections[key] ?? ([], [])
                if !entry.categories.contains(mark.category) { entry.categories.append(mark.category) }
                if !mark.spans.isEmpty, !entry.indicators.contains(mark.indicators[i]) {
                    entry.indicators.append(mark.indicators[i])
                }
                selections[key] = entry
            }
        }
        for key in selections.keys.sorted() {
            let entry = selections[key]!
            let user = Self.userGUID(key.coder)
            let selectionGUID = QDCExchange.guid(
                "selection", post.platform, post.externalID, key.coder, "\(key.start)", "\(key.end)")
            let whole = key.start == 0 && key.end == length
            let label =
                whole
                ? "whole post"
                : String(
                    String.UnicodeScalarView(post.text.unicodeScalars.dropFirst(key.start).prefix(key.end - key.start)))
            xml +=
                "      <PlainTextSelection guid=\"\(selectionGUID)\" name=\"\(XMLText.attribute(label))\" "
                + "startPosition=\"\(key.start)\" endPosition=\"\(key.end)\" creatingUser=\"\(user)\">\n"
            let note =
                "coder \(key.coder)"
                + (entry.indicators.isEmpty ? "" : "; indicators \(entry.indicators.joined(separator: ", "))")
            xml += "        <Description>\(XMLText.content(note))</Description>\n"
            for category in entry.categories.sorted() {
                let codingGUID = QDCExchange.guid("coding", selectionGUID, category)
                xml += "        <Coding guid=\"\(codingGUID)\" creatingUser=\"\(user)\">\n"
                xml += "          <CodeRef targetGUID=\"\(QDCExchange.codeGUID(codebook, category))\"/>\n"
                xml += "        </Coding>\n"
                summary.codings += 1
            }
            xml += "      </PlainTextSelection>\n"
            summary.selections += 1
        }

        func variable(_ name: String, _ element: String, _ value: String?) {
            guard let value else { return }
            xml +=
                "      <VariableValue>\n        <VariableRef targetGUID=\"\(QDCExchange.guid("variable", name))\"/>\n"
                + "        <\(element)>\(XMLText.content(value))</\(element)>\n      </VariableValue>\n"
        }
        variable("platform", "TextValue", post.platform)
        variable("language", "TextValue", post.language)
        variable("created_at", "DateTimeValue", post.createdAt)
        variable("cluster_kind", "TextValue", post.clusterKind)
        variable("cluster_size", "IntegerValue", post.clusterSize.map(String.init))
        xml += "    </TextSource>\n"
        return xml
    }

    /// The non-negated matched spans of a lexicon coding's evidence (offsets in scalars of text_nfkc).
    static func evidenceSpans(_ evidence: String?) -> [(indicator: String, range: Range<Int>)] {
        guard let evidence, let data = evidence.data(using: .utf8),
            let items = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return items.compactMap { item in
            guard let start = item["start"] as? Int, let end = item["end"] as? Int, start < end,
                (item["negated"] as? Bool) != true
            else { return nil }
            return ((item["indicator"] as? String) ?? "", start..<end)
        }
    }
}

/// Maps offsets in the NFKC form of a text (where the lexicon coder matched) back to offsets in the
/// text as written (what a QDA tool shows). Both are counted in Unicode scalars. Each character
/// (grapheme cluster) is normalised on its own: when the pieces put together give the stored NFKC
/// text, a span maps to the characters that produced it; otherwise there is no map (nil) and the
/// caller falls back to the whole post. When NFKC left the text unchanged, offsets are the same.
struct NFKCOffsetMap {
    /// For each scalar of the NFKC text, the original scalar range of the character it came from.
    private let sources: [Range<Int>]?
    private let length: Int

    init?(text: String, nfkc: String?) {
        length = text.unicodeScalars.count
        guard let nfkc else {
            sources = nil
            return
        }
        var sources: [Range<Int>] = []
        var rebuilt = String.UnicodeScalarView()
        var offset = 0
        for character in text {
            let width = character.unicodeScalars.count
            let normalised = String(character).precomposedStringWithCompatibilityMapping.unicodeScalars
            rebuilt.append(contentsOf: normalised)
            for _ in normalised { sources.append(offset..<(offset + width)) }
            offset += width
        }
        guard String(rebuilt) == nfkc, Array(rebuilt) == Array(nfkc.unicodeScalars) else { return nil }
        self.sources = sources
    }

    /// The original range of an NFKC range, or nil when it lies outside the text.
    func original(_ range: Range<Int>) -> Range<Int>? {
        guard let sources else {
            return range.lowerBound >= 0 && range.upperBound <= length && !range.isEmpty ? range : nil
        }
        guard range.lowerBound >= 0, range.upperBound <= sources.count, !range.isEmpty else { return nil }
        return sources[range.lowerBound].lowerBound..<sources[range.upperBound - 1].upperBound
    }
}
