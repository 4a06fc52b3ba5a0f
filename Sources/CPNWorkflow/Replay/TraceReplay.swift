import CPNExplore
import CPNReport

/// Time travel through a trace: the marking and clock after any step, and
/// the step in words (`cpn-author replay`, the MCP `replay` tool).
public enum TraceReplay {
    /// The clock after step `k` (0 at the initial marking).
    public static func clock(_ trace: Trace, at k: Int) -> Int { k == 0 ? 0 : trace.steps[k - 1].clock }

    /// The marking after step `k` (step 0: the initial marking).
    public static func marking(_ trace: Trace, at k: Int) -> [PlaceMarking] {
        k == 0 ? trace.initial : trace.steps[k - 1].marking
    }

    /// Step `k` in words: what fired (with its binding and the tokens it moved), then the marking after it.
    public static func describe(_ trace: Trace, at k: Int, _ text: TextReport = TextReport(showTiming: false)) -> String {
        let last = trace.steps.count
        // Which property the trace is the counterexample of, on every step shown.
        let of = trace.property.map { " of the counterexample to `\($0)`" } ?? ""
        if k == 0 { return "step 0 of \(last)\(of): initial marking\n" + text.marking(trace.initial, indent: "   ") }
        let s = trace.steps[k - 1]
        var out = "step \(k) of \(last)\(of): " + (s.transition ?? "clock advances to \(s.clock)")
        if !s.binding.isEmpty { out += "  " + s.binding.map { "\($0.variable) = \($0.value)" }.joined(separator: ", ") }
        out += "\n"
        if s.kind == .fire { out += text.describe(s, indent: "").split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n") }
        out += "marking after step \(k)\(s.clock > 0 ? " (clock \(s.clock))" : ""):\n" + text.marking(s.marking, indent: "   ")
        if k == last, let f = trace.failure {
            out += "then \(f.transition) fails: \(f.message) (\(f.location.file):\(f.location.line):\(f.location.column))\n"
        }
        return out
    }
}
