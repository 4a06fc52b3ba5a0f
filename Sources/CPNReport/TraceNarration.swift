import CPNExplore

/// One-line descriptions of the parts of a trace, shared by the formats that
/// cannot use the multi-line text report: SARIF thread-flow messages, Markdown
/// table cells, JUnit failure messages and GitHub annotations.
public enum TraceNarration {
    /// `p = p1, t = {domain: shop, prio: 2}`; empty for no variables.
    public static func binding(_ binding: [Binding]) -> String {
        binding.map { "\($0.variable) = \($0.value)" }.joined(separator: ", ")
    }

    /// `proxies: p1; targets: 2×t1` (one entry per move, in trace order).
    public static func moves(_ moves: [TokenMove]) -> String {
        moves.map { m in
            "\(m.place): \(m.count == 1 ? "" : "\(m.count)×")\(m.token)" + (m.delay.map { " (ready in \($0))" } ?? "")
        }.joined(separator: "; ")
    }

    /// `working: a@+1, b@+3; lease: b@+2` (non-empty places only), or `(empty)`.
    public static func marking(_ places: [PlaceMarking]) -> String {
        let parts = places.filter { !$0.tokens.isEmpty }.map { "\($0.place): " + tokens($0) }
        return parts.isEmpty ? "(empty)" : parts.joined(separator: "; ")
    }

    /// The tokens of one place: `a@+1, 2×b`.
    public static func tokens(_ place: PlaceMarking) -> String {
        place.tokens.map { "\($0.count == 1 ? "" : "\($0.count)×")\($0.token)" + ($0.ready.map { "@+\($0)" } ?? "") }
            .joined(separator: ", ")
    }

    /// The marking before step `index` (1-based): the initial marking for step 1.
    public static func marking(before index: Int, in trace: Trace) -> [PlaceMarking] {
        index <= 1 || index - 2 >= trace.steps.count ? trace.initial : trace.steps[index - 2].marking
    }

    /// The clock before step `index`.
    public static func clock(before index: Int, in trace: Trace) -> Int {
        index <= 1 || index - 2 >= trace.steps.count ? 0 : trace.steps[index - 2].clock
    }

    /// For a tick: the waiting tokens that the tick makes ready, as (place, token)
    /// pairs in marking order. The clock advances by the smallest waiting offset,
    /// so these are the tokens whose offset was exactly the tick's length.
    public static func becameReady(at step: TraceStep, in trace: Trace) -> [(place: String, token: String)] {
        let delta = step.clock - clock(before: step.index, in: trace)
        guard step.kind == .tick, delta > 0 else { return [] }
        return marking(before: step.index, in: trace).flatMap { place in
            place.tokens.filter { $0.ready == delta }.map { (place.place, $0.token) }
        }
    }

    /// `acquire (w = a): takes free: (); waiting: a, gives working: a (ready in 3)`
    /// or `clock advances to 2: lease: a becomes ready`.
    public static func summary(of step: TraceStep, in trace: Trace) -> String {
        if step.kind == .tick {
            let ready = becameReady(at: step, in: trace).map { "\($0.place): \($0.token)" }
            return "clock advances to \(step.clock)"
                + (ready.isEmpty ? "" : ": " + ready.joined(separator: "; ") + (ready.count == 1 ? " becomes" : " become") + " ready")
        }
        var out = step.transition ?? "?"
        if !step.binding.isEmpty { out += " (\(binding(step.binding)))" }
        var parts: [String] = []
        if !step.consumed.isEmpty { parts.append("takes " + moves(step.consumed)) }
        if !step.produced.isEmpty { parts.append("gives " + moves(step.produced)) }
        if !parts.isEmpty { out += ": " + parts.joined(separator: ", ") }
        if step.clock > 0 { out += " [clock \(step.clock)]" }
        return out
    }

    /// The counterexample in plain text, one line per step, for formats that have
    /// one text field (SARIF messages, GitHub annotations):
    ///
    ///     Shortest counterexample (2 steps):
    ///     0. initial marking: a: 1
    ///     1. down (n = 1): takes a: 1, gives a: 0
    ///     2. divide (n = 0): error: division by zero in 3 / 0
    public static func lines(_ trace: Trace) -> [String] {
        var lines = ["Shortest counterexample (\(trace.steps.count) step\(trace.steps.count == 1 ? "" : "s")):",
                     "0. initial marking: \(marking(trace.initial))"]
        for step in trace.steps { lines.append("\(step.index). " + summary(of: step, in: trace)) }
        if let f = trace.failure {
            lines.append("\(trace.steps.count + 1). \(f.transition)"
                + (f.binding.isEmpty ? "" : " (\(binding(f.binding)))") + ": error: \(f.message)")
        } else if let last = trace.steps.last {
            lines.append("marking after step \(last.index): \(marking(last.marking))")
        }
        return lines
    }

    /// `invariant mutex`, `deadlock`, `final-reachable`, `expression-errors`.
    public static func label(_ property: PropertyResult) -> String {
        property.kind == .invariant ? "invariant \(property.name)" : property.name
    }

    /// The transitions a trace fires, with the steps at which each fires:
    /// what `graph --trace` and the Markdown diagram highlight.
    public static func firedSteps(_ trace: Trace) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for step in trace.steps where step.kind == .fire {
            if let t = step.transition { out[t, default: []].append(step.index) }
        }
        if let f = trace.failure, !f.transition.hasPrefix("(") {
            out[f.transition, default: []].append(trace.steps.count + 1)
        }
        return out
    }
}
