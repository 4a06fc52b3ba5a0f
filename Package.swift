// swift-tools-version:6.1
import PackageDescription

// Layers flow left to right; each target depends only on the ones before it:
// diagnostics → model → expressions → load/check → (explore → report → llm → runtime) → CLI.
let package = Package(
    name: "cpn-author",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cpn-author", targets: ["cpn-author"]),
        .library(name: "CPNDiagnostics", targets: ["CPNDiagnostics"]),
        .library(name: "CPNModel", targets: ["CPNModel"]),
        .library(name: "CPNExpressions", targets: ["CPNExpressions"]),
        .library(name: "CPNLoad", targets: ["CPNLoad"]),
        .library(name: "CPNExplore", targets: ["CPNExplore"]),
        .library(name: "CPNReport", targets: ["CPNReport"]),
        .library(name: "CPNInterop", targets: ["CPNInterop"]),
        .library(name: "CPNLLM", targets: ["CPNLLM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "CPNDiagnostics"),
        .target(name: "CPNModel", dependencies: ["CPNDiagnostics"]),
        .target(name: "CPNExpressions", dependencies: ["CPNModel", "CPNDiagnostics"]),
        .target(
            name: "CPNLoad",
            dependencies: ["CPNModel", "CPNExpressions", "CPNDiagnostics", .product(name: "Yams", package: "Yams")]
        ),
        // One C intrinsic Swift lacks: cache prefetch for the explorer's hash table.
        .target(name: "CPNPrefetch"),
        .target(name: "CPNExplore", dependencies: ["CPNLoad", "CPNExpressions", "CPNModel", "CPNDiagnostics", "CPNPrefetch"]),
        .target(name: "CPNReport", dependencies: ["CPNExplore", "CPNLoad", "CPNDiagnostics"]),
        // PNML import/export and Promela export (cross-checking state counts with SPIN).
        .target(name: "CPNInterop", dependencies: ["CPNLoad", "CPNModel", "CPNDiagnostics"]),
        // libcurl, through pkg-config, for the LLM client.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // HTTP over libcurl, LLM providers (OpenAI-compatible, Anthropic), streaming, transcripts.
        .target(name: "CPNLLM", dependencies: ["CCurl"]),
        // The drafting loop: prompts, YAML extraction, the check/verify gate, repair rounds.
        .target(name: "CPNDraft", dependencies: ["CPNLoad", "CPNExplore", "CPNReport", "CPNDiagnostics"]),
        // A scripted OpenAI/Anthropic-compatible HTTP server on 127.0.0.1, for tests only.
        .target(name: "CPNFakeLLM"),
        .executableTarget(
            name: "cpn-author",
            dependencies: [
                "CPNLoad", "CPNExpressions", "CPNModel", "CPNDiagnostics", "CPNExplore", "CPNReport",
                "CPNInterop", "CPNLLM", "CPNDraft",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CPNExpressionsTests", dependencies: ["CPNExpressions", "CPNModel", "CPNDiagnostics"]),
        .testTarget(name: "CPNLoadTests", dependencies: ["CPNLoad", "CPNModel", "CPNDiagnostics"]),
        .testTarget(name: "CPNExploreTests", dependencies: ["CPNExplore", "CPNLoad", "CPNModel"]),
        .testTarget(name: "CPNDraftTests", dependencies: ["CPNDraft", "CPNLoad"]),
        .testTarget(name: "CPNReportTests", dependencies: ["CPNReport", "CPNExplore", "CPNLoad"]),
        .testTarget(name: "CPNInteropTests", dependencies: ["CPNInterop", "CPNLoad", "CPNExplore"]),
        .testTarget(name: "CPNLLMTests", dependencies: ["CPNLLM", "CPNFakeLLM"]),
        .testTarget(name: "CLITests", dependencies: ["cpn-author", "CPNFakeLLM"]),
    ]
)
