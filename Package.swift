// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "plumb",
  products: [
    .executable(name: "plumb", targets: ["plumb"]),
    .library(name: "PlumbKit", targets: ["PlumbKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
  ],
  targets: [
    // libyaml, linked from the system (Debian: libyaml-dev).
    .systemLibrary(
      name: "CYAML",
      pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
    ),

    // Source files, positions, diagnostics and their rendering: shared by every layer.
    .target(name: "PlumbDiagnostics"),
    // Reading inputs safely: the one file reader (regular files only, size checked on the
    // descriptor, nothing outside the root through a symbolic link) and the directory walker.
    .target(name: "PlumbFiles", dependencies: ["PlumbDiagnostics"]),
    // The YAML/JSON loader: libyaml events -> node trees with exact byte spans.
    .target(name: "PlumbYAML", dependencies: ["CYAML", "PlumbFiles", "PlumbDiagnostics"]),
    // The document graph: entities, typed edges, indexes, and the value model rules read.
    .target(name: "PlumbGraph", dependencies: ["PlumbYAML", "PlumbDiagnostics"]),
    // `.plumb.yaml`: the configuration, read once and handed to every stage.
    .target(name: "PlumbConfig", dependencies: ["PlumbYAML", "PlumbFiles", "PlumbDiagnostics"]),
    // Ingest adapters: catalog, Terraform plan, GitHub Actions, GitLab CI -> graph; catalog context.
    .target(
      name: "PlumbIngest", dependencies: ["PlumbConfig", "PlumbGraph", "PlumbYAML", "PlumbFiles", "PlumbDiagnostics"]),
    // Reads a live Backstage catalog API (paginated, authenticated, bounded) through AsyncHTTPClient.
    .target(
      name: "PlumbCatalogClient",
      dependencies: [
        "PlumbYAML", "PlumbDiagnostics", .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
      ]
    ),
    // The policy language: lexer, parser, checker, evaluator, findings. Regular expressions run
    // through ICU's C API (the toolchain's `_FoundationICU`, which Foundation links on Linux) so
    // that every match is bounded (`BoundedRegex`).
    .target(
      name: "PlumbPolicy", dependencies: ["PlumbGraph", "PlumbYAML", "PlumbFiles", "PlumbDiagnostics"],
      linkerSettings: [.linkedLibrary("_FoundationICU", .when(platforms: [.linux]))]),
    // The report model every output format renders, and the reporters.
    .target(name: "PlumbReport", dependencies: ["PlumbPolicy", "PlumbGraph", "PlumbDiagnostics"]),
    // Scorecards: levels, roll-ups, history (SQLite through GRDB, or a shared PostgreSQL through
    // PostgresNIO), HTML dashboard.
    .target(
      name: "PlumbScore",
      dependencies: [
        "PlumbReport", "PlumbPolicy", "PlumbGraph", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
      ]
    ),
    // Fixes: byte-span edits, YAML and HCL locators, verification, patch bundles.
    .target(
      name: "PlumbFix", dependencies: ["PlumbPolicy", "PlumbIngest", "PlumbGraph", "PlumbYAML", "PlumbFiles", "PlumbDiagnostics"]),
    // Facade the CLI calls: file discovery, loading, reports.
    .target(
      name: "PlumbKit",
      dependencies: [
        "PlumbScore", "PlumbFix", "PlumbReport", "PlumbPolicy", "PlumbCatalogClient", "PlumbIngest", "PlumbConfig",
        "PlumbGraph", "PlumbYAML", "PlumbFiles", "PlumbDiagnostics",
      ]),
    // The thin command-line front end.
    .executableTarget(
      name: "plumb",
      dependencies: [
        "PlumbKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Regenerates embedded built-in rules and rule docs: `swift run plumb-generate`.
    .executableTarget(name: "plumb-generate", dependencies: ["PlumbKit"]),
    // What the benchmarks share: child processes (spawn, time, peak RSS) and the monotonic clock.
    .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport"),
    // Generators of hostile YAML (hash floods, huge merges, alias expansions), for the tests and
    // benchmarks that show the loader's cost stays bounded.
    .target(name: "HostileInputs", dependencies: ["PlumbYAML"], path: "Benchmarks/HostileInputs"),
    // Benchmarks (not tests): `swift run -c release plumb-bench`.
    .executableTarget(
      name: "plumb-bench",
      dependencies: ["BenchmarkSupport", "HostileInputs", "PlumbYAML", "CYAML"],
      path: "Benchmarks/plumb-bench"
    ),

    // The organisation-scale benchmark (graph build, rule evaluation; `--mode store`: 1,000 repositories
    // recording into one PostgreSQL server, TestSupport's): `swift run -c release plumb-org-bench`.
    .executableTarget(
      name: "plumb-org-bench", dependencies: ["BenchmarkSupport", "PlumbKit", "TestSupport"],
      path: "Benchmarks/plumb-org-bench"),

    // Fuzz targets (libFuzzer entry points; built plainly they replay inputs): `scripts/fuzz.sh yaml|policy|output`.
    .target(name: "FuzzSupport", dependencies: ["PlumbDiagnostics"], path: "Benchmarks/FuzzSupport"),
    .executableTarget(
      name: "fuzz-yaml", dependencies: ["FuzzSupport", "PlumbIngest", "PlumbYAML", "PlumbDiagnostics"],
      path: "Benchmarks/fuzz-yaml"),
    .executableTarget(
      name: "fuzz-policy", dependencies: ["FuzzSupport", "PlumbPolicy", "PlumbIngest", "PlumbGraph", "PlumbDiagnostics"],
      path: "Benchmarks/fuzz-policy"),
    // The output escapers: every format rendered with hostile strings, checked as a CI runner, a
    // parser and a browser would read it. The checks are shared with the tests.
    .target(name: "OutputFuzzing", dependencies: ["PlumbKit", "PlumbScore", "PlumbReport", "PlumbDiagnostics"], path: "Benchmarks/OutputFuzzing"),
    .executableTarget(
      name: "fuzz-output", dependencies: ["FuzzSupport", "OutputFuzzing", "PlumbDiagnostics"], path: "Benchmarks/fuzz-output"),

    .testTarget(name: "PlumbDiagnosticsTests", dependencies: ["PlumbDiagnostics", "TestSupport"]),
    // Seeded generators, the fuzz mutator, a throwaway PostgreSQL server and where the shared data
    // (../shared) is, shared by the test targets.
    .target(
      name: "TestSupport",
      dependencies: [
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      path: "Tests/TestSupport"),
    .testTarget(name: "PlumbYAMLTests", dependencies: ["PlumbYAML", "PlumbDiagnostics", "TestSupport", "HostileInputs"]),
    .testTarget(name: "PlumbGraphTests", dependencies: ["PlumbGraph", "PlumbYAML", "TestSupport"]),
    .testTarget(name: "PlumbConfigTests", dependencies: ["PlumbConfig", "PlumbYAML", "TestSupport"]),
    .testTarget(
      name: "PlumbIngestTests", dependencies: ["PlumbIngest", "PlumbGraph", "PlumbYAML", "PlumbFiles", "TestSupport"]),
    .testTarget(
      name: "PlumbPolicyTests", dependencies: ["PlumbPolicy", "PlumbIngest", "PlumbGraph", "TestSupport", "FuzzSupport"]),
    .testTarget(
      name: "PlumbReportTests", dependencies: ["PlumbReport", "PlumbPolicy", "PlumbGraph", "TestSupport"],
      exclude: ["Snapshots"]),
    .testTarget(name: "PlumbScoreTests", dependencies: ["PlumbScore", "PlumbKit", "TestSupport"]),
    .testTarget(name: "PlumbFixTests", dependencies: ["PlumbFix", "PlumbKit", "TestSupport"]),
    .testTarget(
      name: "PlumbCLITests",
      dependencies: [
        "PlumbKit", "PlumbYAML", "PlumbDiagnostics", "plumb", "TestSupport", "BenchmarkSupport", "HostileInputs",
        "OutputFuzzing",
      ]),
  ]
)
