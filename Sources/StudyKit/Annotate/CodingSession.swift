import Foundation

/// A key the coding screen understands (decoded from terminal bytes by `KeyDecoder`).
public enum Key: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, enter, backspace, escape, interrupt
}

/// What the I/O loop must do after a key: the reducer itself never touches the database.
public enum Effect: Equatable, Sendable {
    case save(postID: Int64, decision: Decision?)
    case saveNote(postID: Int64, note: String?)
}

/// The whole state of the coding screen. `reduce` (state + key → effects) and `render`
/// (state + size → lines) are pure, so both are unit-tested without a terminal.
public struct CodingState: Sendable {
    public var title: String
    public var posts: [SamplePost]
    public var scheme: AnnotationScheme
    public var decisions: [Int64: Decision]
    public var notes: [Int64: String]
    public var index = 0
    public var highlighted = 0
    public var showDefinition = false
    /// Text being typed after `m`, nil when not writing a note.
    public var noteDraft: String?
    public var message: String?
    public var quit = false
    /// Adjudication: other coders' decisions shown beside the categories (never in blind coding).
    public var reference: [Int64: [(coder: String, present: Set<String>)]] = [:]
    /// When the current post appeared (seconds, from the caller's clock), for time per post.
    public var shownAt: Double = 0
    var undoStack: [(index: Int, postID: Int64, previous: Decision?)] = []

    public init(title: String, posts: [SamplePost], scheme: AnnotationScheme, decisions: [Int64: Decision],
                notes: [Int64: String] = [:], now: Double = 0) {
        self.title = title
        self.posts = posts
        self.scheme = scheme
        self.decisions = decisions
        self.notes = notes
        shownAt = now
        // Resume at the first post without a decision.
        if let first = posts.firstIndex(where: { decisions[$0.postID] == nil }) {
            index = first
        } else if !posts.isEmpty {
            index = posts.count - 1
            message = "every post is decided; p/n to review, q to quit"
        }
    }

    public var current: SamplePost? { posts.indices.contains(index) ? posts[index] : nil }
    public var decidedCount: Int { posts.reduce(0) { $0 + (decisions[$1.postID] == nil ? 0 : 1) } }

    /// Mean seconds per decided post (stored times of earlier sessions included).
    public var secondsPerPost: Double? {
        let times = posts.compactMap { decisions[$0.postID]?.seconds }
        return times.isEmpty ? nil : times.reduce(0, +) / Double(times.count)
    }

    // MARK: Reducer

    public mutating func reduce(_ key: Key, now: Double) -> [Effect] {
        guard let post = current else {
            if key == .character("q") || key == .interrupt { quit = true }
            return []
        }
        if noteDraft != nil { return reduceNote(key, post: post) }
        message = nil
        switch key {
        case .interrupt, .character("q"):
            quit = true
            return []
        case .character(let c) where c.isNumber && c.isASCII:
            let number = Int(String(c))!
            let categoryIndex = number == 0 ? 9 : number - 1
            guard scheme.categories.indices.contains(categoryIndex) else {
                message = "no category \(number)"
                return []
            }
            highlighted = categoryIndex
            return toggle(categoryIndex, post: post, now: now)
        case .character(" "), .enter:
            return toggle(highlighted, post: post, now: now)
        case .up, .character("k"):
            highlighted = max(0, highlighted - 1)
        case .down, .character("j"):
            highlighted = max(0, min(scheme.categories.count - 1, highlighted + 1))
        case .character("?"):
            showDefinition.toggle()
        case .character("n"), .right:
            // Moving on from an undecided post records "seen, no category present".
            var effects: [Effect] = []
            if decisions[post.postID] == nil {
                effects = record(Decision(status: .coded, present: []), post: post, now: now)
            }
            move(to: index + 1, now: now)
            return effects
        case .character("p"), .left:
            move(to: index - 1, now: now)
        case .character("s"):
            let effects = record(Decision(status: .skipped), post: post, now: now)
            move(to: index + 1, now: now)
            return effects
        case .character("u"):
            guard let last = undoStack.popLast() else {
                message = "nothing to undo"
                return []
            }
            decisions[last.postID] = last.previous
            index = last.index
            shownAt = now
            message = "undone"
            return [.save(postID: last.postID, decision: last.previous)]
        case .character("m"):
            noteDraft = notes[post.postID] ?? ""
        default:
            message = "keys: 1-9/0 toggle, j/k move, n next, p previous, s skip, u undo, m note, ? definition, q quit"
        }
        return []
    }

