import Foundation

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
        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    public init(
        name: String, version: String, fingerprint: String, categories: [AnnotationCategory],
        gate: String? = nil, implications: [Implication] = []
    ) {
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
            rows = try db.query(
                "SELECT name, version, fingerprint, yaml FROM codebooks WHERE fingerprint = ?", [.text(fingerprint)])
        } else if let name {
            rows = try db.query(
                "SELECT name, version, fingerprint, yaml FROM codebooks WHERE name = ? "
                    + "ORDER BY codebook_id DESC LIMIT 1",
                [.text(name)])
        } else {
            rows = try db.query(
                "SELECT name, version, fingerprint, yaml FROM codebooks ORDER BY codebook_id DESC LIMIT 1")
        }
        guard let row = rows.first else {
            throw AnnotateError(
                "no codebook \(fingerprint.map { "with fingerprint \($0)" } ?? name.map { "named '\($0)'" } ?? "") "
                    + "in the database; run `code --codebook codebooks/keep4o.yaml` first"
            )
        }
        return StoredCodebook(
            name: try row.required(text: "name"), version: try row.required(text: "version"),
            fingerprint: try row.required(text: "fingerprint"), yaml: try row.required(text: "yaml"))
    }
}

/// The seam between the codebook (owned by the `code` stage) and the annotation tools: the stored
/// YAML is parsed by the same loader `code` uses, and only what a coder sees is kept.
public func annotationCategories(from codebook: StoredCodebook, language: String = "en") throws -> AnnotationScheme {
    let parsed: Codebook
    do {
        parsed = try CodebookLoader.parse(yaml: codebook.yaml, path: "codebook \(codebook.name)@\(codebook.version)")
    } catch {
        throw AnnotateError("codebook \(codebook.name)@\(codebook.version) in the database does not load: \(error)")
    }
    let categories = parsed.categories.map { category in
        AnnotationCategory(
            id: category.id,
            label: category.label(language) ?? parsed.languages.lazy.compactMap { category.label($0) }.first
                ?? category.primaryLabel,
            definition: category.definition(language),
            include: category.include(language), exclude: category.exclude(language))
    }
    return AnnotationScheme(
        name: codebook.name, version: codebook.version, fingerprint: codebook.fingerprint,
        categories: categories, gate: parsed.gate,
        implications: parsed.implications.map { .init(from: $0.from, to: $0.to) })
}

/// A user-facing failure of an annotate command (bad option, missing table, unknown sample).
public struct AnnotateError: UserFacingError {
    public let description: String
    public init(_ description: String) { self.description = description }
}
