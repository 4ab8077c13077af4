import Foundation
import Yams

/// One codebook category as the annotation tools need it: what the coder sees and toggles.
public struct AnnotationCategory: Sendable, Equatable {
    public var id: String
    public var label: String
    public var definition: String
    public var include: [String]
    public var exclude: [String]

    public init(id: String, label: String, definition: String, include: [String] = [], exclude: [String] = []) {
        self.id = id
        self.label = label
        self.definition = definition
        self.include = include
        self.exclude = exclude
    }
}

/// The categories of one codebook with its gate and implication rules (`from` present ⇒ `to` present).
public struct AnnotationScheme: Sendable, Equatable {
    public var name: String
    public var version: String
    public var fingerprint: String
    public var categories: [AnnotationCategory]
    public var gate: String?
    public var implications: [Implication]

    public struct Implication: Sendable, Equatable {
        public var from: String
        public var to: String
        public init(from: String, to: String) { self.from = from; self.to = to }
    }

    public init(name: String, version: String, fingerprint: String, categories: [AnnotationCategory],
                gate: String? = nil, implications: [Implication] = []) {
        self.name = name
        self.version = version
        self.fingerprint = fingerprint
        self.categories = categories
        self.gate = gate
        self.implications = implications
    }

    public var categoryIDs: [String] { categories.map(\.id) }
}

/// One row of `codebooks` (written by the `code` stage).
public struct StoredCodebook: Sendable {
    public var name: String
    public var version: String
    public var fingerprint: String
    public var yaml: String

    /// The codebook with this fingerprint, or the most recently loaded one named `name`
    /// (or the most recent of all when both are nil).
    public static func load(_ db: Database, name: String? = nil, fingerprint: String? = nil) throws -> StoredCodebook {
        let rows: [Row]
        if let fingerprint {
            rows = try db.query("SELECT name, version, fingerprint, yaml FROM codebooks WHERE fingerprint = ?", [.text(fingerprint)])
        } else if let name {
            rows = try db.query("SELECT name, version, fingerprint, yaml FROM codebooks WHERE name = ? ORDER BY codebook_id DESC LIMIT 1", [.text(name)])
        } else {
            rows = try db.query("SELECT name, version, fingerprint, yaml FROM codebooks ORDER BY codebook_id DESC LIMIT 1")
        }
        guard let row = rows.first else {
            throw AnnotateError("no codebook \(fingerprint.map { "with fingerprint \($0)" } ?? name.map { "named '\($0)'" } ?? "") in the database; run `code --codebook codebooks/keep4o.yaml` first")
        }
        return StoredCodebook(name: row.text(0)!, version: row.text(1)!, fingerprint: row.text(2)!, yaml: row.text(3)!)
    }
}

/// THE seam between the codebook format (owned by the `code` stage) and the annotation tools.
/// It reads the YAML stored in `codebooks` directly, taking only what annotation needs
/// (id, label, definition, include, exclude, gate, implications). When the `code` stage's
/// `Codebook` model is on main, replace the body with a mapping from `CodebookLoader.parse`.
public func annotationCategories(from codebook: StoredCodebook, language: String = "en") throws -> AnnotationScheme {
    let object: Any?
    do {
        object = try Yams.load(yaml: codebook.yaml)
    } catch {
        throw AnnotateError("codebook \(codebook.name)@\(codebook.version): YAML does not parse: \(error)")
    }
    guard let top = object as? [String: Any], let list = top["categories"] as? [[String: Any]] else {
        throw AnnotateError("codebook \(codebook.name)@\(codebook.version): no 'categories' list")
    }
    func text(_ value: Any?) -> String {
        if let s = value as? String { return s.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = value { return "\(v)" }
        return ""
    }
    let languages = (top["languages"] as? [Any])?.map(text) ?? []
    var categories: [AnnotationCategory] = []
    for item in list {
        let id = text(item["id"])
        guard !id.isEmpty else { throw AnnotateError("codebook \(codebook.name): a category has no id") }
        var label = id
        if let labels = item["label"] as? [String: Any] {
            // The coder's language, else the codebook's first language that has a label.
            label = text(labels[language] ?? languages.lazy.compactMap { labels[$0] }.first ?? labels.values.first)
        } else if item["label"] != nil {
            label = text(item["label"])
        }
        categories.append(AnnotationCategory(
            id: id, label: label, definition: text(item["definition"]),
            include: (item["include"] as? [Any])?.map(text) ?? [],
            exclude: (item["exclude"] as? [Any])?.map(text) ?? []))
    }
    var implications: [AnnotationScheme.Implication] = []
    for rule in top["implications"] as? [Any] ?? [] {
        if let s = rule as? String {
            let parts = s.components(separatedBy: " implies ").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { implications.append(.init(from: parts[0], to: parts[1])) }
        } else if let m = rule as? [String: Any] {
            implications.append(.init(from: text(m["if"]), to: text(m["then"])))
        }
    }
    let gate = top["gate"].map(text)
    return AnnotationScheme(name: codebook.name, version: codebook.version, fingerprint: codebook.fingerprint,
                            categories: categories, gate: gate, implications: implications)
}

/// A user-facing failure of an annotate command (bad option, missing table, unknown sample).
public struct AnnotateError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
