import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

public struct QDPXImportSummary: Sendable {
    public var runID: Int64 = 0
    /// Coder names written (`qda:<user>`), with the posts each coded.
    public var postsByCoder: [String: Int] = [:]
    public var sources = 0
    public var codingsRead = 0
    public var rowsWritten = 0
}

/// Reads a REFI-QDA project coded in another tool (ATLAS.ti, MAXQDA, NVivo, QualCoder; a .qdpx, or
/// its bare project.qde) into `codings`, one coder `qda:<user name>` per user of the project.
///
/// Codes are applied to whole posts: a post gets 1 on a category when the user coded any part of
/// it (or the whole source) with that category's code, and 0 on every other category of the
/// codebook, like a human coder's decision on the coding screen. Posts the user did not code get
/// no rows. Sources are found by their name `<platform> <external id>` (as the .qdpx export names
/// them); codes by the `id: <category>` line the export puts in their description, else by a name
/// equal to a category's id or label. Anything that cannot be matched stops the import with the
/// file and the reason, before anything is written; a re-import replaces the same coders' rows.
public struct QDPXImporter {
    let db: Database
    let codebook: Codebook

    public init(database: Database, codebook: Codebook) {
        db = database
        self.codebook = codebook
    }

    public static func coderName(_ user: String) -> String {
        let cleaned = user.trimmingCharacters(in: .whitespacesAndNewlines)
            .components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }.joined(separator: "_")
        return "qda:" + (cleaned.isEmpty ? "unknown" : cleaned)
    }

    /// project.qde's bytes: from the archive, or the file itself when it is XML.
    static func projectXML(path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: nil, reason: "cannot read the file")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x50, 0x4B]) {
            let zip = try ZipReader(bytes: bytes, path: path)
            let candidates = zip.entries.filter { $0.name.lowercased().hasSuffix(".qde") && !$0.name.contains("/") }
            guard let entry = candidates.first(where: { $0.name == "project.qde" }) ?? candidates.first else {
                throw InputError(
                    file: path, line: nil, reason: "no project.qde in this archive: not a REFI-QDA project (.qdpx)")
            }
            return try zip.read(entry)
        }
        return bytes
    }

    @discardableResult
    public func importFile(_ path: String) throws -> QDPXImportSummary {
        let project = try QDEProject.parse(try Self.projectXML(path: path), path: path)

        // Codes to categories.
        var categoryOfCode: [String: String] = [:]
        var byName: [String: String] = [:]
        for category in codebook.categories {
            byName[category.id.lowercased()] = category.id
            for (_, label) in category.labels { byName[label.lowercased()] = category.id }
        }
        var unknownCodes: [String] = []
        for code in project.codes {
            let firstLine = code.description.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            var id: String? = nil
            if firstLine.hasPrefix("id: ") {
                id = String(firstLine.dropFirst(4)).trimmingCharacters(in: .whitespaces)
                if codebook.category(id!) == nil { id = nil }
            }
            id = id ?? byName[code.name.trimmingCharacters(in: .whitespaces).lowercased()]
            if let id {
                categoryOfCode[code.guid] = id
            } else if code.isCodable && project.usedCodes.contains(code.guid) {
                unknownCodes.append(code.name)
            }
        }
        if !unknownCodes.isEmpty {
            throw InputError(
                file: path, line: nil,
                reason: "codes that match no category of codebook \(codebook.name)@\(codebook.version): "
                    + unknownCodes.sorted().joined(separator: ", ")
                    + " (a code matches by an `id: <category>` first line in its description,"
                    + " or by the category's id or label)"
            )
        }

        // Sources to posts.
        var postOfSource: [String: Int64] = [:]
        var unmatched: [String] = []
        for source in project.sources where project.codedSources.contains(source.guid) {
            let parts = source.name.split(separator: " ", maxSplits: 1).map(String.init)
            var postID: Int64? = nil
            if parts.count == 2 {
                postID = try db.query(
                    "SELECT post_id FROM posts WHERE platform = ? AND external_id = ?",
                    [.text(parts[0]), .text(parts[1])]
                ).first?.int64("post_id")
            }
            if let postID { postOfSource[source.guid] = postID } else { unmatched.append(source.name) }
        }
        if !unmatched.isEmpty {
            let shown = unmatched.sorted().prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            throw InputError(
                file: path, line: nil,
                reason: "\(unmatched.count) coded source(s) name no post of this study "
                    + "(\(shown)\(unmatched.count > 5 ? ", ..." : "")): "
                    + "sources are found by the name `<platform> <external id>` "
                    + "that `annotate qdpx export` gives them")
        }

        // Decisions: coder -> post -> categories present.
        var present: [String: [Int64: Set<String>]] = [:]
        var summary = QDPXImportSummary()
        summary.sources = project.sources.count
        for coding in project.codings {
            guard let category = categoryOfCode[coding.codeGUID] else {
                if project.codes.contains(where: { $0.guid == coding.codeGUID }) { continue }  // a non-codable code
                throw InputError(
                    file: path, line: coding.line,
                    reason:
                        "a coding refers to code \(coding.codeGUID), which the codebook of the project does not have")
            }
            guard let postID = postOfSource[coding.sourceGUID] else { continue }
            let user = coding.userGUID.flatMap { project.users[$0] } ?? coding.userGUID ?? "unknown"
            present[Self.coderName(user), default: [:]][postID, default: []].insert(category)
            summary.codingsRead += 1
        }

        let parameters = [
            "file": (path as NSString).lastPathComponent, "codebook_fingerprint": codebook.fingerprint,
            "coders": present.keys.sorted().joined(separator: ","),
        ]
        let run = try StageRun.begin(
            db, stage: "annotate-import-qdpx", parameters: parameters,
            inputFingerprint: try Fingerprint.ofFile(atPath: path))
        do {
            try db.transaction {
                let evidence = "[{\"qdpx\":\(jsonString((path as NSString).lastPathComponent))}]"
                for (coder, posts) in present.sorted(by: { $0.key < $1.key }) {
                    for (postID, categories) in posts.sorted(by: { $0.key < $1.key }) {
                        try db.run("DELETE FROM codings WHERE post_id = ? AND coder = ?", [.int(postID), .text(coder)])
                        for category in codebook.categories {
                            try db.run(
                                """
                                INSERT INTO codings(post_id, category, value, coder, evidence, confidence, run_id)
                                VALUES (?, ?, ?, ?, ?, NULL, ?)
                                """,
                                [
                                    .int(postID), .text(category.id), .from(categories.contains(category.id)),
                                    .text(coder),
                                    .text(evidence), .int(run.id),
                                ])
                            summary.rowsWritten += 1
                        }
                    }
                    summary.postsByCoder[coder] = posts.count
                }
                try run.finish(rowsIn: summary.codingsRead, rowsOut: summary.rowsWritten, rejects: 0)
            }
        } catch {
            try? db.transaction { run.fail(error) }
            throw error
        }
        summary.runID = run.id
        return summary
    }
}

