import Foundation

/// Parses lines (or JSON array elements) on all cores while the caller writes the previous batch
/// to the database.
///
/// A reader thread collects lines into batches; a parser thread parses each batch in parallel
/// (contiguous slices, so order is kept) and hands the results to the caller. Queues of at most
/// two batches bound memory whatever the file size.
final class ParallelLineParser: @unchecked Sendable {
    private let reader: RecordSource
    private let workers: Int
    /// One parser and finisher per worker: they keep buffers and caches, one thread at a time.
    private let parsers: [LineParser]
    private let finishers: [PostFinisher]
    private let batchLines = 4096
    private let batchBytes = 8 << 20

    init(reader: RecordSource, workers: Int, makeParser: () -> LineParser, makeFinisher: () -> PostFinisher) {
        self.reader = reader
        self.workers = max(1, workers)
        parsers = (0..<self.workers).map { _ in makeParser() }
        finishers = (0..<self.workers).map { _ in makeFinisher() }
    }

    func forEachBatch(_ body: ([ParsedRecord]) throws -> Void) throws {
        // Three stages run at once: reading lines, parsing them (on every core), and the caller's
        // writing. Each hand-off holds at most two batches.
        let lineBatches = HandOff<Result<[RawLine], Error>>(capacity: 2)
        let recordBatches = HandOff<Result<[ParsedRecord], Error>>(capacity: 2)
        let readerThread = Thread { [self] in
            do {
                while let lines = try self.nextBatch() {
                    guard lineBatches.put(.success(lines)) else { break }
                }
            } catch {
                _ = lineBatches.put(.failure(error))
            }
            lineBatches.finish()
        }
        let parserThread = Thread { [self] in
            while let next = lineBatches.take() {
                let parsed = next.map { self.parseInParallel($0) }
                guard recordBatches.put(parsed) else { break }
            }
            lineBatches.cancel()
            recordBatches.finish()
        }
        for thread in [readerThread, parserThread] {
            thread.stackSize = 8 << 20
            thread.start()
        }
        defer {
            recordBatches.cancel()
            lineBatches.cancel()
        }
        while let next = recordBatches.take() {
            try body(try next.get())
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
        defer {
            results.deinitialize()
            results.deallocate()
        }
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = (lines.count * slice / slices)..<(lines.count * (slice + 1) / slices)
            var out: [ParsedRecord] = []
            out.reserveCapacity(range.count)
            for index in range {
                out.append(contentsOf: finishers[slice].finish(parsers[slice].parse(lines[index])))
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
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Blocks while empty; nil once the producer has finished and everything was taken.
    func take() -> T? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
