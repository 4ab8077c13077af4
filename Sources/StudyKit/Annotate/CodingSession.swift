import Foundation

/// A key the coding screen understands (decoded from terminal bytes by `KeyDecoder`).
public enum Key: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, enter, backspace, escape, interrupt
    case pageUp, pageDown, home, end, tab, backTab
    /// The mouse wheel, when the terminal reports it as a mouse event (most terminals send arrow
    /// keys instead in the alternate screen, which scroll the same way).
    case wheelUp, wheelDown
}

/// What the I/O loop must do after a key: the reducer itself never touches the database.
public enum Effect: Equatable, Sendable {
    case save(postID: Int64, decision: Decision?)
    case saveNote(postID: Int64, note: String?)
}

/// One coder's decision on a post, shown beside the categories when adjudicating (never in blind coding).
public struct CoderVote: Sendable, Equatable {
    public var coder: String
    public var status: Decision.Status
    public var present: Set<String>
    public var note: String?

    public init(coder: String, status: Decision.Status = .coded, present: Set<String> = [], note: String? = nil) {
        self.coder = coder
        self.status = status
        self.present = present
        self.note = note
    }

    /// 'human:alice' is shown as 'alice'.
    public var name: String { coder.hasPrefix("human:") ? String(coder.dropFirst("human:".count)) : coder }
}

/// The size of the terminal, in columns and rows.
public struct ScreenSize: Sendable, Equatable {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
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
    /// `?`: the highlighted category's definition and the keyboard map (beside the post at 120
    /// columns and more, in place of it below that).
    public var showDefinition = false
    /// Text being typed after `m`, nil when not writing a note.
    public var noteDraft: String?
    public var message: String?
    public var quit = false
    /// Adjudication: each coder's decision and note per post. Empty in blind coding.
    public var votes: [Int64: [CoderVote]] = [:]
    /// Adjudication: settled posts re-opened because a coder changed their coding since (post → coders).
    public var reopened: [Int64: String] = [:]
    /// The terminal size the reducer pages by; the I/O loop keeps it current.
    public var viewport = ScreenSize(columns: 80, rows: 24)
    /// First line of the post shown (and of the definition view when it replaces the post).
    public var scroll = 0
    public var definitionScroll = 0
    /// When the current post appeared (seconds, from the caller's clock), for time per post.
    public var shownAt: Double = 0
    var undoStack: [(index: Int, postID: Int64, previous: Decision?)] = []

    public init(
        title: String, posts: [SamplePost], scheme: AnnotationScheme, decisions: [Int64: Decision],
        notes: [Int64: String] = [:], votes: [Int64: [CoderVote]] = [:], reopened: [Int64: String] = [:],
        now: Double = 0
    ) {
        self.title = title
        self.posts = posts
        self.scheme = scheme
        self.decisions = decisions
        self.notes = notes
        self.votes = votes
        self.reopened = reopened
        shownAt = now
        // Resume at the first post without a decision.
        if let first = posts.firstIndex(where: { decisions[$0.postID] == nil }) {
            index = first
        } else if !posts.isEmpty {
            index = posts.count - 1
            message = "every post is decided; p/n to review, q to quit"
        }
        highlightFirstDisagreement()
    }

    public var current: SamplePost? { posts.indices.contains(index) ? posts[index] : nil }
    public var decidedCount: Int { posts.reduce(0) { $0 + (decisions[$1.postID] == nil ? 0 : 1) } }
    public var isAdjudicating: Bool { !votes.isEmpty }

    /// Mean seconds per decided post (stored times of earlier sessions included).
    public var secondsPerPost: Double? {
        let times = posts.compactMap { decisions[$0.postID]?.seconds }
        return times.isEmpty ? nil : times.reduce(0, +) / Double(times.count)
    }

    /// Adjudication: the categories every coder marked present, when every coder coded the post.
    /// An undecided post starts from these, so the adjudicator only settles what is in dispute.
    public func prefill(_ postID: Int64) -> Set<String> {
        guard let votes = votes[postID], !votes.isEmpty, votes.allSatisfy({ $0.status == .coded }) else { return [] }
        return votes.dropFirst().reduce(votes[0].present) { $0.intersection($1.present) }
    }

    /// Adjudication: indices of the categories on which the coders who coded the post differ.
    public func disputedCategories(_ postID: Int64) -> [Int] {
        let coded = (votes[postID] ?? []).filter { $0.status == .coded }
        return scheme.categories.indices.filter { i in
            Set(coded.map { $0.present.contains(scheme.categories[i].id) }).count > 1
        }
    }

    /// The categories shown as present: the decision, else (adjudicating) the pre-filled agreement.
    public func shownPresent(_ postID: Int64) -> Set<String> {
        if let decision = decisions[postID] { return decision.status == .coded ? decision.present : [] }
        return prefill(postID)
    }

    // MARK: Reducer

