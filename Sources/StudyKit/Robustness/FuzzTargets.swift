import Foundation

/// The parsers a hostile file reaches, each behind one entry point that takes raw bytes. Used by the
/// libFuzzer executable in Fuzz/ (`make fuzz`) and by the regression tests that replay what it found.
/// A parser may turn an input into posts, rejects or one thrown error with a message; anything
/// else (a trap, a crash, a hang) is a bug.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case xJSON = "x-json"
    case csv = "csv"
    case reddit = "reddit"
    case codebook = "codebook"
    case annotationCSV = "annotation-csv"
    /// MediaCrawler's three layouts, each read as Xiaohongshu and as Weibo.
    case mediaCrawlerJSONLines = "mediacrawler-jsonl"
    case mediaCrawlerJSON = "mediacrawler-json"
    case mediaCrawlerCSV = "mediacrawler-csv"

    public enum Outcome: Equatable, Sendable {
        case records(posts: Int, rejects: Int)
        case error(String)
    }

    /// Small limits so that the fuzzer reaches the too-long and too-large paths with small inputs.
    static let limits: RecordLimits = {
        var limits = RecordLimits()
        limits.maxLineBytes = 4096
        limits.maxTextCharacters = 2000
        return limits
    }()

    public func run(_ bytes: [UInt8]) -> Outcome {
        switch self {
        case .xJSON: return Self.parseLines(bytes, XJSONParser(limits: Self.limits))
        case .reddit: return Self.parseLines(bytes, RedditParser(limits: Self.limits))
        case .csv:
            return Self.parseCSV(bytes) { try CSVParser(path: "fuzz.csv", mapping: nil, limits: Self.limits) }
        case .mediaCrawlerJSONLines:
            return Self.sum(
                [InputFormat.xiaohongshu, .weibo].map { platform -> Outcome in
                    Self.parseLines(
                        bytes, MediaCrawlerJSONParser(platform: platform, layout: .jsonLines, limits: Self.limits))
                })
        case .mediaCrawlerJSON:
            return Self.sum(
                [InputFormat.xiaohongshu, .weibo].map { platform -> Outcome in
                    let reader = JSONArrayReader(
                        source: MemoryBytes(bytes), path: "fuzz.json", maxElementBytes: Self.limits.maxLineBytes)
                    let parser = MediaCrawlerJSONParser(platform: platform, layout: .jsonArray, limits: Self.limits)
                    let finisher = PostFinisher(salt: "fuzz", keepHandles: false)
                    var records: [ParsedRecord] = []
                    do {
                        while let element = try reader.next() { records += finisher.finish(parser.parse(element)) }
                    } catch {
                        return .error(String(describing: error))
                    }
                    return Self.count(records)
                })
        case .mediaCrawlerCSV:
            return Self.sum(
                [InputFormat.xiaohongshu, .weibo].map { platform -> Outcome in
                    Self.parseCSV(bytes) {
                        try CSVParser(path: "fuzz.csv", mediaCrawlerPlatform: platform, limits: Self.limits)
                    }
                })
        case .codebook:
            guard let text = String(bytes: bytes, encoding: .utf8) else { return .error("not UTF-8 text") }
            do {
                _ = try CodebookLoader.parse(yaml: text, path: "fuzz.yaml")
                return .records(posts: 0, rejects: 0)
            } catch {
                return .error(String(describing: error))
            }
        case .annotationCSV:
            do {
                let rows = try CSVTable.read(bytes: bytes, path: "fuzz.csv")
                return .records(posts: rows.count, rejects: 0)
            } catch {
                return .error(String(describing: error))
            }
        }
    }

    /// Splits like LineReader: numbered lines, the limit applied, the last line possibly unterminated.
    static func lines(_ bytes: [UInt8]) -> [RawLine] {
        var lines: [RawLine] = []
        var start = 0
        var number = 0
        while start < bytes.count {
            number += 1
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let newline = end < bytes.count
            var content = Array(bytes[start..<end])
            if newline, content.last == 0x0D { content.removeLast() }
            let oversize = content.count > limits.maxLineBytes ? content.count : nil
            if oversize != nil { content = Array(content.prefix(limits.maxLineBytes)) }
            lines.append(RawLine(number: number, bytes: content, oversizeBytes: oversize, endsWithNewline: newline))
            start = newline ? end + 1 : end
        }
        return lines
    }

    /// Feeds the bytes line by line to a CSV parser (libcsv follows quotes across lines) and counts.
    static func parseCSV(_ bytes: [UInt8], _ makeParser: () throws -> CSVParser) -> Outcome {
        do {
            let parser = try makeParser()
            let finisher = PostFinisher(salt: "fuzz", keepHandles: false)
            var records: [ParsedRecord] = []
            var last = 0
            for line in lines(bytes) {
                last = line.number
                records += finisher.finish(try parser.feed(line))
            }
            records += finisher.finish(try parser.finish(lastLineNumber: last))
            return count(records)
        } catch {
            return .error(String(describing: error))
        }
    }

    static func parseLines(_ bytes: [UInt8], _ parser: LineParser) -> Outcome {
        let finisher = PostFinisher(salt: "fuzz", keepHandles: false)
        var records: [ParsedRecord] = []
        for line in lines(bytes) where !(line.bytes.isEmpty && line.oversizeBytes == nil) {
            records += finisher.finish(parser.parse(line))
        }
        return count(records)
    }

    /// The outcomes of one input read twice (as each platform): records added up, the first error kept.
    static func sum(_ outcomes: [Outcome]) -> Outcome {
        var posts = 0, rejects = 0
        for outcome in outcomes {
            switch outcome {
            case .error: return outcome
            case .records(let p, let r):
                posts += p
                rejects += r
            }
        }
        return .records(posts: posts, rejects: rejects)
    }

    static func count(_ records: [ParsedRecord]) -> Outcome {
        var posts = 0, rejects = 0
        for record in records {
            switch record {
            case .post: posts += 1
            case .reject(let reject):
                precondition(!reject.reason.isEmpty, "a reject without a reason")
                rejects += 1
            }
        }
        return .records(posts: posts, rejects: rejects)
    }
}
