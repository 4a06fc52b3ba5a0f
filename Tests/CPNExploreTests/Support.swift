import CPNExplore
import CPNLoad
import Testing

/// Loads a net from YAML text; the test fails (and returns nil) if it does not check.
func checked(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> CheckedNet? {
    let result = NetLoader.load(text: yaml, path: "test.yaml")
    #expect(!result.hasErrors, "net does not check: \(result.diagnostics.map(\.message))", sourceLocation: sourceLocation)
    return result.checked
}

func explore(_ yaml: String, maxStates: Int = 1_000_000, sourceLocation: SourceLocation = #_sourceLocation) -> ExplorationResult? {
    guard let net = checked(yaml, sourceLocation: sourceLocation) else { return nil }
    var options = ExplorationOptions()
    options.maxStates = maxStates
    return Explorer(net: net, options: options).run(file: "test.yaml")
}

extension ExplorationResult {
    func property(_ name: String) -> PropertyResult? { properties.first { $0.name == name } }
}

/// The classic 1-safe dining philosophers: take the left fork, then the
/// right, eat, release both. With `eitherFirst`, a philosopher may also
/// take the right fork first.
func philosophers(_ n: Int, eitherFirst: Bool = false) -> String {
    var places = "", transitions = ""
    for i in 0..<n {
        let j = (i + 1) % n
        places += "  think\(i): { color: Unit, initial: 1 }\n  fork\(i): { color: Unit, initial: 1 }\n  hasLeft\(i): Unit\n  eat\(i): Unit\n"
        transitions += "  takeLeft\(i): { in: { think\(i): 1, fork\(i): 1 }, out: { hasLeft\(i): 1 } }\n"
        transitions += "  takeRight\(i): { in: { hasLeft\(i): 1, fork\(j): 1 }, out: { eat\(i): 1 } }\n"
        if eitherFirst {
            places += "  hasRight\(i): Unit\n"
            transitions += "  takeRightFirst\(i): { in: { think\(i): 1, fork\(j): 1 }, out: { hasRight\(i): 1 } }\n"
            transitions += "  takeLeftSecond\(i): { in: { hasRight\(i): 1, fork\(i): 1 }, out: { eat\(i): 1 } }\n"
        }
        transitions += "  release\(i): { in: { eat\(i): 1 }, out: { think\(i): 1, fork\(i): 1, fork\(j): 1 } }\n"
    }
    return "cpn: 1\nname: philosophers\nplaces:\n\(places)transitions:\n\(transitions)"
}
