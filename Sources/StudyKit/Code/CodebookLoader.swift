import Foundation
import Yams

/// Reads and validates a codebook YAML file. Works on Yams' node tree (not a decoder) so that every
/// problem can name the line it is on: `codebooks/x.yaml:42: category 'foo': parent 'bar' is not a category`.
/// All problems are collected and reported together.
public enum CodebookLoader {
    public static func load(path: String) throws -> Codebook {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CodebookError(problems: [CodebookProblem(file: path, line: nil, message: "cannot read the file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CodebookError(problems: [CodebookProblem(file: path, line: nil, message: "not UTF-8 text")])
        }
        return try parse(yaml: text, path: path)
    }

    /// The codebook stored in the study by the last `code` run (or the one a coder named
    /// `kind:name@version` used), so that reports need no --codebook and work from any folder.
    public static func stored(_ db: Database, coder: String? = nil) throws -> Codebook {
        var sql = "SELECT name, version, yaml FROM codebooks ORDER BY codebook_id DESC LIMIT 1"
        var values: [SQLValue] = []
        if let coder, let nameAndVersion = coder.split(separator: ":", maxSplits: 1).last,
            case let parts = nameAndVersion.split(separator: "@", maxSplits: 1), parts.count == 2
        {
            sql =
                "SELECT name, version, yaml FROM codebooks WHERE name = ? AND version = ? "
                + "ORDER BY codebook_id DESC LIMIT 1"
            values = [.text(String(parts[0])), .text(String(parts[1]))]
        }
        guard let row = try db.query(sql, values).first else {
            throw StudyError(
                "\(db.path): no codebook is stored in this study yet: "
                    + "run `code --codebook FILE` first, or pass --codebook"
            )
        }
        let label = "\(db.path) (codebook \(row.text("name") ?? "")@\(row.text("version") ?? "") stored by `code`)"
        return try parse(yaml: try row.required(text: "yaml"), path: label)
    }

    public static func parse(yaml: String, path: String) throws -> Codebook {
        var reader = Reader(path: path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw CodebookError(problems: [
                CodebookProblem(
                    file: path, line: yamlErrorLine(error),
                    message: "YAML syntax: \(yamlErrorProblem(error))")
            ])
        }
        guard let root, let top = root.mapping else {
            throw CodebookError(problems: [
                CodebookProblem(
                    file: path, line: root?.mark?.line,
                    message: "the codebook must be a YAML mapping with name, version, languages and categories")
            ])
        }
        let codebook = reader.codebook(top, rootLine: root.mark?.line ?? 1, source: yaml)
        if !reader.problems.isEmpty {
            // In file order (problems are found in several passes); ties keep the order found.
            let ordered = reader.problems.enumerated().sorted {
                ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset)
            }
            throw CodebookError(problems: ordered.map(\.element))
        }
        return codebook
    }

    private static func yamlErrorLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func yamlErrorProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default: return String(describing: error)
        }
    }

    /// The literal a regex cannot match without: the longest run of plain characters outside any
    /// group, class or quantifier, when the pattern has no top-level alternation. Nil when there is none.
    public static func deriveAnchor(regex: String) -> String? {
        let chars = Array(regex.unicodeScalars)
        var depth = 0
        var best = "", run: [Unicode.Scalar] = []
        var i = 0
        func endRun() {
            let candidate = String(String.UnicodeScalarView(run))
            if candidate.unicodeScalars.count > best.unicodeScalars.count { best = candidate }
            run.removeAll()
        }
        let meta: Set<Unicode.Scalar> = [".", "^", "$", "|", "(", ")", "[", "]", "{", "}", "*", "+", "?", "\\"]
        while i < chars.count {
            let c = chars[i]
            if c == "|" && depth == 0 { return nil }
            if c == "\\" {
                endRun()
                i += 2
                continue
            }
            if c == "[" {
                endRun()
                i += 1
                while i < chars.count && chars[i] != "]" {
                    if chars[i] == "\\" { i += 1 }
                    i += 1
                }
                i += 1
                continue
            }
            if c == "(" {
                endRun()
                depth += 1
                i += 1
                continue
            }
            if c == ")" {
                endRun()
                depth -= 1
                i += 1
                continue
            }
            if c == "*" || c == "?" || c == "{" || c == "+" {
                // The quantified character is optional (or repeated): it cannot be part of the anchor.
                if c != "+" && !run.isEmpty { run.removeLast() }
                endRun()
                if c == "{" { while i < chars.count && chars[i] != "}" { i += 1 } }
                i += 1
                continue
            }
            if meta.contains(c) {
                endRun()
                i += 1
                continue
            }
            if depth == 0 { run.append(c) } else { endRun() }
            i += 1
        }
        endRun()
        let trimmed = best.trimmingCharacters(in: .whitespaces)
        let isCJK = trimmed.unicodeScalars.contains { ScriptClass.isCJK($0.value) }
        return trimmed.unicodeScalars.count >= (isCJK ? 1 : 2) ? trimmed : nil
    }
}

