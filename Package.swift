// swift-tools-version:6.1
import PackageDescription

// Layers flow left to right; each target depends only on the ones before it:
// diagnostics → model → expressions → load/check → (explore → report → llm → runtime) → workflow → CLI.
let package = Package(
    name: "cpn-author",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cpn-author", targets: ["cpn-author"]),
        .library(name: "CPNDiagnostics", targets: ["CPNDiagnostics"]),
        .library(name: "CPNJSON", targets: ["CPNJSON"]),
        .library(name: "CPNModel", targets: ["CPNModel"]),
        .library(name: "CPNExpressions", targets: ["CPNExpressions"]),
        .library(name: "CPNLoad", targets: ["CPNLoad"]),
        .library(name: "CPNExplore", targets: ["CPNExplore"]),
        .library(name: "CPNReport", targets: ["CPNReport"]),
        .library(name: "CPNInterop", targets: ["CPNInterop"]),
        .library(name: "CPNStructure", targets: ["CPNStructure"]),
        .library(name: "CPNLLM", targets: ["CPNLLM"]),
        .library(name: "CPNRuntime", targets: ["CPNRuntime"]),
        .library(name: "CPNRuntimeSQLite", targets: ["CPNRuntimeSQLite"]),
        .library(name: "CPNRuntimePostgres", targets: ["CPNRuntimePostgres"]),
        .library(name: "CPNConformance", targets: ["CPNConformance"]),
        .library(name: "CPNWorkflow", targets: ["CPNWorkflow"]),
        .library(name: "CPNMCP", targets: ["CPNMCP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(name: "CPNDiagnostics"),
        // The one JSON value: ordered objects, a deterministic escaping printer, a strict parser.
        .target(name: "CPNJSON", dependencies: ["CPNDiagnostics"]),
        .target(name: "CPNModel", dependencies: ["CPNDiagnostics"]),
        .target(name: "CPNExpressions", dependencies: ["CPNModel", "CPNDiagnostics"]),
        .target(
            name: "CPNLoad",
            dependencies: ["CPNModel", "CPNExpressions", "CPNDiagnostics", .product(name: "Yams", package: "Yams")]
        ),
        // One C intrinsic Swift lacks: cache prefetch for the explorer's hash table.
        .target(name: "CPNPrefetch"),
        .target(name: "CPNExplore", dependencies: ["CPNLoad", "CPNExpressions", "CPNModel", "CPNDiagnostics", "CPNPrefetch"]),
        .target(name: "CPNReport", dependencies: ["CPNExplore", "CPNLoad", "CPNModel", "CPNDiagnostics", "CPNStructure", "CPNJSON"]),
        // PNML import/export and Promela export (cross-checking state counts with SPIN).
        .target(name: "CPNInterop", dependencies: ["CPNLoad", "CPNModel", "CPNExpressions", "CPNDiagnostics"]),
        // Structural analysis on the unfolding: P-/T-invariants (Farkas), declared invariants proved by them.
        .target(name: "CPNStructure", dependencies: ["CPNLoad", "CPNModel", "CPNExpressions", "CPNInterop", "CPNDiagnostics"]),
        // libcurl, through pkg-config, for the LLM client.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // HTTP over libcurl, LLM providers (OpenAI-compatible, Anthropic), streaming, transcripts.
        .target(name: "CPNLLM", dependencies: ["CCurl", "CPNDiagnostics", "CPNJSON"]),
        // The drafting loop: prompts, YAML extraction, the check/verify gate, repair rounds.
        .target(name: "CPNDraft", dependencies: ["CPNLoad", "CPNExplore", "CPNReport", "CPNDiagnostics", "CPNJSON"]),
        // The runtime: runs a checked net for real, one atomic firing per store transaction.
        // Each store is its own target, so an embedding app links only the database it uses.
        .target(name: "CPNRuntime", dependencies: ["CPNLoad", "CPNExplore", "CPNExpressions", "CPNModel", "CPNDiagnostics", "CPNJSON"]),
        .target(name: "CPNRuntimeSQLite", dependencies: ["CPNRuntime", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "CPNRuntimePostgres", dependencies: ["CPNRuntime", .product(name: "PostgresNIO", package: "postgres-nio")]),
        // Conformance: event logs (JSONL, CSV, XES, OCEL 2.0) replayed against a net, token-based
        // (PM4Py's fitness), with the explorer's firing rule; reports in every format.
        .target(name: "CPNConformance", dependencies: ["CPNExplore", "CPNLoad", "CPNExpressions", "CPNModel", "CPNDiagnostics", "CPNJSON", "CPNReport"]),
        // A scripted OpenAI/Anthropic-compatible HTTP server on 127.0.0.1, for tests only.
        .target(name: "CPNFakeLLM"),
        // What every front end does with nets, without a terminal: read sources (files,
        // directories, globs, bytes; YAML or PNML), verify them, render report sets,
        // build the pull-request review, run a drafting session. The CLI (and the MCP server) parse, call, print.
        .target(name: "CPNWorkflow", dependencies: ["CPNLoad", "CPNExplore", "CPNReport", "CPNStructure", "CPNInterop", "CPNModel", "CPNDiagnostics",
                                                    "CPNDraft", "CPNLLM", "CPNJSON", "CPNRuntime", "CPNRuntimeSQLite", "CPNRuntimePostgres",
                                                    // The HTTP endpoint of `run --metrics` (swift-nio is already there, under postgres-nio).
                                                    .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                                                    .product(name: "NIOHTTP1", package: "swift-nio"), "CPNConformance"]),
        // The Model Context Protocol server (`cpn-author mcp`): tools, resources and prompts
        // over the workflow library, for coding agents; the official Swift SDK speaks the protocol.
        .target(name: "CPNMCP", dependencies: ["CPNWorkflow", "CPNLoad", "CPNExplore", "CPNReport", "CPNModel", "CPNDiagnostics",
                                               "CPNDraft", "CPNJSON", "CPNConformance", .product(name: "MCP", package: "swift-sdk"),
                                               .product(name: "Logging", package: "swift-log")]),
        .executableTarget(
            name: "cpn-author",
            dependencies: [
                "CPNLoad", "CPNModel", "CPNDiagnostics", "CPNExplore", "CPNReport",
                "CPNInterop", "CPNLLM", "CPNDraft", "CPNWorkflow", "CPNJSON",
                "CPNRuntime", "CPNRuntimeSQLite", "CPNRuntimePostgres", "CPNMCP", "CPNConformance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CPNJSONTests", dependencies: ["CPNJSON"]),
        .testTarget(name: "CPNExpressionsTests", dependencies: ["CPNExpressions", "CPNModel", "CPNDiagnostics"]),
        .testTarget(name: "CPNLoadTests", dependencies: ["CPNLoad", "CPNModel", "CPNDiagnostics"]),
        .testTarget(name: "CPNExploreTests", dependencies: ["CPNExplore", "CPNLoad", "CPNModel"]),
        .testTarget(name: "CPNDraftTests", dependencies: ["CPNDraft", "CPNJSON", "CPNLoad"]),
        .testTarget(name: "CPNReportTests", dependencies: ["CPNReport", "CPNExplore", "CPNLoad", "CPNModel"]),
        .testTarget(name: "CPNInteropTests", dependencies: ["CPNInterop", "CPNLoad", "CPNExplore", "CPNDiagnostics"]),
        .testTarget(name: "CPNWorkflowTests", dependencies: ["CPNWorkflow", "CPNReport", "CPNExplore", "CPNLoad", "CPNDiagnostics", "CPNDraft", "CPNLLM", "CPNRuntime"]),
        .testTarget(name: "CPNMCPTests", dependencies: ["CPNMCP", "CPNJSON", .product(name: "MCP", package: "swift-sdk")]),
        .testTarget(name: "CPNStructureTests", dependencies: ["CPNStructure", "CPNLoad", "CPNExplore"]),
        .testTarget(name: "CPNConformanceTests", dependencies: ["CPNConformance", "CPNLoad", "CPNExplore", "CPNModel", "CPNJSON"]),
        .testTarget(name: "CPNLLMTests", dependencies: ["CPNLLM", "CPNFakeLLM", "CPNJSON"]),
        .testTarget(name: "CLITests", dependencies: ["cpn-author", "CPNFakeLLM", "CPNExplore", "CPNLoad", "CPNReport", "CPNWorkflow"]),
        // GRDB: the damaged-store tests and the store fuzzer edit SQLite files by hand.
        .testTarget(name: "CPNRuntimeTests", dependencies: ["CPNRuntime", "CPNRuntimeSQLite", "CPNRuntimePostgres", "CPNExplore", "CPNExpressions", "CPNModel", "CPNJSON", "cpn-author",
                                                            .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