    mutating func reduceNote(_ key: Key, post: SamplePost) -> [Effect] {
        switch key {
        case .enter:
            let note = noteDraft!.trimmingCharacters(in: .whitespaces)
            notes[post.postID] = note.isEmpty ? nil : note
            noteDraft = nil
            message = note.isEmpty ? "note removed" : "note saved"
            return [.saveNote(postID: post.postID, note: note.isEmpty ? nil : note)]
        case .escape, .interrupt:
            noteDraft = nil
            message = "note not changed"
        case .backspace:
            if !noteDraft!.isEmpty { noteDraft!.removeLast() }
        case .character(let c):
            noteDraft!.append(c)
        default:
            break
        }
        return []
    }

    mutating func move(to newIndex: Int, now: Double) {
        if newIndex >= posts.count {
            message = decidedCount == posts.count ? "end of the sample: every post is decided (q to quit)" : "last post"
            return
        }
        if newIndex < 0 { message = "first post"; return }
        index = newIndex
        shownAt = now
    }

    /// Toggles a category, then applies the codebook's rules: setting any category sets the gate,
    /// clearing the gate clears everything, and implications set (or, when their consequence is
    /// cleared, clear) the categories they connect. Each rule applied is reported in the message.
    mutating func toggle(_ categoryIndex: Int, post: SamplePost, now: Double) -> [Effect] {
        guard scheme.categories.indices.contains(categoryIndex) else { return [] }
        let id = scheme.categories[categoryIndex].id
        var present = decisions[post.postID].flatMap { $0.status == .coded ? $0.present : nil } ?? []
        var notes: [String] = []
        if present.contains(id) {
            present.remove(id)
            if id == scheme.gate, present.count > 0 {
                notes.append("gate '\(id)' cleared: \(present.sorted().joined(separator: ", ")) cleared too")
                present.removeAll()
            }
            for rule in scheme.implications where rule.to == id && present.contains(rule.from) {
                present.remove(rule.from)
                notes.append("'\(rule.from)' implies '\(id)': '\(rule.from)' cleared")
            }
        } else {
            present.insert(id)
            var changed = true
            while changed {
                changed = false
                for rule in scheme.implications where present.contains(rule.from) && !present.contains(rule.to) {
                    present.insert(rule.to)
                    notes.append("'\(rule.from)' implies '\(rule.to)': set")
                    changed = true
                }
            }
            if let gate = scheme.gate, !present.contains(gate) {
                present.insert(gate)
                notes.append("gate '\(gate)' set")
            }
        }
        let effects = record(Decision(status: .coded, present: present), post: post, now: now)
        if !notes.isEmpty { message = notes.joined(separator: "; ") }
        return effects
    }

    mutating func record(_ decision: Decision, post: SamplePost, now: Double) -> [Effect] {
        var decision = decision
        let previous = decisions[post.postID]
        // Time on the post: from when it appeared to its first decision (later edits keep it).
        decision.seconds = previous?.seconds ?? max(0, now - shownAt)
        undoStack.append((index, post.postID, previous))
        decisions[post.postID] = decision
        return [.save(postID: post.postID, decision: decision)]
    }

    // MARK: Rendering

