import CPNExplore
import CPNLoad
import CPNStructure
import Foundation
import Testing

/// Structure may only claim what exploration cannot refute, and must find
/// every minimal P-invariant.
@Suite struct StructuralSoundnessTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every example and seeded bug: the nets where a wrong "proved" would hurt.
    static let nets: [String] = {
        let examples = root.appendingPathComponent("examples")
        let all = FileManager.default.enumerator(atPath: examples.path)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix("ci/") }.sorted().map { "examples/" + $0 }
    }()

    @Test func thereAreExamplesAndBugsToCheck() {
        #expect(Self.nets.count >= 30, "\(Self.nets)")
    }

    @Test(arguments: nets)
    func nothingProvedIsViolated(path: String) throws {
        let loaded = NetLoader.load(path: Self.root.appendingPathComponent(path).path)
        let net = try #require(loaded.checked, "\(path): \(loaded.diagnostics.map(\.message))")
        let structure = StructuralAnalysis(net: net).run()
        var options = ExplorationOptions()
        options.maxStates = 200_000
        let explored = Explorer(net: net, options: options).run(file: path)
        for property in explored.properties where property.kind == .invariant {
            let proof = try #require(structure.declared(named: property.name), "\(path): no structural answer for \(property.name)")
            if proof.status == .proved {
                #expect(property.status != .violated, "\(path): \(property.name) is proved structurally (\(proof.detail)) but violated")
            }
        }
        // The examples are small: their invariants are always computed, never "too large".
        #expect(structure.placeInvariants.computed, "\(path): \(structure.placeInvariants.reason ?? "")")
        #expect(structure.transitionInvariants.computed, "\(path): \(structure.transitionInvariants.reason ?? "")")
    }

    /// Random small P/T nets: Farkas' P-invariants against brute force over small weights.
    @Test(arguments: 0..<40)
    func placeInvariantsMatchBruteForce(seed: Int) throws {
        var rng = SplitMix(seed: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let places = 3 + Int(rng.next() % 3), transitions = 2 + Int(rng.next() % 4)
        var yaml = "cpn: 1\nplaces:\n"
        for p in 0..<places { yaml += "  p\(p): { color: Unit, initial: \(rng.next() % 3) }\n" }
        yaml += "transitions:\n"
        var incidence = [[Int]](repeating: [Int](repeating: 0, count: transitions), count: places)
        for t in 0..<transitions {
            var ins: [String] = [], outs: [String] = []
            for p in 0..<places {
                switch rng.next() % 5 {
                case 0: let w = 1 + Int(rng.next() % 2); ins.append("p\(p): \(w)"); incidence[p][t] -= w
                case 1: let w = 1 + Int(rng.next() % 2); outs.append("p\(p): \(w)"); incidence[p][t] += w
                default: break
                }
            }
            if ins.isEmpty && outs.isEmpty { outs.append("p0: 1"); incidence[0][t] += 1 }
            yaml += "  t\(t): { in: { \(ins.joined(separator: ", ")) }, out: { \(outs.joined(separator: ", ")) } }\n"
        }
        let r = StructuralAnalysis(net: try load(yaml)).run()
        try #require(r.placeInvariants.computed)
        // Parse the found invariants back into weight vectors.
        let found: [[Int]] = r.placeInvariants.items.map { inv in
            var y = [Int](repeating: 0, count: places)
            for term in inv.terms { y[Int(term.place.dropFirst())!] = term.weight }
            return y
        }
        func isInvariant(_ y: [Int]) -> Bool {
            (0..<transitions).allSatisfy { t in (0..<places).reduce(0) { $0 + y[$1] * incidence[$1][t] } == 0 }
        }
        func support(_ y: [Int]) -> Set<Int> { Set(y.indices.filter { y[$0] != 0 }) }
        for y in found {
            #expect(isInvariant(y), "not an invariant: \(y)\n\(yaml)")
            #expect(y.allSatisfy { $0 >= 0 } && y.contains { $0 > 0 })
        }
        // Brute force: every y in {0..3}^places with y·C = 0.
        var brute: [[Int]] = []
        var y = [Int](repeating: 0, count: places)
        func enumerate(_ i: Int) {
            if i == places { if y.contains(where: { $0 > 0 }), isInvariant(y) { brute.append(y) }; return }
            for v in 0...3 { y[i] = v; enumerate(i + 1) }
        }
        enumerate(0)
        let foundSupports = found.map(support)
        let minimal = brute.map(support).filter { s in !brute.map(support).contains { $0 != s && $0.isSubset(of: s) } }
        for s in Set(minimal) {
            #expect(foundSupports.contains(s), "missed the invariant with support \(s.sorted())\n\(yaml)")
        }
        for s in foundSupports {
            #expect(!brute.map(support).contains { $0 != s && $0.isSubset(of: s) }, "support \(s.sorted()) is not minimal\n\(yaml)")
        }
        #expect(Set(foundSupports).count == foundSupports.count, "an invariant is listed twice")
    }
}

/// A small deterministic generator for the random nets.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
