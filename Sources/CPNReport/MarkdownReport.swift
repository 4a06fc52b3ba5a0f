import CPNExplore

/// A compact pull-request comment (GitHub-flavoured Markdown): a verdict line,
/// a table with one row per net, then per failure what broke and where, the
/// shortest counterexample as a table, and the net as a Mermaid diagram with the
/// counterexample's transitions marked.
///
/// ```
/// $ cpn-author verify nets/ --format markdown --output comment.md
/// ```
public struct MarkdownReport: Sendable {
    public var options: ReportOptions

    public init(options: ReportOptions = ReportOptions()) { self.options = options }

    public func render(_ reports: [NetReport]) -> String {
        var out = "### cpn-author \(options.command): \(headline(reports))\n\n"
        if reports.isEmpty { return out }
        out += "| | net | file | states | result |" + (options.includeTiming ? " time |" : "") + "\n"
        out += "|---|---|---|---:|---|" + (options.includeTiming ? "---:|" : "") + "\n"
        for r in reports {
            out += "| \(Self.icon(r.outcome)) | \(MarkdownBlocks.code(r.displayName)) | \(MarkdownBlocks.code(r.path)) | "
                + (r.result.map { group($0.states) + ($0.complete ? "" : " (incomplete)") } ?? "—") + " | \(resultCell(r)) |"
                + (options.includeTiming ? " " + (r.result.map { "\($0.elapsedMs) ms" } ?? "") + " |" : "") + "\n"
        }
        for r in reports { out += details(r) }
        return out
    }

    private func headline(_ reports: [NetReport]) -> String {
        let counts = Dictionary(grouping: reports, by: \.outcome).mapValues(\.count)
        let n = reports.count
        let nets = "\(n) net\(n == 1 ? "" : "s")"
        if n == 0 { return "no nets" }
        if let bad = counts[.invalid], bad > 0 { return "🚫 \(bad) of \(nets) invalid" + (counts[.violated].map { ", \($0) violated" } ?? "") }
        if let bad = counts[.violated], bad > 0 { return "❌ \(bad) of \(nets) violated" }
        if let bounded = counts[.bounded], bounded > 0, !options.acceptBounded { return "⚠️ \(bounded) of \(nets) not fully explored" }
        return n == 1 ? "✅ the net passes" : "✅ all \(nets) pass"
    }

    static func icon(_ outcome: NetReport.Outcome) -> String {
        switch outcome {
        case .passed, .checked: "✅"
        case .violated: "❌"
        case .bounded: "⚠️"
        case .invalid: "🚫"
        }
    }

    private func resultCell(_ r: NetReport) -> String {
        switch r.outcome {
        case .invalid:
            let codes = Array(Set(r.diagnostics.filter(\.isError).map(\.code.rawValue))).sorted()
            return "\(r.errorCount) error\(r.errorCount == 1 ? "" : "s"): " + codes.joined(separator: ", ")
        case .checked:
            return "valid" + (r.warningCount > 0 ? ", \(r.warningCount) warning\(r.warningCount == 1 ? "" : "s")" : "")
        case .passed:
            return "every property holds"
        case .violated:
            return r.violations.map(Self.propertyName).joined(separator: ", ")
        case .bounded:
            return "no violation; " + MarkdownBlocks.cell(r.result?.stopReason ?? "stopped early")
        }
    }

    /// "invariant `mutex`", "`deadlock`".
    static func propertyName(_ p: PropertyResult) -> String {
        (p.kind == .invariant ? "invariant " : "") + MarkdownBlocks.code(p.name)
    }

    /// The section of one net: nothing for a clean pass.
    private func details(_ r: NetReport) -> String {
        var out = ""
        if r.isInvalid || r.warningCount > 0 {
            out += "\n#### \(r.isInvalid ? Self.icon(r.outcome) : "⚠️") \(MarkdownBlocks.code(r.displayName)): "
                + (r.isInvalid ? "not a valid net" : "warnings") + "\n\n"
            out += MarkdownBlocks.diagnostics(r.diagnostics)
        }
        guard let result = r.result else { return out }
        let locations = NetLocations(r.net)
        for p in result.properties where p.status == .violated {
            let region = locations.primaryRegion(of: p, in: r.path)
            out += "\n#### ❌ \(MarkdownBlocks.code(result.net)): \(Self.propertyName(p)) at \(MarkdownBlocks.location(region))\n\n"
            out += MarkdownBlocks.cell(Finding.headline(p, net: result.net)) + "\n"
            for line in Finding.details(p, locations) { out += "\n> " + MarkdownBlocks.line(line) + "\n" }
            if let trace = p.trace { out += "\n" + MarkdownBlocks.traceTable(trace, timed: result.timed) }
        }
        if !result.complete {
            out += "\n#### ⚠️ \(MarkdownBlocks.code(result.net)): exploration incomplete\n\n"
                + "Stopped after \(group(result.states)) states (\(MarkdownBlocks.cell(result.stopReason ?? "stopped"))); no violation found in them.\n"
        }
        if !result.deadTransitions.isEmpty {
            out += "\n⚠️ " + (result.deadTransitions.count == 1 ? "Transition " : "Transitions ")
                + result.deadTransitions.map { t in
                    MarkdownBlocks.code(t) + (locations.transition(t).map { " (line \($0.line))" } ?? "")
                }.joined(separator: ", ")
                + " of \(MarkdownBlocks.code(result.net)) never \(result.deadTransitions.count == 1 ? "fires" : "fire") (dead).\n"
        }
        if let net = r.net, let first = r.violations.first(where: { $0.trace != nil }) {
            out += "\n" + MarkdownBlocks.diagram(
                net, trace: first.trace,
                summary: "Net \(MarkdownBlocks.htmlCode(result.net)) — transitions of the \(MarkdownBlocks.htmlText(TraceNarration.label(first))) counterexample in red")
        }
        return out
    }
}