/// The parts of a project.qde an import needs, read with Foundation's XMLParser.
struct QDEProject {
    struct Code {
        var guid: String
        var name: String
        var isCodable: Bool
        var description: String
    }
    struct Source {
        var guid: String
        var name: String
    }
    struct Coding {
        var codeGUID: String
        var sourceGUID: String
        var userGUID: String?
        var line: Int
    }

    var users: [String: String] = [:]
    var codes: [Code] = []
    var sources: [Source] = []
    var codings: [Coding] = []
    var usedCodes: Set<String> { Set(codings.map(\.codeGUID)) }
    var codedSources: Set<String> { Set(codings.map(\.sourceGUID)) }

    static func parse(_ bytes: [UInt8], path: String) throws -> QDEProject {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.delegate = delegate
        try delegate.problems.run(parser, path: path, document: "project.qde")
        guard delegate.sawProject else {
            throw InputError(file: path, line: nil, reason: "no <Project> element: not a REFI-QDA project")
        }
        return delegate.project
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var project = QDEProject()
        var sawProject = false
        let problems = XMLProblems()
        /// Open Code elements, open sources, the selection's user, the coding's user.
        var codeStack: [Int] = []
        var source: (guid: String, user: String?)?
        var selectionUser: String?
        var codingUser: String?
        var inCoding = false
        var inCodeDescription = false
        var descriptionText = ""

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { problems.heard(parser, parseError) }

        func fail(_ parser: XMLParser, _ reason: String) { problems.fail(parser, reason) }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch name {
            case "Project": sawProject = true
            case "User":
                if let guid = attributes["guid"] {
                    project.users[guid] = attributes["name"] ?? attributes["id"] ?? guid
                }
            case "Code":
                guard let guid = attributes["guid"], let codeName = attributes["name"] else {
                    return fail(parser, "a <Code> needs guid and name attributes")
                }
                project.codes.append(
                    Code(guid: guid, name: codeName, isCodable: attributes["isCodable"] != "false", description: ""))
                codeStack.append(project.codes.count - 1)
            case "Description" where !codeStack.isEmpty && source == nil:
                inCodeDescription = true
                descriptionText = ""
            case "TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource":
                guard source == nil, let guid = attributes["guid"] else { return }
                source = (guid, attributes["creatingUser"])
                project.sources.append(Source(guid: guid, name: attributes["name"] ?? guid))
            case "PlainTextSelection", "PDFSelection", "PictureSelection", "AudioSelection", "VideoSelection",
                "TranscriptSelection":
                selectionUser = attributes["creatingUser"]
            case "Coding":
                inCoding = true
                codingUser = attributes["creatingUser"]
            case "CodeRef" where inCoding:
                guard let target = attributes["targetGUID"] else {
                    return fail(parser, "a <CodeRef> needs a targetGUID")
                }
                guard let source else { return }  // codings outside sources (cases, sets) are not post codings
                project.codings.append(
                    Coding(
                        codeGUID: target, sourceGUID: source.guid,
                        userGUID: codingUser ?? selectionUser ?? source.user, line: parser.lineNumber))
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inCodeDescription { descriptionText += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "Code": _ = codeStack.popLast()
            case "Description" where inCodeDescription:
                inCodeDescription = false
                if let last = codeStack.last { project.codes[last].description = descriptionText }
            case "TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource": source = nil
            case "PlainTextSelection", "PDFSelection", "PictureSelection", "AudioSelection", "VideoSelection",
                "TranscriptSelection":
                selectionUser = nil
            case "Coding":
                inCoding = false
                codingUser = nil
            default: break
            }
        }
    }
}
