import Foundation

/// Script facts the matcher needs per Unicode scalar, from tables built once.
public enum ScriptClass {
    /// Han, kana, Hangul and CJK punctuation: scripts written without spaces between words,
    /// where a phrase matches anywhere (no word-boundary check).
    public static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x11FF, 0x2E80...0x2FDF, 0x3000...0x30FF, 0x3130...0x318F, 0x31F0...0x31FF,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA960...0xA97F, 0xAC00...0xD7AF, 0xF900...0xFAFF,
            0xFF66...0xFF9F, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    /// 1 for letters and digits of space-separated scripts (Latin, Cyrillic, Greek…): a phrase in
    /// these scripts must not be glued to such a neighbour ("tool" does not match in "toolbox").
    static let wordTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for v in 0..<0x10000 {
            guard let scalar = Unicode.Scalar(UInt32(v)), !isCJK(UInt32(v)) else { continue }
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil { table[v] = 1 }
        }
        return table
    }()

    @inline(__always)
    public static func isWord(_ v: UInt32) -> Bool {
        if v < 0x10000 { return wordTable[Int(v)] != 0 }
        return false
    }

    /// Simple (one scalar to one scalar) lower-casing, so that offsets in the folded text are the
    /// offsets in the original: `İ` (which lower-cases to two scalars) is left as it is.
    static let lowerTable: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 0x10000)
        for v in 0..<0x10000 {
            table[v] = UInt32(v)
            guard let scalar = Unicode.Scalar(UInt32(v)), scalar.properties.changesWhenLowercased else { continue }
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            if lower.count == 1 { table[v] = lower.first!.value }
        }
        return table
    }()

    @inline(__always)
    public static func lower(_ v: UInt32) -> UInt32 {
        if v < 0x10000 { return lowerTable[Int(v)] }
        return v
    }

    /// Sentence and clause ends: a negation cue on the other side of one does not apply.
    @inline(__always)
    static func isClauseBreak(_ v: UInt32) -> Bool {
        switch v {
        case 0x2E, 0x21, 0x3F, 0x3B, 0x0A, 0x0D, 0x3002, 0xFF01, 0xFF1F, 0xFF1B, 0xFF0C, 0x3001, 0x2C, 0xFF0E:
            return true
        default:
            return false
        }
    }
}

/// The text form the lexicon coder matches: NFKC, then simple lower-casing scalar by scalar.
public enum LexiconText {
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in TextNormalizer.nfkc(text).unicodeScalars {
            out.append(Unicode.Scalar(ScriptClass.lower(scalar.value)) ?? scalar)
        }
        return String(out)
    }

    public static func scalars(_ text: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { out.append(scalar.value) }
        return out
    }
}

/// Aho-Corasick automaton over Unicode scalars, case-folded through its alphabet table: one pass
/// over a post finds every occurrence of every literal pattern. Scalars that occur in no pattern
/// share class 0, so the transition table is states × (distinct pattern scalars + 1).
public final class LiteralAutomaton: @unchecked Sendable {
    public let patternLengths: [Int32]
    private let bmpClass: [Int32]
    private let astralClass: [UInt32: Int32]
    private let classCount: Int
    private let delta: [Int32]
    private let outOffsets: [Int32]
    private let outPatterns: [Int32]
    public var stateCount: Int { outOffsets.count - 1 }

    /// `patterns` must already be folded (`LexiconText.fold`) and non-empty.
    public init(patterns: [String]) {
        var classOfScalar: [UInt32: Int32] = [:]
        var encoded: [[Int32]] = []
        for pattern in patterns {
            var codes: [Int32] = []
            for scalar in pattern.unicodeScalars {
                let v = ScriptClass.lower(scalar.value)
                if classOfScalar[v] == nil { classOfScalar[v] = Int32(classOfScalar.count + 1) }
                codes.append(classOfScalar[v]!)
            }
            encoded.append(codes)
        }
        classCount = classOfScalar.count + 1
        var bmp = [Int32](repeating: 0, count: 0x10000)
        var astral: [UInt32: Int32] = [:]
        for v in 0..<0x10000 { bmp[v] = classOfScalar[ScriptClass.lowerTable[v]] ?? 0 }
        for (v, c) in classOfScalar where v >= 0x10000 { astral[v] = c }
        bmpClass = bmp
        astralClass = astral
        patternLengths = encoded.map { Int32($0.count) }

        // Trie.
        var children: [[Int32: Int32]] = [[:]]
        var own: [[Int32]] = [[]]
        for (index, codes) in encoded.enumerated() {
            var node: Int32 = 0
            for code in codes {
                if let next = children[Int(node)][code] {
                    node = next
                } else {
                    children.append([:])
                    own.append([])
                    let next = Int32(children.count - 1)
                    children[Int(node)][code] = next
                    node = next
                }
            }
            own[Int(node)].append(Int32(index))
        }
        // Breadth-first: failure links, the full transition table and merged outputs.
        let states = children.count
        var table = [Int32](repeating: 0, count: states * classCount)
        var fail = [Int32](repeating: 0, count: states)
        var outputs = own
        var queue: [Int32] = []
        for (code, child) in children[0] {
            table[Int(code)] = child
            queue.append(child)
        }
        var head = 0
        while head < queue.count {
            let node = Int(queue[head])
            head += 1
            let failRow = Int(fail[node]) * classCount
            outputs[node] += outputs[Int(fail[node])]
            for code in 0..<classCount { table[node * classCount + code] = table[failRow + code] }
            for (code, child) in children[node].sorted(by: { $0.key < $1.key }) {
                fail[Int(child)] = table[failRow + Int(code)]
                table[node * classCount + Int(code)] = child
                queue.append(child)
            }
        }
        delta = table
        var offsets: [Int32] = [0]
        var flat: [Int32] = []
        for list in outputs {
            flat += list
            offsets.append(Int32(flat.count))
        }
        outOffsets = offsets
        outPatterns = flat
    }

    @inline(__always)
    private func classOf(_ v: UInt32) -> Int {
        if v < 0x10000 { return Int(bmpClass[Int(v)]) }
        return Int(astralClass[v] ?? 0)
    }

    /// Calls `body(pattern, end)` for every occurrence; `end` is the scalar offset just past it.
    @inline(__always)
    public func scan(_ text: UnsafeBufferPointer<UInt32>, _ body: (Int32, Int) -> Void) {
        delta.withUnsafeBufferPointer { delta in
            outOffsets.withUnsafeBufferPointer { offsets in
                bmpClass.withUnsafeBufferPointer { classes in
                    var state = 0
                    let k = classCount
                    for i in 0..<text.count {
                        let v = text[i]
                        let c = v < 0x10000 ? Int(classes[Int(v)]) : Int(astralClass[v] ?? 0)
                        state = Int(delta[state * k + c])
                        let from = offsets[state], to = offsets[state + 1]
                        if from != to {
                            for j in Int(from)..<Int(to) { body(outPatterns[j], i + 1) }
                        }
                    }
                }
            }
        }
    }
}
