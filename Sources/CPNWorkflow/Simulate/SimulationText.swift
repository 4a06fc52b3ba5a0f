import CPNDiagnostics
import CPNExplore
import CPNReport
import Foundation

/// The text report of `simulate`: runs and how they ended, firings per
/// transition, the most tokens seen per place, violations.
public enum SimulationText {
    public static func render(_ r: SimulationResult) -> String {
        var out = "simulate \(VisibleText.escaped(r.file)) (net `\(VisibleText.escaped(r.net))`), seed \(r.seed)\n"
        var ends = "\(r.finished) finished, \(r.deadlocked) deadlocked, \(r.unfinished) hit the step limit of \(r.maxSteps)"
        if r.failed > 0 { ends += ", \(r.failed) stopped by an evaluation error" }
        out += "  runs     \(r.runs) (\(ends))\n"
        out += "  steps    \(group(r.totalSteps))\n"
        if let t = r.throughput {
            out += "  time     \(group(r.totalTime)) units of model time, \(String(format: "%.3f", t)) firings per unit\n"
        }
        out += "\n  transition fired:\n"
        let width = r.firings.map(\.transition.count).max() ?? 0
        for f in r.firings {
            out += "    \(f.transition)\(String(repeating: " ", count: width - f.transition.count + 2))\(group(f.count))\(f.count == 0 ? "  (never fired)" : "")\n"
        }
        out += "\n  most tokens per place:\n"
        let pw = r.maxTokens.map(\.place.count).max() ?? 0
        for p in r.maxTokens {
            out += "    \(p.place)\(String(repeating: " ", count: pw - p.place.count + 2))\(p.max)" + (p.capacity.map { " (capacity \($0))" } ?? "") + "\n"
        }
        if r.violations.isEmpty {
            out += "\n  no invariant violated, no deadlock, no evaluation error\n"
        } else {
            out += "\n"
            for v in r.violations { out += "  violated: \(v.property) in run \(v.run) at step \(v.step): \(v.message)\n" }
        }
        return out
    }
}
