// swift-tools-version:6.0
// The #keep4o study pipeline: staged command-line tools chained through one SQLite database.
import PackageDescription

/// One thin executable per stage (Sources/<stage>/), each a swift-argument-parser command.
let stages = ["ingest", "dedupe", "language-detect", "embed", "code", "annotate", "aggregate"]

let package = Package(
    name: "keep4o-pipeline",
    platforms: [.macOS(.v13)],
    products: [.library(name: "StudyKit", targets: ["StudyKit"])]
        + stages.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        // Exact versions: Package.resolved cannot be committed here (the local mirror's commit ids
        // are not upstream's), so the pins live in this file. BuildInfo.packageVersions repeats
        // them for the export manifest; a test checks the two agree.
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        // Native libraries from Debian (scripts/apt-packages.txt).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CLibCSV", path: "Sources/CLibCSV"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),
        // simdjson (libsimdjson-dev) behind a small extern "C" API for ingest's JSON parsing.
        .target(
            name: "CJSONScan",
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        // CLD2 and fastText (libcld2-dev, libfasttext-dev) behind a small extern "C" API.
        .target(
            name: "CLanguageID",
            linkerSettings: [.linkedLibrary("cld2"), .linkedLibrary("fasttext")]
        ),

        // All logic lives here, one folder per stage plus Store (database) and Support (shared helpers).
        .target(
            name: "StudyKit",
            dependencies: [
                "CSQLite", "CLibCSV", "CZlib", "CJSONScan", "CLanguageID",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // What every executable shares: --db and other common options, enum option parsing.
        .target(
            name: "StudyCLI",
            dependencies: ["StudyKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(
            name: "StudyKitTests",
            dependencies: ["StudyKit"],
            resources: [.copy("Fixtures")]
        ),
    ]
        + stages.map { stage in
            // Thin executables: argument parsing and printing only.
            .executableTarget(
                name: stage,
                dependencies: [
                    "StudyKit", "StudyCLI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                ]
            )
        }
)
