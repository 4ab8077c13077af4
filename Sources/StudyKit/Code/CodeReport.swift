import Foundation

/// `code --report`: prevalence per category for one coder, and the indicators that fired most.
public enum CodeReport {
    public struct CategoryLine: Sendable {
        public let category: String
        public let present: Int
        public let coded: Int
        /// (indicator id, posts where it fired and the category was coded present), most first.
        public let topIndicators: [(String, Int)]
        public let negatedHits: Int
    }

    public static func lines(_ db: Database, coder: String, codebook: Codebook?, top: Int = 5) throws -> [CategoryLine]
    {
        var order: [String] = codebook?.categories.map(\.id) ?? []
        for row in try db.query(
            "SELECT DISTINCT category FROM codings WHERE coder = ? ORDER BY category", [.text(coder)])
        {
            let id = try row.required(text: "category")
            if !order.contains(id) { order.append(id) }
        }
        var out: [CategoryLine] = []
        for category in order {
            let counts = try db.query(
                "SELECT count(*) AS coded, coalesce(sum(value), 0) AS present FROM codings "
                    + "WHERE coder = ? AND category = ?",
                [.text(coder), .text(category)]
            ).first!
            var fired: [String: Int] = [:]
            var negated = 0
            for row in try db.query(
                "SELECT value, evidence FROM codings WHERE coder = ? AND category = ? AND evidence LIKE '%indicator%'",
                [.text(coder), .text(category)])
            {
                guard let data = row.text("evidence")?.data(using: .utf8),
                    let items = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
                else { continue }
                var inPost = Set<String>()
                for item in items {
                    guard let id = item["indicator"] as? String else { continue }
                    if item["negated"] as? Bool == true {
                        negated += 1
                        continue
                    }
                    if row.int("value") == 1 { inPost.insert(id) }
                }
                for id in inPost { fired[id, default: 0] += 1 }
            }
            let topList = fired.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(top).map {
                ($0.key, $0.value)
            }
            out.append(
                CategoryLine(
                    category: category, present: counts.int("present") ?? 0, coded: counts.int("coded") ?? 0,
                    topIndicators: Array(topList), negatedHits: negated))
        }
        return out
    }

    public static func render(_ lines: [CategoryLine], coder: String) -> String {
        var text = "Coder \(coder)\n"
        let width = max(8, lines.map(\.category.count).max() ?? 8)
        text +=
            "category".padding(toLength: width, withPad: " ", startingAt: 0)
            + "  present   coded  prevalence  top indicators (posts)\n"
        for line in lines {
            let share = line.coded > 0 ? Double(line.present) / Double(line.coded) * 100 : 0
            let indicators = line.topIndicators.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")
            text +=
                line.category.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %7d %7d  %9.1f%%  ", line.present, line.coded, share)
                + (indicators.isEmpty ? "-" : indicators)
                + (line.negatedHits > 0 ? "  [negated hits: \(line.negatedHits)]" : "") + "\n"
        }
        return text
    }
}