/// Walks the node tree, collecting problems instead of stopping at the first.
private struct Reader {
    let path: String
    var problems: [CodebookProblem] = []

    init(path: String) { self.path = path }

    mutating func problem(_ node: Node?, _ message: String, line: Int? = nil) {
        problems.append(CodebookProblem(file: path, line: line ?? node?.mark?.line, message: message))
    }

    // MARK: Typed access

    mutating func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar else {
            problem(node, "\(what) must be text")
            return nil
        }
        return scalar.string
    }

    mutating func stringList(_ node: Node?, _ what: String) -> [String] {
        guard let node else { return [] }
        if node.scalar != nil, let value = string(node, what) { return value.isEmpty ? [] : [value] }
        guard let sequence = node.sequence else {
            problem(node, "\(what) must be a list")
            return []
        }
        return sequence.compactMap { string($0, what) }
    }

    mutating func number(_ node: Node?, _ what: String) -> Double? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, let value = Double(text) else {
            problem(node, "\(what) must be a number")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let node else { return nil }
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem(node, "\(what) must be true or false")
            return nil
        }
    }

    /// Flags keys a mapping may not have (usually typos that would otherwise be ignored silently).
    mutating func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, context: String) {
        for (key, _) in mapping {
            let name = key.scalar?.string ?? "?"
            if !allowed.contains(name) {
                problem(key, "\(context): unknown key '\(name)' (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }

    // MARK: The codebook

    mutating func codebook(_ top: Node.Mapping, rootLine: Int, source: String) -> Codebook {
        checkKeys(
            top,
            allowed: [
                "name", "version", "description", "languages", "gate", "implications",
                "negation", "ignore", "reported_speech", "thread_context", "categories",
            ], context: "codebook")
        let name = string(top["name"], "name") ?? ""
        if name.isEmpty || name.contains(where: { $0 == "@" || $0 == ":" || $0.isWhitespace }) {
            problem(
                top["name"], "codebook: 'name' is required and may not contain spaces, ':' or '@'",
                line: top["name"] == nil ? rootLine : nil)
        }
        let version = string(top["version"], "version") ?? ""
        if version.isEmpty {
            problem(
                top["version"], "codebook: 'version' is required (e.g. \"1.0\")",
                line: top["version"] == nil ? rootLine : nil)
        }
        let languages = stringList(top["languages"], "languages")
        if languages.isEmpty {
            problem(
                top["languages"], "codebook: 'languages' must list at least one language",
                line: top["languages"] == nil ? rootLine : nil)
        }
        if languages.contains(anyLanguage) {
            problem(top["languages"], "codebook: '\(anyLanguage)' is reserved for indicators of every language")
        }
        let languageSet = Set(languages)

        var negation: [String: NegationRule] = [:]
        if let node = top["negation"] {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    let language = key.scalar?.string ?? ""
                    if !languageSet.contains(language) {
                        problem(
                            key,
                            "negation: language '\(language)' is not one of the codebook's languages "
                                + "(\(languages.joined(separator: ", ")))"
                        )
                    }
                    if let rule = negationRule(value, language: language) { negation[language] = rule }
                }
            } else {
                problem(node, "negation must map languages to cue lists")
            }
        }

        var ignore: Set<IgnoredSpan> = []
        for value in stringList(top["ignore"], "ignore") {
            if let span = IgnoredSpan(rawValue: value) {
                ignore.insert(span)
            } else {
                problem(
                    top["ignore"],
                    "ignore: '\(value)' is not one of \(IgnoredSpan.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        let reported = top["reported_speech"].flatMap { reportedSpeech($0, languages: languageSet) }

        var categories: [CodebookCategory] = []
        if let node = top["categories"] {
            if let sequence = node.sequence {
                for item in sequence {
                    if let category = category(item, languages: languageSet, primaryLanguage: languages.first ?? "en") {
                        categories.append(category)
                    }
                }
            } else {
                problem(node, "categories must be a list")
            }
        }
        if categories.isEmpty && top["categories"]?.sequence?.isEmpty != false {
            problem(
                top["categories"], "codebook: 'categories' must list at least one category",
                line: top["categories"] == nil ? rootLine : nil)
        }

        // Cross-references: duplicate ids, parents, indicator ids.
        var seen: [String: Int] = [:]
        for category in categories {
            if let first = seen[category.id] {
                problem(
                    nil, "category '\(category.id)': duplicate id (first defined on line \(first))", line: category.line
                )
            } else {
                seen[category.id] = category.line
            }
        }
        let ids = Set(categories.map(\.id))
        for category in categories {
            if let parent = category.parent {
                if parent == category.id {
                    problem(nil, "category '\(category.id)': parent is the category itself", line: category.line)
                } else if !ids.contains(parent) {
                    problem(nil, "category '\(category.id)': parent '\(parent)' is not a category", line: category.line)
                }
            }
        }
        let parentOf = Dictionary(
            categories.compactMap { c in c.parent.map { (c.id, $0) } }, uniquingKeysWith: { a, _ in a })
        for category in categories where category.parent != nil && category.parent != category.id {
            var seen: Set<String> = [category.id]
            var current = category.parent
            while let next = current, ids.contains(next) {
                if !seen.insert(next).inserted {
                    if next == category.id {
                        problem(nil, "category '\(category.id)': parents form a cycle", line: category.line)
                    }
                    break
                }
                current = parentOf[next]
            }
        }
        var indicatorIDs: [String: Int] = [:]
        for indicator in categories.flatMap(\.indicators) {
            if let first = indicatorIDs[indicator.id] {
                problem(
                    nil,
                    "indicator '\(indicator.id)': duplicate id (first on line \(first)); give one an explicit 'id'",
                    line: indicator.line)
            } else {
                indicatorIDs[indicator.id] = indicator.line
            }
        }

        var gate: String?
        if let node = top["gate"], let value = string(node, "gate") {
            if !ids.contains(value) { problem(node, "gate: '\(value)' is not a category") }
            gate = value
        }
        var implications: [Implication] = []
        if let node = top["implications"] {
            if let sequence = node.sequence {
                for item in sequence {
                    if let implication = implication(item) {
                        for end in [implication.from, implication.to] where !ids.contains(end) {
                            problem(item, "implication: '\(end)' is not a category")
                        }
                        if implication.to == gate && implication.from == gate {
                            problem(item, "implication: a category cannot imply itself")
                        }
                        implications.append(implication)
                    }
                }
            } else {
                problem(node, "implications must be a list of 'a implies b' or {if: a, then: b}")
            }
        }

        var codebook = Codebook(
            name: name, version: version, description: string(top["description"], "description") ?? "",
            languages: languages, categories: categories, gate: gate, implications: implications,
            negation: negation, source: source, fingerprint: Fingerprint.ofString(source), path: path)
        codebook.ignore = ignore
        codebook.reportedSpeech = reported
        codebook.threadContext = bool(top["thread_context"], "thread_context") ?? false
        if codebook.threadContext && gate == nil {
            problem(
                top["thread_context"],
                "thread_context: needs a gate category (it makes replies relevant through their thread)")
        }
        return codebook
    }

    mutating func implication(_ node: Node) -> Implication? {
        if let text = node.scalar?.string {
            let parts = text.components(separatedBy: " implies ").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                problem(node, "implication '\(text)': write it as 'a implies b'")
                return nil
            }
            return Implication(from: parts[0], to: parts[1])
        }
        guard let mapping = node.mapping else {
            problem(node, "implication must be 'a implies b' or {if: a, then: b}")
            return nil
        }
        checkKeys(mapping, allowed: ["if", "then"], context: "implication")
        guard let from = string(mapping["if"], "if"), let to = string(mapping["then"], "then") else {
            problem(node, "implication needs both 'if' and 'then'")
            return nil
        }
        return Implication(from: from, to: to)
    }

    mutating func reportedSpeech(_ node: Node, languages: Set<String>) -> ReportedSpeech? {
        guard let mapping = node.mapping else {
            problem(node, "reported_speech must be a mapping with weight, quotation_marks and cues")
            return nil
        }
        checkKeys(mapping, allowed: ["weight", "quotation_marks", "cues"], context: "reported_speech")
        let weight = number(mapping["weight"], "weight") ?? 0.5
        if weight < 0 || weight > 1 { problem(mapping["weight"], "reported_speech: weight must be between 0 and 1") }
        var cues: [String: NegationRule] = [:]
        if let node = mapping["cues"] {
            if let byLanguage = node.mapping {
                for (key, value) in byLanguage {
                    let language = key.scalar?.string ?? ""
                    if !languages.contains(language) {
                        problem(
                            key,
                            "reported_speech: language '\(language)' is not one of the codebook's languages "
                                + "(\(languages.sorted().joined(separator: ", ")))"
                        )
                    }
                    if let rule = negationRule(value, language: language, context: "reported_speech cues") {
                        cues[language] = rule
                    }
                }
            } else {
                problem(node, "reported_speech: cues must map languages to cue lists")
            }
        }
        return ReportedSpeech(
            weight: weight, quotationMarks: bool(mapping["quotation_marks"], "quotation_marks") ?? true,
            cues: cues)
    }

    mutating func negationRule(_ node: Node, language: String, context: String = "negation") -> NegationRule? {
        guard let mapping = node.mapping else {
            problem(node, "\(context) '\(language)': must have before/after cue lists")
            return nil
        }
        let isNegation = context == "negation"
        checkKeys(
            mapping,
            allowed: isNegation
                ? ["before", "after", "window", "unit", "verbs_taking_negation", "long_scope_after"]
                : ["before", "after", "window", "unit"],
            context: "\(context) '\(language)'")
        let isCJK = ["zh", "ja", "ko"].contains(String(language.prefix(2)))
        var unit: NegationRule.Unit = isCJK ? .characters : .tokens
        if let text = string(mapping["unit"], "unit") {
            if let parsed = NegationRule.Unit(rawValue: text) {
                unit = parsed
            } else {
                problem(mapping["unit"], "negation '\(language)': unit must be 'tokens' or 'characters'")
            }
        }
        let window = number(mapping["window"], "window").map(Int.init) ?? (unit == .tokens ? 3 : 4)
        if window < 1 { problem(mapping["window"], "negation '\(language)': window must be at least 1") }
        let fold = { (cue: String) in LexiconText.fold(cue) }
        let before = stringList(mapping["before"], "before").map(fold)
        let after = stringList(mapping["after"], "after").map(fold)
        let verbs = stringList(mapping["verbs_taking_negation"], "verbs_taking_negation").map(fold)
        let longScope = stringList(mapping["long_scope_after"], "long_scope_after").map(fold)
        if !longScope.isEmpty && unit != .tokens {
            problem(mapping["long_scope_after"], "\(context) '\(language)': long_scope_after needs unit: tokens")
        }
        return NegationRule(
            before: before, after: after, window: max(1, window), unit: unit,
            verbsTakingNegation: verbs, longScopeAfter: longScope)
    }

    /// A text given once (in the codebook's first language) or per language: `{en: …, zh: …}`.
    mutating func localized<T>(
        _ node: Node?, _ what: String, context: String, languages: Set<String>, primary: String,
        _ read: (inout Reader, Node) -> T?
    ) -> [(language: String, value: T)] {
        guard let node else { return [] }
        guard let mapping = node.mapping else { return read(&self, node).map { [(primary, $0)] } ?? [] }
        var out: [(language: String, value: T)] = []
        for (key, value) in mapping {
            let language = key.scalar?.string ?? ""
            if !languages.contains(language) {
                problem(
                    key,
                    "\(context): \(what) in unsupported language '\(language)' "
                        + "(codebook languages: \(languages.sorted().joined(separator: ", ")))"
                )
                continue
            }
            if let parsed = read(&self, value) { out.append((language, parsed)) }
        }
        return out
    }

    mutating func category(_ node: Node, languages: Set<String>, primaryLanguage: String) -> CodebookCategory? {
        let line = node.mark?.line ?? 0
        guard let mapping = node.mapping else {
            problem(node, "a category must be a mapping with at least id and definition")
            return nil
        }
        checkKeys(
            mapping,
            allowed: [
                "id", "label", "theme", "parent", "definition", "include", "exclude",
                "threshold", "examples", "indicators", "ignore_within",
            ], context: "category")
        guard let id = string(mapping["id"], "id"), !id.isEmpty else {
            problem(node, "category without an 'id'")
            return nil
        }
        let context = "category '\(id)'"
        if id.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil {
            problem(mapping["id"], "\(context): id must be lower-case letters, digits and '_', starting with a letter")
        }
        var labels: [(String, String)] = []
        if let labelNode = mapping["label"] {
            if let labelMap = labelNode.mapping {
                for (key, value) in labelMap {
                    let language = key.scalar?.string ?? ""
                    if !languages.contains(language) {
                        problem(
                            key,
                            "\(context): label in unsupported language '\(language)' "
                                + "(codebook languages: \(languages.sorted().joined(separator: ", ")))"
                        )
                    }
                    if let text = string(value, "label"), !text.isEmpty { labels.append((language, text)) }
                }
            } else if let text = string(labelNode, "label") {
                labels.append((languages.sorted().first ?? "en", text))
            }
        }
        let definitions = localized(
            mapping["definition"], "definition", context: context, languages: languages, primary: primaryLanguage
        ) {
            $0.string($1, "definition")?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if definitions.isEmpty || definitions.contains(where: { $0.value.isEmpty }) {
            problem(mapping["definition"] ?? node, "\(context): definition is empty")
        }
        let includes = localized(
            mapping["include"], "include", context: context, languages: languages, primary: primaryLanguage
        ) {
            $0.stringList($1, "include")
        }
        let excludes = localized(
            mapping["exclude"], "exclude", context: context, languages: languages, primary: primaryLanguage
        ) {
            $0.stringList($1, "exclude")
        }
        let parentText = string(mapping["parent"], "parent")
        let parent = (parentText?.isEmpty == false && parentText != "null" && parentText != "~") ? parentText : nil
        let threshold = number(mapping["threshold"], "threshold") ?? 1.0
        if threshold <= 0 { problem(mapping["threshold"], "\(context): threshold must be above 0") }

        var positives: [CodebookExample] = [], negatives: [CodebookExample] = []
        if let examplesNode = mapping["examples"] {
            if let examples = examplesNode.mapping {
                checkKeys(examples, allowed: ["positive", "negative"], context: "\(context) examples")
                positives = exampleList(examples["positive"], context: context, languages: languages)
                negatives = exampleList(examples["negative"], context: context, languages: languages)
            } else {
                problem(examplesNode, "\(context): examples must have 'positive' and/or 'negative' lists")
            }
        }

        var indicators: [Indicator] = []
        if let indicatorNode = mapping["indicators"] {
            if let byLanguage = indicatorNode.mapping {
                for (key, value) in byLanguage {
                    let language = key.scalar?.string ?? ""
                    if language != anyLanguage && !languages.contains(language) {
                        problem(
                            key,
                            "\(context): indicators in unsupported language '\(language)' "
                                + "(codebook languages: \(languages.sorted().joined(separator: ", ")), "
                                + "or '\(anyLanguage)')"
                        )
                        continue
                    }
                    guard let list = value.sequence else {
                        problem(value, "\(context): indicators for '\(language)' must be a list")
                        continue
                    }
                    for item in list {
                        if let indicator = indicator(item, category: id, language: language, context: context) {
                            indicators.append(indicator)
                        }
                    }
                }
            } else {
                problem(indicatorNode, "\(context): indicators must map languages to lists")
            }
        }

        var ignoreWithin: [(language: String, phrases: [String])] = []
        if let node = mapping["ignore_within"] {
            if let byLanguage = node.mapping {
                for (key, value) in byLanguage {
                    let language = key.scalar?.string ?? ""
                    if language != anyLanguage && !languages.contains(language) {
                        problem(
                            key,
                            "\(context): ignore_within in unsupported language '\(language)' "
                                + "(codebook languages: \(languages.sorted().joined(separator: ", ")), "
                                + "or '\(anyLanguage)')"
                        )
                        continue
                    }
                    let phrases = stringList(value, "ignore_within").map(LexiconText.fold)
                    if phrases.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                        problem(value, "\(context): empty ignore_within phrase")
                    }
                    ignoreWithin.append((language, phrases.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }))
                }
            } else {
                problem(node, "\(context): ignore_within must map languages to phrase lists")
            }
        }

        var category = CodebookCategory(
            id: id, labels: labels, theme: string(mapping["theme"], "theme"), parent: parent,
            definitions: definitions.map { ($0.language, $0.value) },
            includes: includes.map { ($0.language, $0.value) },
            excludes: excludes.map { ($0.language, $0.value) }, threshold: threshold,
            positiveExamples: positives, negativeExamples: negatives,
            indicators: indicators, line: line)
        category.ignoreWithin = ignoreWithin
        return category
    }

    mutating func exampleList(_ node: Node?, context: String, languages: Set<String>) -> [CodebookExample] {
        guard let node else { return [] }
        guard let list = node.sequence else {
            problem(node, "\(context): examples must be a list of {lang, text}")
            return []
        }
        var out: [CodebookExample] = []
        for item in list {
            guard let mapping = item.mapping else {
                problem(item, "\(context): an example must be {lang: .., text: ..}")
                continue
            }
            checkKeys(mapping, allowed: ["lang", "text", "note"], context: "\(context) example")
            let language = string(mapping["lang"], "lang") ?? ""
            let text = string(mapping["text"], "text") ?? ""
            if !languages.contains(language) {
                problem(
                    item,
                    "\(context): example in unsupported language '\(language)' "
                        + "(codebook languages: \(languages.sorted().joined(separator: ", ")))"
                )
                continue
            }
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problem(item, "\(context): example text is empty")
                continue
            }
            out.append(CodebookExample(text: text, language: language, line: item.mark?.line ?? 0))
        }
        return out
    }

    mutating func indicator(_ node: Node, category: String, language: String, context: String) -> Indicator? {
        let line = node.mark?.line ?? 0
        var phrase: String?, regex: String?, anchor: String?, localID: String?
        // Language-independent markers (names such as "4o") are not negated unless asked for:
        // "not about 4o" is still about 4o.
        var weight = 1.0, negatable = language != anyLanguage
        if let text = node.scalar?.string {
            phrase = text
        } else if let mapping = node.mapping {
            checkKeys(
                mapping, allowed: ["id", "phrase", "regex", "anchor", "weight", "negation"],
                context: "\(context) indicator")
            phrase = string(mapping["phrase"], "phrase")
            regex = string(mapping["regex"], "regex")
            anchor = string(mapping["anchor"], "anchor")
            localID = string(mapping["id"], "id")
            weight = number(mapping["weight"], "weight") ?? 1.0
            negatable = bool(mapping["negation"], "negation") ?? negatable
        } else {
            problem(node, "\(context): an indicator is a phrase or {phrase|regex, weight, negation, id, anchor}")
            return nil
        }
        if phrase != nil && regex != nil {
            problem(node, "\(context): an indicator has either 'phrase' or 'regex', not both")
            return nil
        }
        if weight <= 0 { problem(node, "\(context): indicator weight must be above 0") }
        if let text = phrase {
            if LexiconText.fold(text).trimmingCharacters(in: .whitespaces).isEmpty {
                problem(node, "\(context): empty indicator phrase")
                return nil
            }
        } else if let pattern = regex {
            do {
                _ = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            } catch {
                // Foundation's message on Linux says little ("The value is invalid"): name the syntax instead.
                problem(
                    node,
                    "\(context): bad regex '\(pattern)': not a valid ICU regular expression "
                        + "(unbalanced parentheses or brackets, a dangling quantifier, a bad escape?)"
                )
                return nil
            }
            if anchor == nil { anchor = CodebookLoader.deriveAnchor(regex: pattern) }
            if anchor == nil || anchor!.isEmpty {
                problem(
                    node,
                    "\(context): regex '\(pattern)' has no literal every match must contain; declare one with 'anchor:'"
                )
                return nil
            }
        } else {
            problem(node, "\(context): indicator needs 'phrase' or 'regex'")
            return nil
        }
        let local = localID ?? Self.slug(phrase ?? anchor ?? "regex")
        return Indicator(
            id: "\(category).\(language).\(local)", category: category, language: language,
            phrase: phrase, regex: regex, anchor: anchor.map(LexiconText.fold), weight: weight,
            negatable: negatable, line: line)
    }

    /// A readable id from a phrase: lower-case, spaces to '_', punctuation dropped (CJK kept).
    static func slug(_ text: String) -> String {
        var out = ""
        for scalar in LexiconText.fold(text).unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                out.unicodeScalars.append(scalar)
            } else if scalar == "-" {
                out += "-"
            } else if scalar == " " || scalar == "." {
                if !out.hasSuffix("_") && !out.isEmpty { out += "_" }
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out.isEmpty ? "x" : out
    }
}
