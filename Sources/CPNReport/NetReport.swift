import CPNDiagnostics
import CPNExplore
import CPNLoad
import CPNModel
import CPNStructure

/// Everything the reports say about one net file: how it loaded (its source,
/// its model, its diagnostics) and, when it was valid, what exploration found.
///
/// The machine formats (SARIF, JUnit, Markdown, GitHub annotations) render a list
/// of these; they compute nothing new, they only look up where things are written
/// (spans in `net`) and put the result into their format.
///
/// ```swift
/// let loaded = NetLoader.load(path: "net.yaml")
/// let result = loaded.checked.map { Explorer(net: $0).run(file: "net.yaml") }
/// print(SARIFReport().render([NetReport(loaded: loaded, result: result)]))
/// ```
public struct NetReport: Sendable {
    /// The path as given on the command line (or relative to the repository for `review`).
    public var path: String
    public var source: SourceFile?
    /// The net as written; nil when the file is not YAML or not a mapping.
    public var net: Net?
    public var diagnostics: [Diagnostic]
    /// Nil when the net has errors and was not explored.
    public var result: ExplorationResult?
    /// Structural analysis (`verify --structure`); nil when not asked for.
    public var structure: StructuralReport?

    public init(path: String, source: SourceFile?, net: Net?, diagnostics: [Diagnostic], result: ExplorationResult?,
                structure: StructuralReport? = nil) {
        self.path = path
        self.source = source
        self.net = net
        self.diagnostics = diagnostics
        self.result = result
        self.structure = structure
    }

    public init(loaded: LoadResult, result: ExplorationResult?, structure: StructuralReport? = nil) {
        self.init(path: loaded.path, source: loaded.source, net: loaded.net, diagnostics: loaded.diagnostics, result: result,
                  structure: structure)
    }

    public var errorCount: Int { diagnostics.count { $0.isError } }
    public var warningCount: Int { diagnostics.count { !$0.isError } }
    public var isInvalid: Bool { diagnostics.contains { $0.isError } }

    /// The net's name for headings: its `name`, else the file name without extension.
    public var displayName: String {
        if let r = result { return r.net }
        if let n = net { return n.name }
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.split(separator: ".").first.map(String.init) ?? file
    }

    /// What happened to this file, in the words of the summary line.
    public var outcome: Outcome {
        if isInvalid { return .invalid }
        switch result?.verdict {
        case .pass: return .passed
        case .violated: return .violated
        case .bounded: return .bounded
        case nil: return .checked
        }
    }

    public enum Outcome: String, Sendable, CaseIterable {
        case passed, violated, bounded, invalid
        /// Valid, and not explored (a `check` run).
        case checked
    }

    /// The exit status of this file alone: 2 invalid, 1 violated, 3 bounded
    /// (0 when bounded passes are accepted), 0 otherwise.
    public func exitCode(acceptBounded: Bool) -> Int32 {
        switch outcome {
        case .invalid: ExitStatus.invalidInput
        case .violated: ExitStatus.violated
        case .bounded: acceptBounded ? ExitStatus.success : ExitStatus.bounded
        case .passed, .checked: ExitStatus.success
        }
    }

    /// The properties that are violated, in report order.
    public var violations: [PropertyResult] {
        result?.properties.filter { $0.status == .violated } ?? []
    }
}

extension [NetReport] {
    /// The worst exit status over all files, in the order 2, 1, 3, 0
    /// (specs/semantics.md §8).
    public func worstExitCode(acceptBounded: Bool) -> Int32 {
        let codes = map { $0.exitCode(acceptBounded: acceptBounded) }
        for code in [ExitStatus.invalidInput, ExitStatus.violated, ExitStatus.bounded] where codes.contains(code) { return code }
        return ExitStatus.success
    }

    /// "7 nets: 6 passed, 1 violated" (outcomes that occur, in a fixed order).
    public func summaryLine() -> String {
        let parts = NetReport.Outcome.allCases.compactMap { outcome -> String? in
            let n = count { $0.outcome == outcome }
            return n == 0 ? nil : "\(n) \(outcome == .checked ? "valid" : outcome.rawValue)"
        }
        return "\(count) net\(count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }
}
