// swift-tools-version:6.0
// The #keep4o study pipeline: staged command-line tools chained through one SQLite database.
import PackageDescription

let package = Package(
    name: "keep4o-pipeline",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "StudyKit", targets: ["StudyKit"]),
        .executable(name: "ingest", targets: ["ingest"]),
        .executable(name: "code", targets: ["code"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Native libraries from Debian (see README: libsqlite3-dev, libcsv-dev, zlib1g-dev).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CLibCSV", path: "Sources/CLibCSV"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),

        // All logic lives here, one folder per stage plus Store (database) and Support (shared helpers).
        .target(
            name: "StudyKit",
            dependencies: [
                "CSQLite", "CLibCSV", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // Thin executables: argument parsing and printing only.
        .executableTarget(
            name: "ingest",
            dependencies: ["StudyKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .executableTarget(
            name: "code",
            dependencies: ["StudyKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(
            name: "StudyKitTests",
            dependencies: ["StudyKit"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
