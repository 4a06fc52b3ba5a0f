import CPNDiagnostics
import CPNExplore

/// `cpn-author review` for a terminal: per changed net its structural diff,
/// each property's fate, and the trace of every new failure.
public struct ReviewTextReport: Sendable {
    public var useColor: Bool

    public init(useColor: Bool = false) { self.useColor = useColor }

    public func render(_ review: ReviewReport) -> String {
        let text = TextReport(showTiming: false, useColor: useColor)
        var out = "review against \(review.baseRef) (\(review.baseCommit)): "
        out += review.reviews.isEmpty ? "no net changed\n" : "\(review.reviews.count) net\(review.reviews.count == 1 ? "" : "s") changed\n"
        for r in review.reviews {
            out += "\n" + (r.basePath.map { "\(VisibleText.escaped($0)) → " } ?? "") + "\(VisibleText.escaped(r.path)) (\(r.fileChange.rawValue), net `\(VisibleText.escaped(r.displayName))`)\n"
            if let diff = r.diff {
                out += "  structure: \(diff.summary)\n"
                if !diff.isEmpty { out += indent(diff.rendered(), by: "    ") + "\n" }
            }
            let width = PropertyChange.Verdict.allCases.map { label($0).count }.max() ?? 0
            for p in r.properties where !(p.kind == "check" && p.verdict == .holds) {
                let l = label(p.verdict)
                out += "  " + paint(l, p.verdict) + String(repeating: " ", count: width - l.count + 2) + p.label
                    + (p.verdict == .unknown && r.head?.isInvalid == true ? " (not verified: the net has errors)" : "") + "\n"
            }
            for t in r.newlyDeadTransitions {
                out += "  " + paint("warning", nil) + ": transition `\(t)` can no longer fire (dead transition)\n"
            }
            if let head = r.head, head.isInvalid {
                let renderer = DiagnosticRenderer(useColor: useColor)
                out += "\n" + indent(renderer.render(head.diagnostics) { $0 == head.path ? head.source : nil }, by: "  ") + "\n"
            }
            for p in r.properties where p.verdict == .newFailure || (review.strict && p.verdict == .stillFailing) {
                guard let property = p.headProperty, let trace = property.trace else { continue }
                let region = NetLocations(r.head?.net).primaryRegion(of: property, in: r.path)
                out += "\n  \(p.verdict == .newFailure ? paint("new failure", .newFailure) : paint("still failing", .stillFailing)): "
                    + "\(p.label) (\(region.file):\(region.line):\(region.column))\n"
                out += text.renderTrace(trace, indent: "    ")
            }
        }
        out += "\nverdict: " + verdict(review) + "\n"
        return out
    }

    private func verdict(_ review: ReviewReport) -> String {
        let failing = review.reviews.flatMap { r in r.newFailures.map { "\($0.label) in \(VisibleText.escaped(r.path))" } }
        if !failing.isEmpty {
            return paint("NEW FAILURE", .newFailure) + ": " + failing.joined(separator: ", ")
        }
        if review.strict {
            let still = review.reviews.flatMap { r in r.stillFailing.map { "\($0.label) in \(VisibleText.escaped(r.path))" } }
            if !still.isEmpty { return paint("FAILING", .newFailure) + " (--strict): " + still.joined(separator: ", ") }
        }
        return paint("OK", .holds) + ": " + review.summaryLine
    }

    func label(_ v: PropertyChange.Verdict) -> String {
        v == .newFailure ? "NEW FAILURE" : v.rawValue
    }

    private func paint(_ s: String, _ v: PropertyChange.Verdict?) -> String {
        guard useColor else { return s }
        let code = switch v {
        case .newFailure?, .stillFailing?: "\u{1B}[1;31m"
        case .fixed?, .holds?, .added?: "\u{1B}[1;32m"
        default: "\u{1B}[1;33m"
        }
        return code + s + "\u{1B}[0m"
    }

    private func indent(_ s: String, by prefix: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : prefix + $0 }.joined(separator: "\n")
    }
}