    /// The screen as `height` lines, each at most `width` columns (by display width).
    public func render(width: Int, height: Int) -> [String] {
        guard width >= 20, height >= 8 else { return [truncate("window too small: need 20x8", toWidth: max(width, 0))] }
        guard let post = current else {
            return ([title, "", "This sample has no posts for you."] + Array(repeating: "", count: height)).prefix(height).map { truncate($0, toWidth: width) }
        }
        var lines: [String] = []
        let pace = secondsPerPost.map { String(format: " · %.1f s/post", $0) } ?? ""
        lines.append(truncate("\(title) · post \(index + 1) of \(posts.count) · decided \(decidedCount)\(pace)", toWidth: width))
        let status = decisions[post.postID].map { $0.status.rawValue } ?? "new"
        lines.append(truncate("#\(post.postID) · \(post.platform) · \(post.language) · \(post.createdAt.prefix(16).replacingOccurrences(of: "T", with: " ")) · \(status)\(notes[post.postID] != nil ? " · note" : "")", toWidth: width))
        lines.append(String(repeating: "-", count: width))

        let footerLines = 2
        let categoryRows = min(scheme.categories.count, max(3, height - 3 - 1 - footerLines - 3))
        let bodyRows = height - lines.count - 1 - categoryRows - footerLines

        var body: [String]
        if showDefinition {
            let c = scheme.categories[highlighted]
            body = wrap("\(c.label) (\(c.id)): \(c.definition)", width: width)
            if !c.include.isEmpty { body += wrap("Include: " + c.include.joined(separator: "; "), width: width) }
            if !c.exclude.isEmpty { body += wrap("Exclude: " + c.exclude.joined(separator: "; "), width: width) }
        } else {
            body = wrap(post.text, width: width)
        }
        if body.count > bodyRows {
            body = Array(body.prefix(max(0, bodyRows - 1))) + (bodyRows > 0 ? ["… (\(body.count - bodyRows + 1) more lines)"] : [])
        }
        lines += body
        lines += Array(repeating: "", count: max(0, bodyRows - body.count))
        lines.append(String(repeating: "-", count: width))

        // A window of categories that keeps the highlighted one visible.
        let first = min(max(0, highlighted - categoryRows / 2), scheme.categories.count - categoryRows)
        let present = decisions[post.postID].flatMap { $0.status == .coded ? $0.present : nil } ?? []
        let others = reference[post.postID] ?? []
        for i in first..<(first + categoryRows) {
            let c = scheme.categories[i]
            let key = i < 10 ? String((i + 1) % 10) : " "
            let mark = present.contains(c.id) ? "[x]" : "[ ]"
            let pointer = i == highlighted ? ">" : " "
            var line = "\(pointer)\(key) \(mark) \(c.label)"
            if !others.isEmpty {
                let votes = others.map { "\($0.coder.replacingOccurrences(of: "human:", with: "")):\($0.present.contains(c.id) ? "1" : "0")" }
                line = pad(line, toWidth: max(10, width - 2 - displayWidth(votes.joined(separator: " ")))) + "  " + votes.joined(separator: " ")
            }
            lines.append(truncate(line, toWidth: width))
        }
        if let draft = noteDraft {
            lines.append(truncate("note (Enter saves, Esc cancels): \(draft)_", toWidth: width))
        } else {
            lines.append(truncate(message ?? (notes[post.postID].map { "note: \($0)" } ?? ""), toWidth: width))
        }
        lines.append(truncate("1-9 toggle  j/k move  n next  p prev  s skip  u undo  m note  ? def  q quit", toWidth: width))
        return Array(lines.prefix(height)) + Array(repeating: "", count: max(0, height - lines.count))
    }
}

/// Turns terminal input bytes into keys (UTF-8 characters, arrows, Enter, Backspace, Esc, Ctrl-C).
public struct KeyDecoder: Sendable {
    var pending: [UInt8] = []
    public init() {}

    /// Keys from the bytes so far; an incomplete sequence waits for more bytes. `flush` ends a lone Esc.
    public mutating func feed(_ bytes: [UInt8], flush: Bool = false) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var i = 0
        while i < pending.count {
            let b = pending[i]
            switch b {
            case 0x1B:
                if i + 1 >= pending.count {
                    if flush { keys.append(.escape); i += 1; continue }
                    pending.removeFirst(i)
                    return keys
                }
                if pending[i + 1] == UInt8(ascii: "[") || pending[i + 1] == UInt8(ascii: "O") {
                    guard i + 2 < pending.count else { pending.removeFirst(i); return keys }
                    switch pending[i + 2] {
                    case UInt8(ascii: "A"): keys.append(.up)
                    case UInt8(ascii: "B"): keys.append(.down)
                    case UInt8(ascii: "C"): keys.append(.right)
                    case UInt8(ascii: "D"): keys.append(.left)
                    default: break
                    }
                    i += 3
                } else {
                    keys.append(.escape)
                    i += 1
                }
            case 0x0D, 0x0A: keys.append(.enter); i += 1
            case 0x7F, 0x08: keys.append(.backspace); i += 1
            case 0x03: keys.append(.interrupt); i += 1
            case 0x00..<0x20: i += 1
            default:
                let length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
                guard i + length <= pending.count else { pending.removeFirst(i); return keys }
                let scalarText = String(decoding: pending[i..<(i + length)], as: UTF8.self)
                keys += scalarText.map { Key.character($0) }
                i += length
            }
        }
        pending.removeAll()
        return keys
    }
}
