import Foundation

/// How a piece of the screen is drawn: SGR attributes, used only when colours are on (NO_COLOR unset).
public struct TextStyle: Sendable, Equatable {
    public var sgr: [Int]
    public static let plain = TextStyle(sgr: [])
    public static let title = TextStyle(sgr: [1])
    public static let dim = TextStyle(sgr: [2])
    public static let marker = TextStyle(sgr: [36])
    public static let highlight = TextStyle(sgr: [7])
    public static let present = TextStyle(sgr: [32])
    public static let disputed = TextStyle(sgr: [33])
    public static let notice = TextStyle(sgr: [33])
    public static let warning = TextStyle(sgr: [1, 31])

    public func adding(_ other: TextStyle) -> TextStyle { TextStyle(sgr: sgr + other.sgr.filter { !sgr.contains($0) }) }
}

/// One screen row as styled pieces; `text` is what the row says without any escape sequence.
public struct ScreenLine: Sendable, Equatable {
    public var segments: [(text: String, style: TextStyle)]

    public init(_ text: String = "", _ style: TextStyle = .plain) { segments = text.isEmpty ? [] : [(text, style)] }
    public init(segments: [(text: String, style: TextStyle)]) { self.segments = segments.filter { !$0.text.isEmpty } }

    public var text: String { segments.map(\.text).joined() }

    public static func == (a: ScreenLine, b: ScreenLine) -> Bool {
        a.segments.count == b.segments.count
            && zip(a.segments, b.segments).allSatisfy { $0.text == $1.text && $0.style == $1.style }
    }

    /// At most `width` columns, cut like `truncate` (an ellipsis marks the cut).
    func truncated(to width: Int) -> ScreenLine {
        guard displayWidth(text) > width else { return self }
        var remaining = max(0, width - 1)
        var kept: [(text: String, style: TextStyle)] = []
        for segment in segments {
            let w = displayWidth(segment.text)
            if w <= remaining {
                kept.append(segment)
                remaining -= w
                continue
            }
            var cut = ""
            for character in segment.text {
                let cw = displayWidth(character)
                if cw > remaining { break }
                cut.append(character)
                remaining -= cw
            }
            kept.append((cut + (width > 0 ? "…" : ""), segment.style))
            return ScreenLine(segments: kept)
        }
        return ScreenLine(segments: kept)
    }

    /// Exactly `width` columns (truncated, then padded with spaces).
    func padded(to width: Int) -> ScreenLine {
        var line = truncated(to: width)
        let missing = width - displayWidth(line.text)
        if missing > 0 { line.segments.append((String(repeating: " ", count: missing), .plain)) }
        return line
    }

    static func + (a: ScreenLine, b: ScreenLine) -> ScreenLine { ScreenLine(segments: a.segments + b.segments) }

    /// The row as the terminal receives it: SGR sequences around styled pieces when `colour` is on.
    public func terminalText(colour: Bool) -> String {
        guard colour else { return text }
        return segments.map { segment in
            guard !segment.style.sgr.isEmpty else { return segment.text }
            let codes = segment.style.sgr.map(String.init).joined(separator: ";")
            return "\u{1B}[" + codes + "m" + segment.text + "\u{1B}[0m"
        }.joined()
    }
}

/// Where the parts of the screen go at one terminal size.
struct ScreenLayout {
    var header: [ScreenLine]
    var bodyRows: Int
    var categoryRows: Int
    /// Columns of the post (the whole width, or the left pane when the definition is beside it).
    var postWidth: Int
    /// Columns of the definition pane at 120 columns and more, nil when it is not beside the post.
    var paneWidth: Int?
}

/// The keyboard map: shown by `?`, and the same lines are in docs/annotate.md (a test checks).
public let codingKeyMap: [(keys: String, action: String)] = [
    ("1-9, 0", "toggle category 1-10 (the codebook's gate and implications follow)"),
    ("j / k", "move the highlight down / up"),
    ("Enter, x", "toggle the highlighted category"),
    ("Tab / Shift-Tab", "next / previous category the coders disagree on (adjudication)"),
    ("↑ / ↓", "scroll the post one line (the mouse wheel too)"),
    ("PgDn, Space", "scroll the post one page down"),
    ("PgUp, b", "scroll the post one page up"),
    ("Home / End", "top / end of the post"),
    ("n, →", "next post (an untouched post is saved as \"no category\")"),
    ("p, ←", "previous post"),
    ("] / [", "next / previous undecided post"),
    ("s", "skip the post (saved as skipped, not as \"no category\")"),
    ("u", "undo the last change (repeatable, across posts)"),
    ("m", "write a note on the post (Enter saves, Esc cancels)"),
    ("?", "this page: the highlighted category's definition and these keys"),
    ("Esc", "close this page, back to the post"),
    ("q", "quit (every decision is already saved)"),
]

