// swift-tools-version:6.0
// The #keep4o study pipeline: staged command-line tools chained through one SQLite database.
import PackageDescription

let package = Package(
    name: "keep4o-pipeline",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "StudyKit", targets: ["StudyKit"]),
        .executable(name: "ingest", targets: ["ingest"]),
        .executable(name: "language-detect", targets: ["language-detect"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Native libraries from Debian (see README: libsqlite3-dev, libcsv-dev, zlib1g-dev).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CLibCSV", path: "Sources/CLibCSV"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),
        // CLD2 and fastText (libcld2-dev, libfasttext-dev) behind a small extern "C" API.
        .target(
            name: "CLanguageID",
            linkerSettings: [.linkedLibrary("cld2"), .linkedLibrary("fasttext")]
        ),

        // All logic lives here, one folder per stage plus Store (database) and Support (shared helpers).
        .target(
            name: "StudyKit",
            dependencies: [
                "CSQLite", "CLibCSV", "CZlib", "CLanguageID",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // Thin executables: argument parsing and printing only.
        .executableTarget(
            name: "ingest",
            dependencies: ["StudyKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .executableTarget(
            name: "language-detect",
            dependencies: ["StudyKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(
            name: "StudyKitTests",
            dependencies: ["StudyKit"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
