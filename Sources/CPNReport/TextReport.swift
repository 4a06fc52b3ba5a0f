import CPNExplore
import CPNDiagnostics
import Foundation

/// Renders an exploration result for a person, in the manner of TLC and
/// SPIN: what was explored, whether it was complete, each property, then
/// the shortest counterexample of each violated one.
public struct TextReport {
    public var showTiming: Bool
    public var useColor: Bool

    public init(showTiming: Bool = true, useColor: Bool = false) {
        self.showTiming = showTiming
        self.useColor = useColor
    }

    public func render(_ r: ExplorationResult) -> String {
        // The path and the name come from outside (a pull request): one line each, controls escaped.
        var out = "verify \(VisibleText.escaped(r.file)) (net `\(VisibleText.escaped(r.net))`\(r.timed ? ", timed" : ""))\n"
        out += "  states   \(group(r.states)) \(r.complete ? "(complete)" : "(incomplete: \(r.stopReason ?? "stopped"))")\n"
        out += "  edges    \(group(r.edges))\n"
        out += "  depth    \(r.depth)\n"
        out += "  engine   \(r.engine)\n"
        if showTiming {
            out += "  time     \(String(format: "%.3f", Double(r.elapsedMs) / 1000)) s (\(group(Int(r.statesPerSecond))) states/s)\n"
            out += "  memory   \(bytes(r.memoryBytes)) (\(String(format: "%.1f", r.bytesPerState)) bytes/state)\n"
        }
        out += "\n"
        let width = max(24, (r.properties.map { label($0).count }.max() ?? 0) + 4)
        for p in r.properties {
            let l = label(p)
            out += "  \(l) \(String(repeating: ".", count: max(2, width - l.count))) \(status(p))\n"
        }
        for t in r.deadTransitions {
            out += "  " + paint("warning", .yellow) + ": transition `\(t)` can never fire (dead transition)\n"
        }
        let bounded = r.placeBounds.filter { $0.max > 0 }
        if !bounded.isEmpty {
            out += "  place bounds: " + bounded.map { "\($0.place) ≤ \($0.max)" + ($0.capacity.map { " (capacity \($0))" } ?? "") }
                .joined(separator: ", ") + "\n"
        }
        for p in r.properties where p.status == .violated {
            out += "\n" + paint("violated", .red) + ": \(label(p))"
            if let loc = p.location { out += " (\(VisibleText.escaped(loc.file)):\(loc.line):\(loc.column))" }
            out += "\n"
            if let m = p.message { out += "  \(m)\n" }
            if let trace = p.trace { out += renderTrace(trace, indent: "  ") }
        }
        out += "\nverdict: " + verdictText(r) + "\n"
        return out
    }

    public func renderTrace(_ trace: Trace, indent: String) -> String {
        var out = ""
        let n = trace.steps.count
        // The header counts exactly the numbered steps below, ticks included;
        // a failing binding is shown after them as the step that cannot be taken.
        if let loop = trace.loop, loop.kind == .cycle {
            out += "\(indent)lasso: \(n) step\(n == 1 ? "" : "s") from the initial marking, the last \(n - loop.start) a cycle\n"
        } else {
            out += "\(indent)shortest trace: \(n) step\(n == 1 ? "" : "s") from the initial marking"
                + (trace.failure != nil ? ", then the binding that fails to evaluate\n" : "\n")
        }
        out += "\(indent)initial marking:\n" + marking(trace.initial, indent: indent + "   ")
        for step in trace.steps {
            out += describe(step, indent: indent)
        }
        if let f = trace.failure {
            out += "\(indent)\(n + 1). \(f.transition)"
            if !f.binding.isEmpty { out += "  " + f.binding.map { "\($0.variable) = \($0.value)" }.joined(separator: ", ") }
            // The failing binding was tried at the clock of the last step.
            if let clock = trace.steps.last?.clock, clock > 0 { out += "  [clock \(clock)]" }
            out += "\n\(indent)   " + paint("error", .red) + ": \(f.message) (\(f.location.file):\(f.location.line):\(f.location.column))\n"
        } else if let last = trace.steps.last {
            out += "\(indent)marking after step \(last.index):\n" + marking(last.marking, indent: indent + "   ")
        }
        if let loop = trace.loop, loop.start < n {
            let range = loop.start + 1 == n ? "step \(n)" : "steps \(loop.start + 1)–\(n)"
            switch loop.kind {
            case .cycle:
                out += "\(indent)\(range) lead back to the marking \(loop.start == 0 ? "at the start" : "after step \(loop.start)"): the run can repeat them forever\n"
            case .pump:
                out += "\(indent)\(range) can be repeated forever from the marking after step \(n), each time adding tokens to "
                    + loop.grows.map { "`\($0)`" }.joined(separator: ", ") + "\n"
            }
        }
        return out
    }

