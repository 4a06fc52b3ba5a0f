import CPNDiagnostics
import CPNExplore
import CPNReport

/// Renders the reports of one `verify` run in any of its formats: the same
/// bytes whichever front end asks (the command line, the MCP server).
public struct VerifyReportRenderer: Sendable {
    /// Time, rate and memory figures in text and JSON (off: byte-identical reports).
    public var showTiming: Bool
    /// Elapsed times in SARIF, JUnit and Markdown (off by default there).
    public var timingsInCIFormats: Bool
    /// A bounded exploration with no violation passes (`--accept-bounded`).
    public var acceptBounded: Bool
    /// Include the structural analysis in text and JSON (`--structure`).
    public var structure: Bool
    public var command: String
    public var toolVersion: String

    public init(showTiming: Bool = true, timingsInCIFormats: Bool = false, acceptBounded: Bool = false,
                structure: Bool = false, command: String = "verify", toolVersion: String) {
        self.showTiming = showTiming
        self.timingsInCIFormats = timingsInCIFormats
        self.acceptBounded = acceptBounded
        self.structure = structure
        self.command = command
        self.toolVersion = toolVersion
    }

    /// The whole report set in `format`. Text holds each net's report (or its
    /// diagnostics when it could not be explored) and, for several nets, the
    /// summary line.
    public func render(_ reports: [NetReport], as format: OutputFormat) -> String {
        let options = ReportOptions(includeTiming: timingsInCIFormats, acceptBounded: acceptBounded, command: command,
                                    toolVersion: toolVersion)
        switch format {
        case .text:
            return reports.map { r in r.result == nil ? Self.invalidText(r, color: false) : text(r, useColor: false) + "\n" }.joined()
                + (reports.count > 1 ? reports.summaryLine() + "\n" : "")
        case .json:
            if structure {
                return JSONReport.render(reports.compactMap { r in r.result.map { ($0, r.structure) } }, includeTiming: showTiming) + "\n"
            }
            return JSONReport.render(reports.compactMap(\.result), includeTiming: showTiming) + "\n"
        case .sarif: return SARIFReport(options: options).render(reports)
        case .junit: return JUnitReport(options: options).render(reports)
        case .markdown: return MarkdownReport(options: options).render(reports)
        case .github: return GitHubAnnotations(options: options).render(reports)
        }
    }

    /// One explored net's text report (no trailing newline); "" for a net that
    /// was not explored.
    public func text(_ report: NetReport, useColor: Bool) -> String {
        guard let result = report.result else { return "" }
        return TextReport(showTiming: showTiming, useColor: useColor).render(result, structure: report.structure)
    }

    /// What `verify` says (on standard error) about a net it could not explore:
    /// its diagnostics, then "PATH: N errors; not verified".
    public static func invalidText(_ r: NetReport, color: Bool) -> String {
        let renderer = DiagnosticRenderer(useColor: color)
        return renderer.render(r.diagnostics) { $0 == r.path ? r.source : nil } + "\n"
            + "\(VisibleText.escaped(r.path)): \(r.errorCount) error\(r.errorCount == 1 ? "" : "s"); not verified\n"
    }

    /// The first counterexample of the set (`--trace-out`).
    public static func firstTrace(_ reports: [NetReport]) -> Trace? {
        reports.lazy.compactMap(\.result).flatMap(\.properties).first(where: { $0.trace != nil })?.trace
    }
}
