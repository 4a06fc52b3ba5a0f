import ArgumentParser
import CPNDiagnostics
import CPNRuntime
import CPNWorkflow
import Foundation

/// `cpn-author inject`: fire a fault (or any transition) of a running net, once.
///
/// ```
/// $ cpn-author inject crash --store sqlite:jobs.db --bind w=w1
/// injected crash  w = w1, _j = 1, _g = 0 (event 31)
/// ```
struct InjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        abstract: "Fire one enabled binding of a fault or environment transition in a running net.",
        discussion: """
            `run` never fires a `kind: fault` or `kind: environment` transition on its own (unless \
            a handler is bound to it); `inject` fires one of its bindings now, as one transaction with \
            its event, checked against capacities and invariants like any firing: chaos testing of \
            a running net with exactly the faults the model was verified against. Any transition can \
            be injected; its handler, if it has one, is not run.

            --bind NAME=VALUE picks among the enabled bindings (values written as `status` shows \
            them; spaces do not matter); without it, the first enabled binding fires.

            Exit codes: 0 fired; 1 no binding of the transition is enabled now (nothing changed); \
            2 invalid input (an unknown transition, a store that cannot be opened).
            """
    )

    @Argument(help: "The transition to fire.")
    var transition: String

    @Option(name: .customLong("bind"), parsing: .singleValue, help: ArgumentHelp("A variable's value: NAME=VALUE (repeatable).", valueName: "name=value"))
    var bindings: [String] = []

    @OptionGroup var store: RuntimeStoreOptions

    func validate() throws {
        for b in bindings where !b.contains("=") { throw ValidationError("--bind takes NAME=VALUE, e.g. --bind w=w1 (found `\(b)`)") }
    }

    func run() throws {
        let wanted = bindings.map { b -> (String, String) in
            let parts = b.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0].trimmingCharacters(in: .whitespaces), parts.count > 1 ? Self.compact(parts[1]) : "")
        }
        try store.withEngine(mustExist: true) { engine in
            guard let t = engine.net.checked.transitions.first(where: { $0.name == transition }) else {
                let names = engine.net.checked.transitions.map(\.name)
                throw RuntimeError(.invalidInput, "the net has no transition `\(transition)`",
                                   details: [NameSuggestion.help(for: transition, among: names) ?? "help: the transitions are \(names.joined(separator: ", "))"])
            }
            for (name, _) in wanted where !t.variables.contains(where: { $0.name == name }) {
                throw RuntimeError(.invalidInput, "transition `\(transition)` has no variable `\(name)`",
                                   details: ["help: its variables are \(t.variables.map(\.name).joined(separator: ", "))"])
            }
            let candidates = try engine.snapshot().enabled.filter { b in
                b.transition == transition && wanted.allSatisfy { name, value in
                    b.variables.contains { $0.name == name && Self.compact($0.value) == value }
                }
            }
            for binding in candidates {
                // Another worker may take the tokens between the snapshot and the firing: try the next binding.
                if let event = try engine.fire(binding) {
                    print("injected \(binding.summary) (event \(event.id))")
                    return
                }
            }
            var err = StandardError()
            print("\(transition) is not enabled now\(wanted.isEmpty ? "" : " with that binding"); nothing fired", to: &err)
            throw ExitCode(ExitStatus.violated)
        }
    }

    static func compact(_ s: String) -> String { s.filter { !$0.isWhitespace } }
}
