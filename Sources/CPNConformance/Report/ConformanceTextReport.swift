import CPNDiagnostics
import Foundation

/// The report for a person, in the TLC/SPIN manner: what was replayed, the
/// fitness and its counts, then the deviations, the invariants, the transitions.
///
/// ```
/// conformance of polite-scraper (../net.yaml) to scraper.jsonl (jsonl, map map.yml): 8 events in 1 case (2 ignored)
///   fitness 0.9881 (missing 1, consumed 42, remaining 0, produced 41), 0 of 1 cases fit, average case fitness 0.9881
/// ...
/// DEVIATES: fitness 0.9881 < 1.0000 required, 2 invariants broken
/// ```
public struct ConformanceTextReport {
    public var showTiming: Bool
    public var maximumCases: Int

    public init(showTiming: Bool = true, maximumCases: Int = 20) {
        self.showTiming = showTiming
        self.maximumCases = maximumCases
    }

    static func number(_ d: Double) -> String { String(format: "%.4f", d) }

    public func render(_ r: ConformanceResult) -> String {
        var out = "conformance of \(r.net) (\(r.netFile)) to \(r.log) (\(r.format.rawValue)"
        out += r.mapFile.map { ", map \($0)" } ?? ""
        out += "): \(r.events) event\(r.events == 1 ? "" : "s") in \(r.cases.count) case\(r.cases.count == 1 ? "" : "s")"
        var extra: [String] = []
        if r.ignoredEvents > 0 { extra.append("\(r.ignoredEvents) ignored") }
        if r.externalEvents > 0 { extra.append("\(r.externalEvents) external token moves") }
        if r.skippedLineCount > 0 { extra.append("\(r.skippedLineCount) bad lines skipped") }
        out += extra.isEmpty ? "\n" : " (" + extra.joined(separator: ", ") + ")\n"
        let t = r.tokens
        out += "  fitness \(Self.number(r.fitness)) (missing \(t.missing), consumed \(t.consumed), remaining \(t.remaining), produced \(t.produced))"
        out += ", \(r.fittingCases) of \(r.cases.count) cases fit, average case fitness \(Self.number(r.averageCaseFitness))\n"
        switch r.final {
        case .marking: out += "  final marking: the mapping's `final:`\n"
        case .predicate: out += "  final marking: a marking where the net's `final` holds\n"
        case .none: out += "  final marking: none given, so each case's end marking is taken as final (remaining tokens are not counted)\n"
        }
        if showTiming {
            out += "  replayed in \(String(format: "%.2f", r.elapsedSeconds)) s (\(Int(r.eventsPerSecond.rounded())) events/s)\n"
        }
        if r.deviationTotal > 0 {
            out += "\ndeviations: " + r.deviationCounts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ") + "\n"
            let deviating = r.cases.filter { $0.firstDeviation != nil }
            for c in deviating.prefix(maximumCases) {
                let d = c.firstDeviation!
                out += "  case \(VisibleText.escaped(c.id)): fitness \(Self.number(c.tokens.fitness)), first deviation at event \(d.index)"
                out += d.line > 0 ? " (line \(d.line))" : " (the case's end)"
                out += d.event.map { ", `\(VisibleText.escaped($0))`" } ?? ""
                out += "\n    \(d.kind.rawValue): \(VisibleText.escaped(d.message))\n"
                if !d.binding.isEmpty { out += "    binding: \(VisibleText.escaped(d.binding))\n" }
                out += "    marking before: \(VisibleText.escaped(d.marking))\n"
            }
            if deviating.count > maximumCases { out += "  … and \(deviating.count - maximumCases) more deviating cases (see --format json)\n" }
        }
        if !r.invariantsChecked.isEmpty {
            if r.invariants.isEmpty {
                out += "\ninvariants: \(r.invariantsChecked.count) held on every replayed marking\n"
            } else {
                out += "\ninvariants broken on the replayed run:\n"
                for v in r.invariants {
                    out += "  \(v.name): in \(v.cases) case\(v.cases == 1 ? "" : "s"), first in case \(VisibleText.escaped(v.caseID)) after line \(v.line)"
                    out += v.event.map { " (`\(VisibleText.escaped($0))`)" } ?? ""
                    out += "\n    marking: \(VisibleText.escaped(v.marking))\n"
                }
            }
        }
        let used = r.transitions.filter { $0.fired + $0.forced + $0.silent > 0 }
        if !used.isEmpty {
            out += "\ntransitions (fired / forced / silent):\n"
            let width = used.map(\.name.count).max() ?? 0
            for t in used {
                out += "  " + t.name + String(repeating: " ", count: width - t.name.count) + "  \(t.fired) / \(t.forced) / \(t.silent)\n"
            }
        }
        for s in r.skippedLines.prefix(10) { out += "skipped: \(VisibleText.escaped(s))\n" }
        out += "\n" + (r.passed ? "CONFORMS" : "DEVIATES") + ": fitness \(Self.number(r.fitness))"
        out += r.fitness + 1e-12 >= r.minimumFitness ? " ≥ " : " < "
        out += "\(Self.number(r.minimumFitness)) required"
        if !r.invariants.isEmpty { out += ", \(r.invariants.count) invariant\(r.invariants.count == 1 ? "" : "s") broken" }
        return out + "\n"
    }
}
