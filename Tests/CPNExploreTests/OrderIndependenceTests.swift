import CPNExplore
@testable import CPNLoad
import CPNModel
import Foundation
import Testing

/// Results never depend on the order places, transitions, arcs, tokens or
/// invariants are declared in: the same verdict, states, edges, statuses and
/// shortest-trace lengths for every permutation (specs/semantics.md §7, §8).
@Suite struct OrderIndependenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL

    /// Every example and every seeded bug, two shuffles each.
    @Test func examplesAndSeededBugs() throws {
        let examples = Self.root.appendingPathComponent("examples")
        let files = FileManager.default.enumerator(atPath: examples.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix("ci/") }.sorted() ?? []
        #expect(files.count > 20)
        for file in files {
            let loaded = NetLoader.load(path: examples.appendingPathComponent(file).path)
            guard let net = loaded.net, loaded.checked != nil else { continue }
            try compare(net, name: file, seeds: 1...2)
        }
    }

    /// Random colored nets whose outputs may leave their color (error
    /// bindings), with guards, joins and capacities.
    @Test func randomColoredNets() throws {
        var random = SplitMix64(seed: 20261201)
        for k in 0..<40 {
            let text = Self.randomNet(&random)
            let loaded = NetLoader.load(text: text, path: "random\(k).yaml")
            guard let net = loaded.net, loaded.checked != nil else {
                Issue.record("random net \(k) does not check: \(loaded.diagnostics.map(\.message))\n\(text)")
                continue
            }
            try compare(net, name: "random net \(k)\n\(text)", seeds: 1...3)
        }
    }

    private func compare(_ net: Net, name: String, seeds: ClosedRange<UInt64>) throws {
        let reference = try explore(net)
        for seed in seeds {
            var random = SplitMix64(seed: seed)
            let shuffled = Self.permuted(net, &random)
            let other = try explore(shuffled)
            #expect(other.verdict == reference.verdict, "\(name): verdict")
            #expect(other.states == reference.states, "\(name): states")
            #expect(other.edges == reference.edges, "\(name): edges")
            #expect(other.complete == reference.complete, "\(name): complete")
            for p in reference.properties {
                let q = other.properties.first { $0.name == p.name }
                #expect(q?.status == p.status, "\(name): status of \(p.name)")
                #expect(q?.trace?.steps.count == p.trace?.steps.count, "\(name): trace length of \(p.name)")
            }
        }
    }

    private func explore(_ net: Net) throws -> ExplorationResult {
        var checker = NetChecker(net: net)
        let result = checker.check()
        let checked = try #require(result)
        var options = ExplorationOptions()
        options.maxStates = 50_000
        return Explorer(net: checked, options: options).run(file: net.name)
    }

    static func permuted(_ net: Net, _ random: inout SplitMix64) -> Net {
        var n = net
        n.places.shuffle(using: &random)
        for i in n.places.indices { n.places[i].initial.shuffle(using: &random) }
        n.transitions.shuffle(using: &random)
        for i in n.transitions.indices {
            n.transitions[i].inputs.shuffle(using: &random)
            n.transitions[i].outputs.shuffle(using: &random)
        }
        n.invariants.shuffle(using: &random)
        return n
    }

    /// A small colored net: 2–4 places over `C = int [0, 2]`, 2–5 transitions
    /// with one or two input patterns, a guard sometimes, outputs that may
    /// overflow the color.
    static func randomNet(_ random: inout SplitMix64) -> String {
        let places = 2 + random.below(3)
        var text = "cpn: 1\ncolors:\n  C: { int: [0, 2] }\nplaces:\n"
        for p in 0..<places {
            let tokens = (0..<random.below(3)).map { _ in String(random.below(3)) }
            let capacity = random.below(4) == 0 ? ", capacity: \(2 + random.below(2))" : ""
            text += "  p\(p): { color: C, initial: [\(tokens.joined(separator: ", "))]\(capacity) }\n"
        }
        text += "transitions:\n"
        let outputs = ["x", "y", "(x + 1) % 3", "x + 1", "2 - x", "x + y", "0"]
        for t in 0..<(2 + random.below(4)) {
            let a = random.below(places), b = random.below(places)
            let two = random.below(2) == 0
            // Two patterns on one place are a list; on two places, two arcs.
            let input: String
            if two && b == a { input = "{ p\(a): [x, y] }" } else if two { input = "{ p\(a): x, p\(b): y }" } else { input = "{ p\(a): x }" }
            var out = outputs[random.below(two ? outputs.count : 4)]
            if !two && out.contains("y") { out = "x" }
            let target = random.below(places)
            let guardText = random.below(3) == 0 ? ", guard: \"x != \(random.below(3))\"" : ""
            text += "  t\(t): { in: \(input)\(guardText), out: { p\(target): \"\(out)\" } }\n"
        }
        text += "invariants:\n  small: \"size(p0) <= 3\"\n"
        return text
    }
}
