import Foundation

/// One cell of an exported table: text, a count, or a number printed with fixed decimals.
public enum Cell: Equatable, Sendable {
    case text(String)
    case int(Int)
    /// An integer that may be missing (shown empty, like a missing number).
    case optionalInt(Int?)
    case number(Double?, places: Int)
    case pValue(Double?)

    /// The cell as text, locale-independent; missing numbers are empty.
    public var display: String {
        switch self {
        case .text(let s): return s
        case .int(let v): return String(v)
        case .optionalInt(let v): return v.map(String.init) ?? ""
        case .number(let v, let places): return FixedFormat.decimal(v, places: places)
        case .pValue(let v): return FixedFormat.pValue(v)
        }
    }

    var isNumeric: Bool { if case .text = self { return false } else { return true } }

    /// The cell as a JSON value (numbers keep the fixed decimals; missing numbers are null).
    var json: String {
        switch self {
        case .text(let s): return JSONText.quote(s)
        default:
            let d = display
            return d.isEmpty ? "null" : d
        }
    }
}

/// A table of the paper, the same in every export format.
public struct ReportTable: Sendable {
    public let name: String  // file stem: prevalence_by_language
    public let title: String
    public let caption: String  // says what the denominators are
    public let columns: [String]
    public var rows: [[Cell]]
}

/// Writers for the four table formats. Each returns bytes; the same table always gives the same bytes.
public enum TableFormat: String, CaseIterable, Sendable {
    case csv, md, tex, json
}

enum TableWriter {
    /// CSV: header then rows; text fields quoted through libcsv, numbers bare (`OutputFile.csvRow`).
    static func csv(_ table: ReportTable, to path: String) throws {
        let file = try OutputFile(path: path)
        try file.csvRow(table.columns.map { ($0, true) })
        for cells in table.rows { try file.csvRow(cells.map { ($0.display, !$0.isNumeric) }) }
        try file.close()
    }

    static func markdown(_ table: ReportTable) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var out = "## \(table.title)\n\n\(table.caption)\n\n"
        out += "| " + table.columns.map(escape).joined(separator: " | ") + " |\n"
        let numeric = table.columns.indices.map { c in table.rows.first.map { $0[c].isNumeric } ?? false }
        out += "|" + numeric.map { $0 ? "---:|" : "---|" }.joined() + "\n"
        for row in table.rows { out += "| " + row.map { escape($0.display) }.joined(separator: " | ") + " |\n" }
        if table.rows.isEmpty {
            out += "| " + table.columns.map { _ in "" }.joined(separator: " | ") + " |\n\n(no rows)\n"
        }
        return out + "\n"
    }

    static func latexEscape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(ch)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            default: out.append(ch)
            }
        }
        return out
    }

    /// LaTeX with booktabs; long tables use longtable so they break across pages.
    static func latex(_ table: ReportTable) -> String {
        let numeric = table.columns.indices.map { c in table.rows.first.map { $0[c].isNumeric } ?? false }
        let spec = numeric.map { $0 ? "r" : "l" }.joined()
        let header = table.columns.map(latexEscape).joined(separator: " & ") + " \\\\"
        let body = table.rows.map { $0.map { latexEscape($0.display) }.joined(separator: " & ") + " \\\\" }.joined(
            separator: "\n")
        let label = "tab:" + table.name.replacingOccurrences(of: "_", with: "-")
        let caption = "\\caption{\(latexEscape(table.title)). \(latexEscape(table.caption))}\\label{\(label)}"
        if table.rows.count > 40 {
            return """
                % \(table.name): needs \\usepackage{booktabs,longtable}
                \\begin{longtable}{\(spec)}
                \(caption)\\\\
                \\toprule
                \(header)
                \\midrule
                \\endhead
                \(body)
                \\bottomrule
                \\end{longtable}

                """
        }
        return """
            % \(table.name): needs \\usepackage{booktabs}
            \\begin{table}[htbp]
            \\centering
            \(caption)
            \\begin{tabular}{\(spec)}
            \\toprule
            \(header)
            \\midrule
            \(body)\(table.rows.isEmpty ? "" : "\n")\\bottomrule
            \\end{tabular}
            \\end{table}

            """
    }

    /// JSON with sorted keys, the run manifest included so the file can be traced on its own.
    static func json(_ table: ReportTable, manifest: [String: String]) -> String {
        let rows = table.rows.map { row in
            "    {"
                + zip(table.columns, row).sorted { $0.0 < $1.0 }.map { JSONText.quote($0.0) + ": " + $0.1.json }.joined(
                    separator: ", ") + "}"
        }
        return """
            {
              "caption": \(JSONText.quote(table.caption)),
              "columns": [\(table.columns.map(JSONText.quote).joined(separator: ", "))],
              "manifest": \(JSONText.object(manifest, indent: "  ")),
              "name": \(JSONText.quote(table.name)),
              "rows": [\(rows.isEmpty ? "" : "\n" + rows.joined(separator: ",\n") + "\n  ")],
              "title": \(JSONText.quote(table.title))
            }

            """
    }
}

/// Hand-written JSON so key order and number text are fixed byte for byte.
enum JSONText {
    static func quote(_ s: String) -> String { jsonString(s) }

    static func object(_ values: [String: String], indent: String) -> String {
        guard !values.isEmpty else { return "{}" }
        let inner = values.sorted { $0.key < $1.key }.map { indent + "  " + quote($0.key) + ": " + quote($0.value) }
        return "{\n" + inner.joined(separator: ",\n") + "\n" + indent + "}"
    }
}
