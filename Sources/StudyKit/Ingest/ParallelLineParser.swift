import Foundation

/// Parses lines on all cores while the caller writes the previous batch to the database.
///
/// A reader thread collects lines into batches, parses each batch in parallel (contiguous slices,
/// so order is kept) and hands the results over through a queue of at most two batches, which
/// bounds memory whatever the file size.
final class ParallelLineParser: @unchecked Sendable {
    private let reader: LineReader
    private let workers: Int
    private let parse: @Sendable (RawLine) -> [ParsedRecord]
    private let batchLines = 4096
    private let batchBytes = 8 << 20

    init(reader: LineReader, workers: Int, parse: @escaping @Sendable (RawLine) -> [ParsedRecord]) {
        self.reader = reader
        self.workers = max(1, workers)
        self.parse = parse
    }

    func forEachBatch(_ body: ([ParsedRecord]) throws -> Void) throws {
        let queue = HandOff<Result<[ParsedRecord], Error>>(capacity: 2)
        let producer = Thread { [self] in
            do {
                while let lines = try self.nextBatch() {
                    guard queue.put(.success(self.parseInParallel(lines))) else { return }
                }
                _ = queue.put(.success([]))
            } catch {
                _ = queue.put(.failure(error))
            }
            queue.finish()
        }
        producer.stackSize = 8 << 20
        producer.start()
        defer { queue.cancel() }
        while let next = queue.take() {
            let records = try next.get()
            if records.isEmpty { continue }
            try body(records)
        }
    }

    private func nextBatch() throws -> [RawLine]? {
        var lines: [RawLine] = []
        var bytes = 0
        while lines.count < batchLines, bytes < batchBytes, let line = try reader.next() {
            bytes += line.bytes.count
            if line.bytes.isEmpty && line.oversizeBytes == nil { continue }  // blank lines are not records
            lines.append(line)
        }
        return lines.isEmpty ? nil : lines
    }

    private func parseInParallel(_ lines: [RawLine]) -> [ParsedRecord] {
        let slices = min(workers, lines.count)
        // Each slice writes only its own element.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<[ParsedRecord]>.allocate(capacity: slices)
        results.initialize(repeating: [])
        defer { results.deinitialize(); results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = (lines.count * slice / slices)..<(lines.count * (slice + 1) / slices)
            var out: [ParsedRecord] = []
            out.reserveCapacity(range.count)
            for index in range {
                for record in parse(lines[index]) {
                    if case .post(var post) = record {
                        post.textNFKC = TextNormalizer.nfkc(post.text)
                        out.append(.post(post))
                    } else {
                        out.append(record)
                    }
                }
            }
            results[slice] = out
        }
        return Array(results.joined())
    }
}

/// A bounded hand-off between one producer and one consumer thread.
final class HandOff<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [T] = []
    private let capacity: Int
    private var finished = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// Blocks while full; false when the consumer has gone away.
    func put(_ item: T) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Blocks while empty; nil once the producer has finished and everything was taken.
    func take() -> T? {
        condition.lock(); defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func finish() {
        condition.lock(); finished = true; condition.broadcast(); condition.unlock()
    }

    func cancel() {
        condition.lock(); cancelled = true; condition.broadcast(); condition.unlock()
    }
}
