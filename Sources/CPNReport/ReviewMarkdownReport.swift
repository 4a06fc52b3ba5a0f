import CPNExplore

/// The pull-request comment of `cpn-author review`: a verdict line, a table of
/// the changed nets, and for each net its structural diff, what newly fails with
/// the shortest counterexample as a table, what was fixed, and the net as a
/// Mermaid diagram with the counterexample's transitions marked.
public struct ReviewMarkdownReport: Sendable {
    public init() {}

    public func render(_ review: ReviewReport) -> String {
        var out = "### cpn-author review: \(headline(review))\n\n"
        out += "Base: \(MarkdownBlocks.code(review.baseRef)) (\(MarkdownBlocks.code(review.baseCommit)))"
            + (review.strict ? " · strict: any failure fails the review" : "") + "\n"
        if review.reviews.isEmpty { return out + "\nNo net file changed.\n" }
        out += "\n| | net | file | change | new failures | fixed | still failing |\n"
        out += "|---|---|---|---|---|---|---|\n"
        for r in review.reviews {
            out += "| \(icon(r, strict: review.strict)) | \(MarkdownBlocks.code(r.displayName)) | \(MarkdownBlocks.code(r.path)) | \(r.fileChange.rawValue) | "
                + names(r.newFailures) + " | " + names(r.fixed) + " | " + names(r.stillFailing) + " |\n"
        }
        for r in review.reviews { out += section(r, strict: review.strict) }
        return out
    }

    private func headline(_ review: ReviewReport) -> String {
        let n = review.reviews.count
        let nets = "\(n) changed net\(n == 1 ? "" : "s")"
        if review.newFailures > 0 { return "❌ \(review.newFailures) new failure\(review.newFailures == 1 ? "" : "s") in \(nets)" }
        if review.strict && review.stillFailing > 0 { return "❌ \(review.stillFailing) failing (strict) in \(nets)" }
        if n == 0 { return "✅ no net changed" }
        var parts = ["✅ no new failure in \(nets)"]
        if review.fixed > 0 { parts.append("\(review.fixed) fixed") }
        if review.stillFailing > 0 { parts.append("\(review.stillFailing) still failing") }
        return parts.joined(separator: ", ")
    }

    private func icon(_ r: NetReview, strict: Bool) -> String {
        if r.hasNewFailure || (strict && r.hasFailure) { return "❌" }
        if r.hasFailure { return "⚠️" }
        return r.fileChange == .deleted ? "🗑️" : "✅"
    }

    private func names(_ changes: [PropertyChange]) -> String {
        changes.map { ($0.kind == "invariant" ? "invariant " : "") + MarkdownBlocks.code($0.name) }.joined(separator: ", ")
    }

    private func section(_ r: NetReview, strict: Bool) -> String {
        var out = "\n#### \(icon(r, strict: strict)) \(MarkdownBlocks.code(r.displayName)) — "
            + (r.basePath.map { "\(MarkdownBlocks.code($0)) → " } ?? "") + "\(MarkdownBlocks.code(r.path)), \(r.fileChange.rawValue)\n"
        if let diff = r.diff {
            out += "\n**Structure:** \(MarkdownBlocks.line(diff.summary))\n"
            if !diff.isEmpty { out += "\n```diff\n" + diff.rendered() + "\n```\n" }
        }
        if let head = r.head, head.isInvalid {
            out += "\n**Not a valid net** (\(head.errorCount) error\(head.errorCount == 1 ? "" : "s")); its properties were not verified:\n\n"
            out += MarkdownBlocks.diagnostics(head.diagnostics.filter(\.isError))
        }
        let locations = NetLocations(r.head?.net)
        for p in r.properties where p.verdict == .newFailure || p.verdict == .stillFailing {
            guard let property = p.headProperty, let head = r.head, let result = head.result else { continue }
            let region = locations.primaryRegion(of: property, in: r.path)
            out += "\n**\(p.verdict == .newFailure ? "New failure" : "Still failing"):** "
                + MarkdownReport.propertyName(property) + " at \(MarkdownBlocks.location(region))\n\n"
            out += MarkdownBlocks.cell(Finding.headline(property, net: result.net)) + "\n"
            for line in Finding.details(property, locations) { out += "\n> " + MarkdownBlocks.line(line) + "\n" }
            // Still-failing traces are known from before; show them only when they gate.
            if let trace = property.trace, p.verdict == .newFailure || strict {
                out += "\n" + MarkdownBlocks.traceTable(trace, timed: result.timed)
            }
        }
        let fixed = r.fixed.filter { $0.kind != "check" }
        if r.fixed.contains(where: { $0.kind == "check" }) { out += "\n✅ **Fixed:** the net is valid again.\n" }
        if !fixed.isEmpty { out += "\n✅ **Fixed:** " + names(fixed) + "\n" }
        let added = r.properties.filter { $0.verdict == .added && $0.kind != "check" }
        if !added.isEmpty, r.fileChange != .added { out += "\n➕ **New, holding:** " + names(added) + "\n" }
        let removed = r.properties.filter { $0.verdict == .removed && $0.kind != "check" }
        if !removed.isEmpty, r.fileChange != .deleted { out += "\n➖ **Removed:** " + names(removed) + "\n" }
        if !r.newlyDeadTransitions.isEmpty {
            out += "\n⚠️ No longer firing (dead): " + r.newlyDeadTransitions.map(MarkdownBlocks.code).joined(separator: ", ") + "\n"
        }
        if let net = r.head?.net, let shown = r.newFailures.first(where: { $0.headProperty?.trace != nil })?.headProperty {
            out += "\n" + MarkdownBlocks.diagram(
                net, trace: shown.trace,
                summary: "Net \(MarkdownBlocks.htmlCode(r.displayName)) — transitions of the \(MarkdownBlocks.htmlText(TraceNarration.label(shown))) counterexample in red")
        }
        return out
    }
}
