import Foundation

/// `code codebook check`: every example in the codebook must be coded as its label says
/// (positive examples present, negative examples absent) by the lexicon coder.
public enum CodebookCheck {
    public struct Failure: Sendable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let category: String
        public let expected: Bool
        public let language: String
        public let text: String
        /// What fired (or the rule that removed it), to see why.
        public let evidence: String

        public var description: String {
            let want = expected ? "positive" : "negative"
            let got = expected ? "coded absent" : "coded present"
            return
                "\(file):\(line): category '\(category)': \(want) example [\(language)] \(got): "
                + "\"\(text.prefix(120))\" evidence=\(evidence)"
        }
    }

    public struct Result: Sendable {
        public let examples: Int
        public let failures: [Failure]
    }

    public static func run(_ codebook: Codebook) -> Result {
        let coder = LexiconCoder(codebook: codebook)
        var failures: [Failure] = []
        var total = 0
        for category in codebook.categories {
            let labelled = category.positiveExamples.map { ($0, true) } + category.negativeExamples.map { ($0, false) }
            for (example, expected) in labelled {
                total += 1
                let decisions = coder.code(text: TextNormalizer.nfkc(example.text), language: example.language)
                let decision = decisions.first { $0.category == category.id }!
                if decision.value != expected {
                    failures.append(
                        Failure(
                            file: codebook.path, line: example.line, category: category.id,
                            expected: expected, language: example.language, text: example.text,
                            evidence: decision.evidence))
                }
            }
        }
        return Result(examples: total, failures: failures)
    }
}