extension CodingState {
    /// At this width and more, `?` puts the definition beside the post instead of in its place.
    public static let sideBySideColumns = 120

    /// The screen as `height` lines, each at most `width` columns (by display width).
    public func render(width: Int, height: Int) -> [String] {
        renderLines(width: width, height: height).map(\.text)
    }

    public func renderLines(width: Int, height: Int) -> [ScreenLine] {
        guard width >= 20, height >= 8 else {
            return [ScreenLine(truncate("window too small: need 20x8", toWidth: max(width, 0)))]
                + Array(repeating: ScreenLine(), count: max(0, height - 1))
        }
        guard let post = current else {
            let lines = [ScreenLine(title, .title), ScreenLine(), ScreenLine("This sample has no posts for you.")]
            return (lines + Array(repeating: ScreenLine(), count: height)).prefix(height)
                .map { $0.truncated(to: width) }
        }
        let layout = self.layout(width: width, height: height)
        var lines = layout.header

        // The left (or only) column: the post or the definition, a divider with the position, the categories.
        var column: [ScreenLine] = []
        let replaced = showDefinition && layout.paneWidth == nil
        let content = replaced ? definitionLines(width: layout.postWidth) : postLines(post, width: layout.postWidth)
        let first = min(replaced ? definitionScroll : scroll, max(0, content.count - layout.bodyRows))
        let shown = Array(content.dropFirst(first).prefix(layout.bodyRows))
        column += shown.map { ScreenLine($0) }
        column += Array(repeating: ScreenLine(), count: max(0, layout.bodyRows - shown.count))
        column.append(
            divider(
                width: layout.postWidth, first: first, shown: shown.count, total: content.count,
                definition: replaced))
        column += categoryLines(post, width: layout.postWidth, rows: layout.categoryRows)

        if let paneWidth = layout.paneWidth {
            lines.append(
                ScreenLine(String(repeating: "-", count: layout.postWidth) + "-+-", .dim)
                    + ScreenLine(" ? or Esc: close the definition ", .marker)
                    + ScreenLine(String(repeating: "-", count: max(0, paneWidth - 32)), .dim))
            let pane = definitionLines(width: paneWidth, forPane: true)
            let paneRows = column.count
            var paneShown = Array(pane.prefix(paneRows))
            if pane.count > paneRows, paneRows > 0 {
                paneShown[paneRows - 1] = "… (the rest of this page: ? below 120 columns, or docs/annotate.md)"
            }
            for (i, row) in column.enumerated() {
                let right = i < paneShown.count ? ScreenLine(paneShown[i]) : ScreenLine()
                lines.append(
                    row.padded(to: layout.postWidth) + ScreenLine(" | ", .dim)
                        + right.truncated(to: paneWidth))
            }
        } else {
            lines.append(ScreenLine(String(repeating: "-", count: width), .dim))
            lines += column
        }
        lines.append(messageLine())
        lines.append(footer(width: width))
        let fitted = lines.prefix(height).map { $0.truncated(to: width) }
        return fitted + Array(repeating: ScreenLine(), count: max(0, height - fitted.count))
    }

    func layout(width: Int, height: Int) -> ScreenLayout {
        var header = [ScreenLine(titleText(), .title), contextLine()]
        // Categories get what is left once the post has three rows (at least one category row).
        let categoryRows = min(scheme.categories.count, max(1, height - header.count - 4 - 3))
        // Thread lines only while the post keeps at least three rows.
        for line in threadLines() where height - header.count - 1 - 4 - categoryRows >= 3 { header.append(line) }
        let bodyRows = max(0, height - header.count - 4 - categoryRows)
        let side = showDefinition && width >= CodingState.sideBySideColumns
        let paneWidth = side ? (width - 3) / 2 : nil
        return ScreenLayout(
            header: header, bodyRows: bodyRows, categoryRows: categoryRows,
            postWidth: paneWidth.map { width - 3 - $0 } ?? width, paneWidth: paneWidth)
    }

