import CFuzzDriver
import Foundation
import StudyKit

/// One libFuzzer binary for every parser; FUZZ_TARGET picks which (x-json, csv, reddit, codebook,
/// mediacrawler-jsonl, mediacrawler-json, mediacrawler-csv,
/// annotation-csv). A crash, trap or sanitizer report is a finding. libFuzzer's options apply:
///   FUZZ_TARGET=csv fuzz-parsers -max_total_time=30 CORPUS_DIR
@main
enum FuzzParsers {
    nonisolated(unsafe) static var target = FuzzTarget.xJSON

    static func main() {
        let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
        guard let selected = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("fuzz-parsers: set FUZZ_TARGET to one of: \(names)\n".utf8))
            exit(2)
        }
        target = selected
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
            _ = FuzzParsers.target.run(bytes)
            return 0
        })
    }
}
