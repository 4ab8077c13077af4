// swift-tools-version:6.0
// libFuzzer entry point for the pipeline's parsers, kept out of the main package so that its
// `swift build` and CI never see the fuzzer sanitizer. Built and run by `make fuzz`:
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --package-path Fuzz
//   FUZZ_TARGET=x-json Fuzz/.build/release/fuzz-parsers -max_total_time=30 corpus/x-json
import Foundation
import PackageDescription

// A path dependency's identity is its directory name (a worktree or clone may be named anything).
let pipeline = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "keep4o-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: pipeline.path)],
    targets: [
        .executableTarget(
            name: "fuzz-parsers",
            dependencies: ["CFuzzDriver", .product(name: "StudyKit", package: pipeline.lastPathComponent)]
        ),
        .target(name: "CFuzzDriver"),
    ]
)
