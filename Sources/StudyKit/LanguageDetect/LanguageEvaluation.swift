import Foundation

/// A text with its known language, for measuring the detectors.
public struct LabeledText: Sendable {
    public let language: String  // gold label: ISO 639-1, zh-Hans/zh-Hant, 'und', or 'mixed'
    public let kind: String  // dev.tsv: sentence | wordpair; sample: the post kind
    public let text: String
}

/// Accuracy of each detector mode on labelled texts (`make eval-langid`).
public enum LanguageEvaluation {
    /// shared/data/langid/dev.tsv: `lang<TAB>kind<TAB>text`, rows split on line feeds only (some
    /// texts hold U+0085, which other line splitters treat as a line break).
    public static func loadTSV(path: String) throws -> [LabeledText] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: nil, reason: "cannot read")
        }
        var texts: [LabeledText] = []
        for (index, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if index == 0 || line.isEmpty { continue }  // header
            let fields = line.split(separator: 0x09, maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else {
                throw InputError(
                    file: path, line: index + 1, reason: "expected 3 tab-separated fields (lang, kind, text)")
            }
            texts.append(
                LabeledText(
                    language: String(decoding: fields[0], as: UTF8.self),
                    kind: String(decoding: fields[1], as: UTF8.self),
                    text: String(decoding: fields[2], as: UTF8.self)))
        }
        return texts
    }

    /// JSON lines with `text` and `lang` (and optionally `kind`), like shared/data/real-posts/dev.jsonl.
    public static func loadJSONL(path: String) throws -> [LabeledText] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: nil, reason: "cannot read")
        }
        var texts: [LabeledText] = []
        for (index, line) in data.split(separator: 0x0A).enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let text = object["text"] as? String, let language = object["lang"] as? String
            else {
                throw InputError(
                    file: path, line: index + 1, reason: "expected a JSON object with string fields text and lang")
            }
            texts.append(LabeledText(language: language, kind: object["kind"] as? String ?? "", text: text))
        }
        return texts
    }

    /// The sample's ground_truth.csv (platform, external_id, …, lang, kind, …) joined with the texts
    /// in the study database's posts. Rows whose post is not in the database (rejected records) are
    /// skipped, and so are repeats of a post already read.
    public static func loadGroundTruth(path: String, database: Database) throws -> [LabeledText] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: nil, reason: "cannot read")
        }
        // Split on line-feed bytes: a "\r\n" is one Character in Swift and would not match "\n".
        let lines = data.split(separator: 0x0A).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        guard let header = lines.first.map({ splitCSVLine($0) }),
            let platformColumn = header.firstIndex(of: "platform"),
            let idColumn = header.firstIndex(of: "external_id"),
            let langColumn = header.firstIndex(of: "lang")
        else {
            throw InputError(file: path, line: 1, reason: "expected a header with platform, external_id and lang")
        }
        let kindColumn = header.firstIndex(of: "kind")
        var texts: [LabeledText] = []
        var seen = Set<[String]>()
        for (index, line) in lines.enumerated().dropFirst() {
            let fields = splitCSVLine(line)
            guard fields.count == header.count else {
                throw InputError(
                    file: path, line: index + 1, reason: "expected \(header.count) fields, found \(fields.count)")
            }
            let language = fields[langColumn]
            // A post collected twice has two ground-truth rows but one row in posts: score it once.
            guard !language.isEmpty, seen.insert([fields[platformColumn], fields[idColumn]]).inserted,
                let text = try database.scalarText(
                    "SELECT text FROM posts WHERE platform = ? AND external_id = ?",
                    [.text(fields[platformColumn]), .text(fields[idColumn])])
            else { continue }
            texts.append(LabeledText(language: language, kind: kindColumn.map { fields[$0] } ?? "", text: text))
        }
        return texts
    }

    /// One CSV record on one line, with RFC 4180 quoting.
    static func splitCSVLine(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        let characters = Array(line)
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if quoted {
                if c != "\"" {
                    field.append(c)
                } else if index + 1 < characters.count, characters[index + 1] == "\"" {
                    field.append("\"")
                    index += 1
                } else {
                    quoted = false
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
            index += 1
        }
        fields.append(field)
        return fields
    }

    /// Counts for one detector mode.
    public struct Tally: Sendable {
        public var correct = 0, scored = 0
        public var shortCorrect = 0, shortScored = 0
        public var byKind: [String: (correct: Int, scored: Int)] = [:]
        public var byLanguage: [String: (correct: Int, scored: Int)] = [:]
        /// With the threshold: texts given a language, and how many of those were right.
        public var labelled = 0, labelledCorrect = 0
        /// Texts whose gold label is 'und' (sample data): how many the stage called 'und'.
        public var goldUnd = 0, goldUndFound = 0
        /// 'mixed' texts are not scored.
        public var unscored = 0
    }

    /// A guess is right when it names the gold language. Gold `zh` (dev.tsv, no variant given)
    /// accepts any Chinese; gold `zh-Hans`/`zh-Hant` needs that variant.
    static func isCorrect(guess: String, gold: String) -> Bool {
        gold.contains("-") ? guess == gold : LanguageCode.base(guess) == gold
    }

    public static func evaluate(_ texts: [LabeledText], identifier: LanguageIdentifier, workers: Int) -> Tally {
        let decisions = LanguageTable.parallelMap(texts, workers: workers) { identifier.decide($0.text) }
        var tally = Tally()
        for (text, decision) in zip(texts, decisions) {
            if text.language == "mixed" {
                tally.unscored += 1
                continue
            }
            if text.language == "und" {
                tally.goldUnd += 1
                if decision.language == "und" { tally.goldUndFound += 1 }
                continue
            }
            let right = isCorrect(guess: decision.guess, gold: text.language)
            let hit = right ? 1 : 0
            tally.scored += 1
            tally.correct += hit
            if text.text.count < LanguageDetectOptions.shortTextCharacters {
                tally.shortScored += 1
                tally.shortCorrect += hit
            }
            tally.byKind[text.kind, default: (0, 0)].correct += hit
            tally.byKind[text.kind, default: (0, 0)].scored += 1
            tally.byLanguage[text.language, default: (0, 0)].correct += hit
            tally.byLanguage[text.language, default: (0, 0)].scored += 1
            if decision.language != "und" {
                tally.labelled += 1
                if isCorrect(guess: decision.language, gold: text.language) { tally.labelledCorrect += 1 }
            }
        }
        return tally
    }

    /// The comparison table: one row per mode, then accuracy per language.
    public static func render(title: String, tallies: [(DetectorMode, Tally)], minConfidence: Double) -> String {
        func ratio(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.4f", Double(a) / Double(b)) }
        let kinds = Array(Set(tallies.flatMap { $0.1.byKind.keys })).sorted()
        let shortTexts = tallies.first?.1.shortScored ?? 0
        var out = [title, "(<30 chars: the \(shortTexts) texts under 30 characters)", ""]
        var header =
            LanguageTable.pad("detector", 10) + LanguageTable.pad("scored", 8, right: true)
            + LanguageTable.pad("accuracy", 10, right: true)
            + LanguageTable.pad("<30 chars", 11, right: true)
        for kind in kinds { header += LanguageTable.pad(String(kind.prefix(10)), 11, right: true) }
        header +=
            LanguageTable.pad("labelled@\(minConfidence)", 16, right: true)
            + LanguageTable.pad("label acc", 11, right: true)
        let hasGoldUnd = tallies.contains { $0.1.goldUnd > 0 }
        if hasGoldUnd { header += LanguageTable.pad("und found", 11, right: true) }
        out.append(header)
        for (mode, t) in tallies {
            var line =
                LanguageTable.pad(mode.rawValue, 10) + LanguageTable.pad(String(t.scored), 8, right: true)
                + LanguageTable.pad(ratio(t.correct, t.scored), 10, right: true)
                + LanguageTable.pad(ratio(t.shortCorrect, t.shortScored), 11, right: true)
            for kind in kinds {
                let k = t.byKind[kind] ?? (0, 0)
                line += LanguageTable.pad(ratio(k.correct, k.scored), 11, right: true)
            }
            line +=
                LanguageTable.pad(ratio(t.labelled, t.scored), 16, right: true)
                + LanguageTable.pad(ratio(t.labelledCorrect, t.labelled), 11, right: true)
            if hasGoldUnd { line += LanguageTable.pad("\(t.goldUndFound)/\(t.goldUnd)", 11, right: true) }
            out.append(line)
        }
        if let unscored = tallies.first?.1.unscored, unscored > 0 {
            out.append("(\(unscored) texts labelled 'mixed' are not scored.)")
        }
        out.append("")
        out.append(
            LanguageTable.pad("language", 10) + LanguageTable.pad("texts", 7, right: true)
                + tallies.map { LanguageTable.pad($0.0.rawValue, 10, right: true) }.joined())
        let languages = Array(Set(tallies.flatMap { $0.1.byLanguage.keys })).sorted()
        for language in languages {
            let count = tallies.first?.1.byLanguage[language]?.scored ?? 0
            out.append(
                LanguageTable.pad(language, 10) + LanguageTable.pad(String(count), 7, right: true)
                    + tallies.map { entry in
                        let c = entry.1.byLanguage[language] ?? (0, 0)
                        return LanguageTable.pad(ratio(c.correct, c.scored), 10, right: true)
                    }.joined())
        }
        return out.joined(separator: "\n")
    }
}
