import Foundation

/// The codebook as Markdown, for the paper's appendix: one section per category with its
/// definition, rules, examples and how many indicators it has per language.
public enum CodebookMarkdown {
    public static func render(_ codebook: Codebook) -> String {
        var md = "# Codebook `\(codebook.name)` version \(codebook.version)\n\n"
        if !codebook.description.isEmpty {
            md += codebook.description.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n"
        }
        md +=
            "Languages: \(codebook.languages.joined(separator: ", ")). "
            + "Fingerprint (sha256 of the YAML): `\(codebook.fingerprint)`.\n\n"
        var rules: [String] = []
        if let gate = codebook.gate { rules.append("A post not coded `\(gate)` gets no other category.") }
        for implication in codebook.implications { rules.append("`\(implication.from)` implies `\(implication.to)`.") }
        if !rules.isEmpty { md += "Rules: " + rules.joined(separator: " ") + "\n\n" }
        md += "| id | theme | label | definition |\n|---|---|---|---|\n"
        for category in codebook.categories {
            let labels = category.labels.map { "\($0.label) (\($0.language))" }.joined(separator: "; ")
            md += "| `\(category.id)` | \(category.theme ?? "") | \(cell(labels)) | \(cell(category.definition)) |\n"
        }
        for category in codebook.categories {
            md += "\n## \(category.primaryLabel) (`\(category.id)`)\n\n"
            if let theme = category.theme { md += "Theme: \(theme)." }
            if let parent = category.parent { md += " Parent: `\(parent)`." }
            md += "\n\n"
            let several = category.definitions.count > 1
            for (language, text) in category.definitions { md += (several ? "[\(language)] " : "") + text + "\n\n" }
            for (language, rules) in category.includes where !rules.isEmpty {
                md +=
                    "Include" + (several ? " [\(language)]" : "") + ": "
                    + rules.map { "\"\($0)\"" }.joined(separator: "; ") + ".\n\n"
            }
            for (language, rules) in category.excludes where !rules.isEmpty {
                md +=
                    "Exclude" + (several ? " [\(language)]" : "") + ": "
                    + rules.map { "\"\($0)\"" }.joined(separator: "; ") + ".\n\n"
            }
            for (title, examples) in [
                ("Positive examples", category.positiveExamples), ("Negative examples", category.negativeExamples),
            ] where !examples.isEmpty {
                md += "\(title):\n\n"
                for example in examples {
                    md += "- [\(example.language)] \(example.text.replacingOccurrences(of: "\n", with: " "))\n"
                }
                md += "\n"
            }
            var perLanguage: [String: Int] = [:]
            for indicator in category.indicators { perLanguage[indicator.language, default: 0] += 1 }
            let order = [anyLanguage] + codebook.languages
            let counts = order.compactMap { language in perLanguage[language].map { "\(language) \($0)" } }
            if !counts.isEmpty {
                md += "Indicators: " + counts.joined(separator: ", ") + " (threshold \(category.threshold)).\n"
            }
        }
        return md
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

/// The codebook's matching rules as JSON (for peers and tools that cannot read YAML, such as the
/// benchmark's Python peer): categories with thresholds, indicators with folded phrases, rules.
public enum CodebookJSON {
    public static func render(_ codebook: Codebook) -> String {
        var categories: [[String: Any]] = []
        for category in codebook.categories {
            let indicators: [[String: Any]] = category.indicators.map { indicator in
                var item: [String: Any] = [
                    "id": indicator.id, "language": indicator.language, "weight": indicator.weight,
                    "negatable": indicator.negatable,
                ]
                if let phrase = indicator.phrase { item["phrase"] = LexiconText.fold(phrase) }
                if let regex = indicator.regex {
                    item["regex"] = regex
                    item["anchor"] = indicator.anchor ?? ""
                }
                return item
            }
            categories.append(["id": category.id, "threshold": category.threshold, "indicators": indicators])
        }
        var negation: [String: Any] = [:]
        for (language, rule) in codebook.negation {
            negation[language] = [
                "before": rule.before, "after": rule.after, "window": rule.window, "unit": rule.unit.rawValue,
            ]
        }
        let object: [String: Any] = [
            "name": codebook.name, "version": codebook.version, "languages": codebook.languages,
            "gate": codebook.gate ?? NSNull(), "implications": codebook.implications.map { [$0.from, $0.to] },
            "negation": negation, "categories": categories,
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// The formats `code codebook export` writes.
public enum CodebookExportFormat: String, CaseIterable, Sendable {
    /// REFI-QDA codebook exchange (ATLAS.ti, NVivo, MAXQDA, QualCoder).
    case qdc
    /// A Markdown appendix for the paper.
    case markdown
    /// The matching rules as JSON, for tools that cannot read YAML.
    case json

    public func render(_ book: Codebook) -> String {
        switch self {
        case .qdc: return QDCExchange.export(book)
        case .markdown: return CodebookMarkdown.render(book)
        case .json: return CodebookJSON.render(book)
        }
    }
}
