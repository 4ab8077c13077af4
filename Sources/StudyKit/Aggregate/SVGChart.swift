import Foundation

/// A small SVG writer for the paper's two figures. Coordinates are printed with fixed decimals,
/// so the same data always gives the same bytes.
public enum SVGChart {
    public struct Bar: Sendable {
        public let series: String
        public let value: Double?
        public let low: Double?
        public let high: Double?
    }
    public struct BarGroup: Sendable {
        public let label: String
        public let bars: [Bar]
    }

    /// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#8C8C8C"]

    static func n(_ value: Double) -> String { FixedFormat.decimal(value, places: 1) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func text(
        _ x: Double, _ y: Double, _ content: String, size: Int = 12, anchor: String = "start",
        weight: String = "normal", fill: String = "#222", extra: String = ""
    ) -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" "
            + "font-weight=\"\(weight)\" fill=\"\(fill)\"\(extra)>\(escape(content))</text>\n"
    }

    static func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#222", width: Double = 1,
        dash: String? = nil
    ) -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" "
            + "stroke=\"\(stroke)\" stroke-width=\"\(n(width))\""
            + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>\n"
    }

    static func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, opacity: Double = 1) -> String {
        "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(w, 0)))\" height=\"\(n(max(h, 0)))\" fill=\"\(fill)\""
            + (opacity < 1 ? " fill-opacity=\"\(n(opacity))\"" : "") + "/>\n"
    }

    static func header(width: Double, height: Double, title: String, subtitle: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" "
            + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
            + rect(0, 0, width, height, fill: "#ffffff")
            + text(20, 28, title, size: 17, weight: "bold")
            + text(20, 48, subtitle, size: 12, fill: "#555")
    }

    /// Tick values for an axis from 0 to about `maximum`: steps of 1, 2 or 5 times a power of ten.
    static func ticks(maximum: Double, count: Int = 5) -> [Double] {
        guard maximum > 0 else { return [0, 1] }
        let raw = maximum / Double(count)
        let power = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? raw
        let top = (maximum / step).rounded(.up) * step
        return stride(from: 0, through: top + step / 2, by: step).map { $0 }
    }

    static func tickLabel(_ value: Double, percent: Bool) -> String {
        if percent {
            return FixedFormat.decimal(
                value * 100,
                places: value * 100 < 10 && value != 0 && (value * 1000).rounded() != (value * 100).rounded() * 10
                    ? 1 : 0) + "%"
        }
        return FixedFormat.decimal(value, places: 0)
    }

    /// Horizontal bars grouped by category, one bar per series (language), with interval whiskers.
    public static func groupedBars(
        title: String, subtitle: String, groups: [BarGroup], series: [String], legend: [String],
        axisLabel: String = "share of relevant posts"
    ) -> String {
        let barHeight = 9.0, groupGap = 12.0
        let left = 200.0, right = 40.0, top = 70.0 + Double((legend.count + 3) / 4) * 18, plotWidth = 640.0
        let groupHeight = Double(max(series.count, 1)) * barHeight + groupGap
        let plotHeight = Double(groups.count) * groupHeight
        let width = left + plotWidth + right, height = top + plotHeight + 50
        let maximum = groups.flatMap { $0.bars.compactMap { $0.high ?? $0.value } }.max() ?? 1
        let axis = ticks(maximum: max(maximum, 0.01))
        let scale = plotWidth / (axis.last ?? 1)
        var svg = header(width: width, height: height, title: title, subtitle: subtitle)
        for (i, label) in legend.enumerated() {
            let x = 20 + Double(i % 4) * 220, y = 62 + Double(i / 4) * 18
            svg += rect(x, y, 12, 12, fill: palette[i % palette.count]) + text(x + 17, y + 10.5, label, size: 12)
        }
        for value in axis {
            let x = left + value * scale
            svg += line(x, top, x, top + plotHeight, stroke: "#dddddd")
            svg += text(
                x, top + plotHeight + 16, tickLabel(value, percent: true), size: 11, anchor: "middle", fill: "#444")
        }
        svg += text(left + plotWidth / 2, top + plotHeight + 36, axisLabel, size: 12, anchor: "middle", fill: "#444")
        for (g, group) in groups.enumerated() {
            let y0 = top + Double(g) * groupHeight + groupGap / 2
            svg += text(left - 8, y0 + Double(series.count) * barHeight / 2 + 4, group.label, size: 12, anchor: "end")
            for (b, bar) in group.bars.enumerated() {
                let y = y0 + Double(b) * barHeight
                guard let value = bar.value else { continue }
                svg += rect(left, y + 1, value * scale, barHeight - 2, fill: palette[b % palette.count])
                if let low = bar.low, let high = bar.high {
                    let cy = y + barHeight / 2
                    svg += line(left + low * scale, cy, left + high * scale, cy, stroke: "#222", width: 1)
                    svg += line(left + low * scale, cy - 3, left + low * scale, cy + 3, stroke: "#222", width: 1)
                    svg += line(left + high * scale, cy - 3, left + high * scale, cy + 3, stroke: "#222", width: 1)
                }
            }
        }
        svg += line(left, top, left, top + plotHeight, stroke: "#222")
        return svg + "</svg>\n"
    }

    /// Two panels over the same days: relevant posts per day (bars) and daily shares of a few
    /// categories (lines with interval bands; gaps where a day has no posts), with event markers.
    public static func timeline(
        title: String, subtitle: String, days: [String], counts: [Int],
        lines: [(String, [(Double?, Double?, Double?)])], events: [Exporter.Event],
        binEnd: String? = nil
    ) -> String {
        let left = 70.0, right = 30.0, plotWidth = 900.0
        let countTop = 104.0, countHeight = 170.0, shareTop = countTop + countHeight + 40, shareHeight = 220.0
        let width = left + plotWidth + right, height = shareTop + shareHeight + 60
        var svg = header(width: width, height: height, title: title, subtitle: subtitle)
        guard !days.isEmpty else {
            return svg + text(left, countTop, "no days with coded posts", size: 14) + "</svg>\n"
        }
        let step = plotWidth / Double(days.count)
        func x(_ i: Int) -> Double { left + (Double(i) + 0.5) * step }
        for (i, (name, _)) in lines.enumerated() {
            let lx = left + Double(i) * 220
            svg += rect(lx, 62, 12, 12, fill: palette[i % palette.count]) + text(lx + 17, 72.5, name, size: 12)
        }
        // Counts panel.
        let countAxis = ticks(maximum: Double(max(counts.max() ?? 1, 1)), count: 4)
        let countScale = countHeight / (countAxis.last ?? 1)
        for value in countAxis {
            let y = countTop + countHeight - value * countScale
            svg += line(left, y, left + plotWidth, y, stroke: "#e3e3e3")
            svg += text(left - 6, y + 4, tickLabel(value, percent: false), size: 11, anchor: "end", fill: "#444")
        }
        for (i, count) in counts.enumerated() where count > 0 {
            let h = Double(count) * countScale
            svg += rect(
                left + Double(i) * step + step * 0.1, countTop + countHeight - h, step * 0.8, h, fill: "#7f7f7f")
        }
        svg += text(left, countTop - 8, "relevant posts per day", size: 12, fill: "#444")
        // Shares panel.
        let maximum = lines.flatMap { $0.1.compactMap { $0.2 } }.max() ?? 1
        let shareAxis = ticks(maximum: min(max(maximum, 0.05), 1), count: 4)
        let shareScale = shareHeight / (shareAxis.last ?? 1)
        func y(_ share: Double) -> Double { shareTop + shareHeight - share * shareScale }
        for value in shareAxis {
            svg += line(left, y(value), left + plotWidth, y(value), stroke: "#e3e3e3")
            svg += text(left - 6, y(value) + 4, tickLabel(value, percent: true), size: 11, anchor: "end", fill: "#444")
        }
        svg += text(left, shareTop - 8, "share of relevant posts", size: 12, fill: "#444")
        for (li, (_, points)) in lines.enumerated() {
            let colour = palette[li % palette.count]
            // Runs of consecutive days with a value; a day without posts breaks the line and the band.
            var runs: [[Int]] = [], current: [Int] = []
            for (i, p) in points.enumerated() {
                if p.0 != nil {
                    current.append(i)
                } else if !current.isEmpty {
                    runs.append(current)
                    current = []
                }
            }
            if !current.isEmpty { runs.append(current) }
            for run in runs {
                let upper = run.map { "\(n(x($0))),\(n(y(points[$0].2 ?? 0)))" }
                let lower = run.reversed().map { "\(n(x($0))),\(n(y(points[$0].1 ?? 0)))" }
                svg +=
                    "<polygon points=\"\((upper + lower).joined(separator: " "))\" "
                    + "fill=\"\(colour)\" fill-opacity=\"0.15\" stroke=\"none\"/>\n"
                let path = run.map { "\(n(x($0))),\(n(y(points[$0].0!)))" }.joined(separator: " ")
                svg +=
                    run.count == 1
                    ? "<circle cx=\"\(n(x(run[0])))\" cy=\"\(n(y(points[run[0]].0!)))\" r=\"2\" fill=\"\(colour)\"/>\n"
                    : "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"/>\n"
            }
        }
        // Day labels: month starts when the range is long, otherwise about ten evenly spaced days.
        let monthStarts = days.indices.filter { days[$0].hasSuffix("-01") }
        let labelled =
            monthStarts.count >= 2 ? monthStarts : Array(stride(from: 0, to: days.count, by: max(1, days.count / 10)))
        for i in labelled {
            svg += line(x(i), shareTop + shareHeight, x(i), shareTop + shareHeight + 4, stroke: "#222")
            svg += text(x(i), shareTop + shareHeight + 18, String(days[i]), size: 11, anchor: "middle", fill: "#444")
        }
        for event in events {
            // Bins are labelled by their first day (YYYY-MM-DD sorts as text): an event belongs to the
            // last bin starting on or before it, when it falls before the end of the last bin.
            guard let i = days.lastIndex(where: { $0 <= event.day }),
                event.day < (binEnd ?? days.last.map { $0 + "~" } ?? "")
            else {
                continue
            }
            svg += line(x(i), countTop - 2, x(i), shareTop + shareHeight, stroke: "#c0392b", width: 1.2, dash: "4 3")
            // Labels near the right edge go to the left of their line so they stay inside the figure.
            let label = event.label + " (" + event.day + ")"
            let fitsRight = x(i) + 4 + Double(label.count) * 6.2 < width - 4
            svg += text(
                fitsRight ? x(i) + 4 : x(i) - 4, countTop + 10, label, size: 11, anchor: fitsRight ? "start" : "end",
                fill: "#c0392b")
        }
        svg += line(left, countTop + countHeight, left + plotWidth, countTop + countHeight, stroke: "#222")
        svg += line(left, shareTop + shareHeight, left + plotWidth, shareTop + shareHeight, stroke: "#222")
        return svg + "</svg>\n"
    }
}