    public mutating func reduce(_ key: Key, now: Double) -> [Effect] {
        guard let post = current else {
            if key == .character("q") || key == .interrupt { quit = true }
            return []
        }
        if noteDraft != nil { return reduceNote(key, post: post) }
        message = nil
        if let lines = scrollLines(for: key) {
            scrollBy(lines)
            return []
        }
        switch key {
        case .interrupt, .character("q"):
            quit = true
            return []
        case .character(let c) where c.isNumber && c.isASCII:
            let number = Int(String(c)) ?? 0
            let categoryIndex = number == 0 ? 9 : number - 1
            guard scheme.categories.indices.contains(categoryIndex) else {
                message = "no category \(number)"
                return []
            }
            highlighted = categoryIndex
            return toggle(categoryIndex, post: post, now: now)
        case .enter, .character("x"):
            return toggle(highlighted, post: post, now: now)
        case .character("k"):
            highlighted = max(0, highlighted - 1)
        case .character("j"):
            highlighted = max(0, min(scheme.categories.count - 1, highlighted + 1))
        case .tab, .backTab:
            jumpToDisagreement(forward: key == .tab, post: post)
        case .character("?"):
            showDefinition.toggle()
            definitionScroll = 0
        case .escape:
            if showDefinition {
                showDefinition = false
            } else {
                message = "Esc closes the definition view (?); q quits"
            }
        case .character("n"), .right:
            // Moving on from an undecided post records "seen, no category present" (or, adjudicating,
            // the categories the coders agree on).
            var effects: [Effect] = []
            if decisions[post.postID] == nil {
                effects = record(Decision(status: .coded, present: prefill(post.postID)), post: post, now: now)
            }
            move(to: index + 1, now: now)
            return effects
        case .character("p"), .left:
            move(to: index - 1, now: now)
        case .character("]"), .character("["):
            let forward = key == .character("]")
            let candidates =
                forward
                ? Array(posts.indices.dropFirst(index + 1))
                : Array(posts.indices.prefix(index).reversed())
            if let next = candidates.first(where: { decisions[posts[$0].postID] == nil }) {
                move(to: next, now: now)
            } else {
                message = "no undecided post \(forward ? "after" : "before") this one"
            }
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
            if last.index != index { scroll = 0 }
            index = last.index
            shownAt = now
            message = "undone"
            return [.save(postID: last.postID, decision: last.previous)]
        case .character("m"):
            noteDraft = notes[post.postID] ?? ""
        default:
            message = "? shows every key (q quits)"
        }
        return []
    }

    /// Lines to scroll for a scrolling key, nil for any other key. A page keeps one line of the
    /// previous page in view, so the reader does not lose their place.
    func scrollLines(for key: Key) -> Int? {
        let page = max(1, pageRows - 1)
        switch key {
        case .up: return -1
        case .down: return 1
        case .wheelUp: return -3
        case .wheelDown: return 3
        case .pageUp, .character("b"): return -page
        case .pageDown, .character(" "): return page
        case .home: return Int.min / 2
        case .end: return Int.max / 2
        default: return nil
        }
    }

    /// Rows the scrolled view has at the current terminal size.
    var pageRows: Int { layout(width: viewport.columns, height: viewport.rows).bodyRows }

    /// Below 120 columns the definition view takes the post's place (and the scroll keys scroll it).
    var definitionReplacesPost: Bool { showDefinition && viewport.columns < CodingState.sideBySideColumns }

    mutating func scrollBy(_ lines: Int) {
        let layout = self.layout(width: viewport.columns, height: viewport.rows)
        if definitionReplacesPost {
            let total = definitionLines(width: layout.postWidth).count
            definitionScroll = clampScroll(definitionScroll, by: lines, total: total, rows: layout.bodyRows)
        } else {
            let total = current.map { postLines($0, width: layout.postWidth).count } ?? 0
            scroll = clampScroll(scroll, by: lines, total: total, rows: layout.bodyRows)
        }
    }

    func clampScroll(_ value: Int, by lines: Int, total: Int, rows: Int) -> Int {
        let maximum = max(0, total - rows)
        let moved =
            lines > 0
            ? (value > Int.max - lines ? Int.max : value + lines)
            : (value < Int.min - lines ? Int.min : value + lines)
        return max(0, min(maximum, moved))
    }

    mutating func jumpToDisagreement(forward: Bool, post: SamplePost) {
        let disputed = disputedCategories(post.postID)
        guard !disputed.isEmpty else {
            message =
                isAdjudicating
                ? "the coders agree on every category of this post"
                : "Tab jumps between the categories coders disagree on (when adjudicating)"
            return
        }
        if forward {
            highlighted = disputed.first(where: { $0 > highlighted }) ?? disputed[0]
        } else {
            highlighted = disputed.last(where: { $0 < highlighted }) ?? disputed[disputed.count - 1]
        }
    }

    mutating func highlightFirstDisagreement() {
        guard let post = current, let first = disputedCategories(post.postID).first else { return }
        highlighted = first
    }

    mutating func reduceNote(_ key: Key, post: SamplePost) -> [Effect] {
        switch key {
        case .enter:
            let note = (noteDraft ?? "").trimmingCharacters(in: .whitespaces)
            notes[post.postID] = note.isEmpty ? nil : note
            noteDraft = nil
            message = note.isEmpty ? "note removed" : "note saved"
            return [.saveNote(postID: post.postID, note: note.isEmpty ? nil : note)]
        case .escape, .interrupt:
            noteDraft = nil
            message = "note not changed"
        case .backspace:
            if noteDraft?.isEmpty == false { noteDraft?.removeLast() }
        case .character(let c):
            noteDraft?.append(c)
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
        if newIndex < 0 {
            message = "first post"
            return
        }
        index = newIndex
        scroll = 0
        shownAt = now
        highlightFirstDisagreement()
    }

    /// Toggles a category, then applies the codebook's rules: setting any category sets the gate,
    /// clearing the gate clears everything, and implications set (or, when their consequence is
    /// cleared, clear) the categories they connect. Each rule applied is reported in the message.
    mutating func toggle(_ categoryIndex: Int, post: SamplePost, now: Double) -> [Effect] {
        guard scheme.categories.indices.contains(categoryIndex) else { return [] }
        let id = scheme.categories[categoryIndex].id
        var present = shownPresent(post.postID)
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
}
