import Foundation

/// The codebook as Markdown, for the paper's appendix: one section per category with its
/// definition, rules, examples and how many indicators it has per language.
public enum CodebookMarkdown {
    public static func render(_ codebook: Codebook) -> String {
        var md = "# Codebook `\(codebook.name)` version \(codebook.version)\n\n"
        if !codebook.description.isEmpty { md += codebook.description.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" }
        md += "Languages: \(codebook.languages.joined(separator: ", ")). Fingerprint (sha256 of the YAML): `\(codebook.fingerprint)`.\n\n"
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
            md += "\n\n\(category.definition)\n\n"
            if !category.include.isEmpty { md += "Include: " + category.include.map { "\"\($0)\"" }.joined(separator: "; ") + ".\n\n" }
            if !category.exclude.isEmpty { md += "Exclude: " + category.exclude.map { "\"\($0)\"" }.joined(separator: "; ") + ".\n\n" }
            for (title, examples) in [("Positive examples", category.positiveExamples), ("Negative examples", category.negativeExamples)] where !examples.isEmpty {
                md += "\(title):\n\n"
                for example in examples { md += "- [\(example.language)] \(example.text.replacingOccurrences(of: "\n", with: " "))\n" }
                md += "\n"
            }
            var perLanguage: [String: Int] = [:]
            for indicator in category.indicators { perLanguage[indicator.language, default: 0] += 1 }
            let order = [anyLanguage] + codebook.languages
            let counts = order.compactMap { language in perLanguage[language].map { "\(language) \($0)" } }
            if !counts.isEmpty { md += "Indicators: " + counts.joined(separator: ", ") + " (threshold \(category.threshold)).\n" }
        }
        return md
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