    public func describe(_ step: TraceStep, indent: String) -> String {
        if step.kind == .tick {
            return "\(indent)\(step.index). clock advances to \(step.clock) (nothing could fire before)\n"
        }
        var out = "\(indent)\(step.index). \(step.transition ?? "?")"
        if !step.binding.isEmpty { out += "  " + step.binding.map { "\($0.variable) = \($0.value)" }.joined(separator: ", ") }
        if step.clock > 0 { out += "  [clock \(step.clock)]" }
        out += "\n"
        for c in step.consumed { out += "\(indent)     - \(c.place): \(multiple(c.count))\(c.token)\n" }
        for p in step.produced {
            out += "\(indent)     + \(p.place): \(multiple(p.count))\(p.token)" + (p.delay.map { " (ready in \($0))" } ?? "") + "\n"
        }
        return out
    }

    public func marking(_ places: [PlaceMarking], indent: String) -> String {
        let nonEmpty = places.filter { !$0.tokens.isEmpty }
        if nonEmpty.isEmpty { return "\(indent)(empty)\n" }
        let width = nonEmpty.map(\.place.count).max() ?? 0
        return nonEmpty.map { p in
            "\(indent)\(p.place):\(String(repeating: " ", count: width - p.place.count + 1))"
                + p.tokens.map { "\(multiple($0.count))\($0.token)" + ($0.ready.map { "@+\($0)" } ?? "") }.joined(separator: ", ")
        }.joined(separator: "\n") + "\n"
    }

    func label(_ p: PropertyResult) -> String {
        switch p.kind {
        case .invariant: "invariant \(p.name)"
        default: p.name
        }
    }

    func verdictText(_ r: ExplorationResult) -> String {
        switch r.verdict {
        case .pass: return paint("PASS", .green) + ": every property holds in all \(group(r.states)) reachable states"
        case .violated:
            let names = r.properties.filter { $0.status == .violated }.map(label)
            return paint("VIOLATED", .red) + ": " + names.joined(separator: ", ")
        case .bounded:
            return paint("BOUNDED", .yellow) + ": no violation in \(group(r.states)) states, but exploration was incomplete (\(r.stopReason ?? "stopped"))"
        }
    }

    /// "holds: proved (all 55 reachable states)", "VIOLATED", "unknown: exploration was incomplete (...)".
    private func status(_ p: PropertyResult) -> String {
        switch p.status {
        case .holds: paint("holds", .green) + (p.proof.map { ": \($0.summary)" } ?? "")
        case .violated: paint("VIOLATED", .red)
        case .unknown: paint("unknown", .yellow) + (p.undecidedBecause.map { ": \($0)" } ?? "")
        }
    }

    private func multiple(_ n: Int) -> String { n == 1 ? "" : "\(n)×" }

    enum Paint: String { case red = "\u{1B}[1;31m", green = "\u{1B}[1;32m", yellow = "\u{1B}[1;33m" }

    func paint(_ s: String, _ p: Paint) -> String { useColor ? p.rawValue + s + "\u{1B}[0m" : s }
}

/// 1234567 → "1,234,567".
public func group(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

func bytes(_ n: Int) -> String {
    if n >= 1 << 30 { return String(format: "%.2f GiB", Double(n) / Double(1 << 30)) }
    if n >= 1 << 20 { return String(format: "%.1f MiB", Double(n) / Double(1 << 20)) }
    return String(format: "%.1f KiB", Double(n) / 1024)
}
