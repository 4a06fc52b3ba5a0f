import CPNReport
import Foundation

/// A pull-request comment: the verdict and fitness, a table of the first
/// deviations (cells escaped with `MarkdownBlocks`), invariants broken.
public struct ConformanceMarkdownReport {
    public var maximumRows: Int

    public init(maximumRows: Int = 20) { self.maximumRows = maximumRows }

    public func render(_ r: ConformanceResult) -> String {
        typealias M = MarkdownBlocks
        let f = { (d: Double) in String(format: "%.4f", d) }
        var out = "### \(r.passed ? "✅" : "❌") Conformance of \(M.code(r.net)) to \(M.code(r.log))\n\n"
        out += "Fitness **\(f(r.fitness))** (required \(f(r.minimumFitness))) over \(r.events) events in \(r.cases.count) cases; "
        out += "\(r.fittingCases) cases fit. Tokens: missing \(r.tokens.missing), consumed \(r.tokens.consumed), "
        out += "remaining \(r.tokens.remaining), produced \(r.tokens.produced).\n"
        let deviating = r.cases.filter { $0.firstDeviation != nil }
        if !deviating.isEmpty {
            out += "\n| case | fitness | event | kind | what | marking before |\n|---|---|---|---|---|---|\n"
            for c in deviating.prefix(maximumRows) {
                let d = c.firstDeviation!
                out += "| \(M.code(c.id)) | \(f(c.tokens.fitness)) | \(d.line > 0 ? "line \(d.line)" : "end") \(d.event.map(M.code) ?? "") | "
                out += "\(d.kind.rawValue) | \(M.cell(d.message)) | \(M.code(d.marking)) |\n"
            }
            if deviating.count > maximumRows { out += "\n… and \(deviating.count - maximumRows) more deviating cases.\n" }
        }
        if !r.invariants.isEmpty {
            out += "\n**Invariants broken on the replayed run:**\n\n"
            for v in r.invariants {
                out += "- \(M.code(v.name)): in \(v.cases) case(s), first in \(M.code(v.caseID)) after line \(v.line); marking \(M.code(v.marking))\n"
            }
        }
        return out
    }
}