    func titleText() -> String {
        let pace = secondsPerPost.map { String(format: " · %.1f s/post", $0) } ?? ""
        return "\(title) · post \(index + 1) of \(posts.count) · decided \(decidedCount)\(pace)"
    }

    /// Platform, date, language, duplicate-cluster size, decision status, note.
    func contextLine() -> ScreenLine {
        guard let post = current else { return ScreenLine() }
        var parts = [
            "#\(post.postID)", post.platform, post.language,
            post.createdAt.prefix(16).replacingOccurrences(of: "T", with: " "),
        ]
        if let size = post.clusterSize { parts.append(size > 1 ? "cluster of \(size)" : "unique") }
        var status = decisions[post.postID].map { $0.status.rawValue } ?? "new"
        if let changed = reopened[post.postID], decisions[post.postID] == nil {
            status = "re-opened (\(changed) changed)"
        }
        if let cast = votes[post.postID], !cast.isEmpty {
            let disputed = disputedCategories(post.postID).count
            let skipped = cast.filter { $0.status == .skipped }.map(\.name)
            if !skipped.isEmpty { parts.append("skipped by \(skipped.joined(separator: ", "))") }
            parts.append(disputed == 0 ? "coders agree" : "coders differ on \(disputed)")
        }
        parts.append(status)
        if notes[post.postID] != nil { parts.append("note") }
        return ScreenLine(parts.joined(separator: " · "), .marker)
    }

    /// The thread title (or the thread's first post) and the post this one answers, one line each.
    func threadLines() -> [ScreenLine] {
        guard let post = current else { return [] }
        func flat(_ text: String) -> String {
            text.split(whereSeparator: { $0.isNewline }).joined(separator: " ⏎ ")
        }
        var lines: [ScreenLine] = []
        if let thread = post.threadTitle, !thread.isEmpty {
            lines.append(ScreenLine("thread: " + flat(thread), .dim))
        }
        if let parent = post.parentText, !parent.isEmpty {
            lines.append(ScreenLine("\(post.parentRelation ?? "reply to"): " + flat(parent), .dim))
        }
        return lines
    }

    /// The post's text wrapped to the column, then (adjudicating) each coder's note.
    func postLines(_ post: SamplePost, width: Int) -> [String] {
        var lines = wrap(post.text, width: width)
        let withNotes = (votes[post.postID] ?? []).filter { $0.note?.isEmpty == false }
        if !withNotes.isEmpty {
            lines += ["", "Coders' notes:"]
            for vote in withNotes { lines += wrap("  \(vote.name): \(vote.note ?? "")", width: width) }
        }
        return lines
    }

    /// The highlighted category's definition, rules and the keyboard map. In place of the post it
    /// starts by saying how to get back; beside it the pane's top border says so.
    func definitionLines(width: Int, forPane: Bool = false) -> [String] {
        let category = scheme.categories[highlighted]
        var lines: [String] = forPane ? [] : ["? or Esc: back to the post", ""]
        let key = highlighted < 10 ? "\((highlighted + 1) % 10) " : ""
        lines += wrap("\(key)\(category.label) (\(category.id))", width: width)
        lines += wrap(category.definition, width: width)
        if !category.include.isEmpty {
            lines += wrap("Include: " + category.include.joined(separator: "; "), width: width)
        }
        if !category.exclude.isEmpty {
            lines += wrap("Exclude: " + category.exclude.joined(separator: "; "), width: width)
        }
        var rules: [String] = []
        if let gate = scheme.gate {
            rules.append(category.id == gate ? "clearing it clears every category" : "setting it sets '\(gate)'")
        }
        for rule in scheme.implications where rule.from == category.id || rule.to == category.id {
            rules.append("'\(rule.from)' implies '\(rule.to)'")
        }
        if !rules.isEmpty { lines += wrap("Rules: " + rules.joined(separator: "; "), width: width) }
        lines += ["", "Keys"]
        let keyWidth = min(16, max(8, width / 4))
        for entry in codingKeyMap {
            let described = wrap(entry.action, width: max(1, width - keyWidth - 2))
            for (i, text) in described.enumerated() {
                lines.append(pad(i == 0 ? "  " + entry.keys : "", toWidth: keyWidth + 2) + text)
            }
        }
        return lines
    }

