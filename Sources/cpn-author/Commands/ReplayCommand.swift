import ArgumentParser
import CPNExplore
import CPNReport
import Foundation
import CPNWorkflow

/// `cpn-author replay`: time travel through a saved trace.
///
/// ```
/// $ cpn-author replay trace.json --step 3
/// step 3 of 5: takeLeft2
///      - think2: ()
///      - fork2: ()
///      + hasLeft2: ()
/// marking after step 3:
///    ...
/// ```
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Step through a saved trace (from verify --trace-out or simulate --trace-out).",
        discussion: """
            On a terminal without --step or --diff, replay is interactive: Enter or `n` steps \
            forward, `p` back, `g K` jumps to step K, `q` quits. Piped, it prints every step. \
            Step 0 is the initial marking.
            """
    )

    @Argument(help: "A trace file (JSON).")
    var file: String

    @Option(parsing: .unconditional, help: "Show the marking at step K and the step that led there.")
    var step: Int?

    @Option(parsing: .upToNextOption, help: "Show what changed between two steps: --diff A B.")
    var diff: [Int] = []

    func validate() throws {
        if !diff.isEmpty && diff.count != 2 { throw ValidationError("--diff takes two step numbers, e.g. --diff 0 5") }
    }

    func run() throws {
        let trace = try load()
        let text = TextReport(showTiming: false)
        let last = trace.steps.count
        func check(_ k: Int) throws {
            guard k >= 0 && k <= last else { throw ValidationFailure("step \(k) is outside the trace (0 ... \(last))") }
        }
        if diff.count == 2 {
            try check(diff[0]); try check(diff[1])
            print(render(difference(TraceReplay.marking(trace, at: diff[0]), TraceReplay.marking(trace, at: diff[1])), from: diff[0], to: diff[1],
                         clocks: (TraceReplay.clock(trace, at: diff[0]), TraceReplay.clock(trace, at: diff[1]))), terminator: "")
            return
        }
        if let step {
            try check(step)
            print(TraceReplay.describe(trace, at: step, text), terminator: "")
            return
        }
        if isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 {
            interactive(trace, text)
            return
        }
        for k in 0...last { print(TraceReplay.describe(trace, at: k, text)) }
    }

    private func load() throws -> Trace { try TraceFile.load(file) }

    private func interactive(_ trace: Trace, _ text: TextReport) {
        var k = 0
        let last = trace.steps.count
        while true {
            print(TraceReplay.describe(trace, at: k, text))
            print("[n]ext  [p]revious  [g K] go to step  [q]uit > ", terminator: "")
            guard let line = readLine()?.trimmingCharacters(in: .whitespaces) else { return }
            switch line.first {
            case nil, "n": if k < last { k += 1 } else { print("(already at the last step)") }
            case "p": if k > 0 { k -= 1 } else { print("(already at the initial marking)") }
            case "g":
                if let target = Int(line.dropFirst().trimmingCharacters(in: .whitespaces)), target >= 0, target <= last { k = target }
                else { print("(give a step between 0 and \(last))") }
            case "q": return
            default: print("(n, p, g K or q)")
            }
        }
    }

    private func difference(_ a: [PlaceMarking], _ b: [PlaceMarking]) -> [(place: String, removed: [String], added: [String])] {
        func counts(_ m: PlaceMarking?) -> [String: Int] {
            var c: [String: Int] = [:]
            // A waiting token is shown with its delay: `x@+3` and a ready `x` differ.
            for t in m?.tokens ?? [] { c[t.token + (t.ready.map { "@+\($0)" } ?? ""), default: 0] += t.count }
            return c
        }
        var out: [(String, [String], [String])] = []
        for place in (a.map(\.place) + b.map(\.place)).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } } {
            let before = counts(a.first { $0.place == place }), after = counts(b.first { $0.place == place })
            var removed: [String] = [], added: [String] = []
            for token in Set(before.keys).union(after.keys).sorted() {
                let d = (after[token] ?? 0) - (before[token] ?? 0)
                if d < 0 { removed.append(d == -1 ? token : "\(-d)×\(token)") }
                if d > 0 { added.append(d == 1 ? token : "\(d)×\(token)") }
            }
            if !removed.isEmpty || !added.isEmpty { out.append((place, removed, added)) }
        }
        return out
    }

    private func render(_ changes: [(place: String, removed: [String], added: [String])], from a: Int, to b: Int,
                        clocks: (Int, Int)) -> String {
        var out = "changes from step \(a) to step \(b):\n"
        if clocks.0 != clocks.1 { out += "   clock: \(clocks.0) → \(clocks.1)\n" }
        if changes.isEmpty { return out + (clocks.0 == clocks.1 ? "   (none)\n" : "") }
        for c in changes {
            for t in c.removed { out += "   - \(c.place): \(t)\n" }
            for t in c.added { out += "   + \(c.place): \(t)\n" }
        }
        return out
    }
}