    /// The divider under the post: where the view is in a post longer than the screen.
    func divider(width: Int, first: Int, shown: Int, total: Int, definition: Bool) -> ScreenLine {
        var label = definition ? " definition · ? or Esc: back to the post" : ""
        if total > shown {
            let percent = total == 0 ? 100 : Int((Double(first + shown) / Double(total) * 100).rounded())
            let more =
                first + shown < total
                ? (first > 0 ? "↑↓ PgUp PgDn" : "↓ PgDn/Space: more") : "↑ PgUp/b: back"
            label += " lines \(first + 1)-\(first + shown) of \(total) (\(percent)%) · \(more) "
        } else if definition {
            label += " "
        }
        if displayWidth(label) + 4 > width, total > shown {
            label = " \(first + 1)-\(first + shown)/\(total) "  // a narrow window still says where it is
        }
        guard !label.isEmpty, displayWidth(label) + 4 <= width else {
            return ScreenLine(String(repeating: "-", count: width), .dim)
        }
        return ScreenLine("--", .dim) + ScreenLine(label, .marker)
            + ScreenLine(String(repeating: "-", count: width - 2 - displayWidth(label)), .dim)
    }

    /// A window of categories that keeps the highlighted one visible; adjudicating, each coder's vote.
    func categoryLines(_ post: SamplePost, width: Int, rows: Int) -> [ScreenLine] {
        let count = scheme.categories.count
        guard rows > 0, count > 0 else { return [] }
        let first = max(0, min(highlighted - rows / 2, count - rows))
        let present = shownPresent(post.postID)
        let postVotes = votes[post.postID] ?? []
        let disputed = Set(disputedCategories(post.postID))
        var lines: [ScreenLine] = []
        for i in first..<min(count, first + rows) {
            let category = scheme.categories[i]
            let isPresent = present.contains(category.id)
            let base: TextStyle = i == highlighted ? .highlight : .plain
            var line = ScreenLine(segments: [
                ((i == highlighted ? ">" : " ") + (i < 10 ? String((i + 1) % 10) : " ") + " ", base),
                (isPresent ? "[x]" : "[ ]", isPresent ? base.adding(.present) : base),
                (" " + category.label, base),
            ])
            if !postVotes.isEmpty {
                let cast = postVotes.map { vote in
                    "\(vote.name):" + (vote.status == .skipped ? "-" : vote.present.contains(category.id) ? "1" : "0")
                }.joined(separator: " ")
                let mark = disputed.contains(i) ? " ≠" : ""
                let room = max(10, width - displayWidth(cast) - 4)
                line =
                    line.padded(to: room)
                    + ScreenLine(segments: [
                        ("  " + cast + mark, disputed.contains(i) ? base.adding(.disputed) : base.adding(.dim))
                    ])
            }
            lines.append(line.truncated(to: width))
        }
        return lines
    }

    func messageLine() -> ScreenLine {
        if let draft = noteDraft { return ScreenLine("note (Enter saves, Esc cancels): \(draft)_", .notice) }
        if let message { return ScreenLine(message, message.hasPrefix("NOT SAVED") ? .warning : .notice) }
        if let post = current, let note = notes[post.postID] { return ScreenLine("note: \(note)") }
        return ScreenLine()
    }

    /// The keys that fit, the most needed first, in a fixed order.
    func footer(width: Int) -> ScreenLine {
        let items: [(priority: Int, text: String)] = [
            (2, "1-0 toggle"), (8, "j/k move"), (9, isAdjudicating ? "Tab disagreement" : ""), (4, "Space/PgDn scroll"),
            (3, "n next"), (5, "p prev"), (6, "s skip"), (7, "u undo"), (10, "m note"), (0, "? keys"), (1, "q quit"),
        ].filter { !$0.text.isEmpty }
        var chosen = Set<Int>()
        var used = 0
        for item in items.sorted(by: { $0.priority < $1.priority }) {
            let w = displayWidth(item.text) + (chosen.isEmpty ? 0 : 2)
            if used + w <= width {
                chosen.insert(item.priority)
                used += w
            }
        }
        return ScreenLine(items.filter { chosen.contains($0.priority) }.map(\.text).joined(separator: "  "), .dim)
    }
}
