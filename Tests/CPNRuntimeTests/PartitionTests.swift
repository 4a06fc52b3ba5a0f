import CPNRuntime
import Foundation
import Testing

/// `cpn-author partition`: the goldens (every example, and a net that
/// partitions), and the analysis on nets made to probe one rule each.
@Suite struct PartitionTests {
    static let goldens = "Tests/Fixtures/runtime/partition"

    struct Golden: CustomStringConvertible, Sendable {
        var file: String
        var status: Int32
        var arguments: [String]
        var description: String { file }
    }

    static let cases: [Golden] = {
        let text = (try? String(contentsOfFile: RuntimeTest.path(goldens + "/goldens.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.count >= 3, !words[0].hasPrefix("#"), let status = Int32(words[1]) else { return nil }
            return Golden(file: words[0], status: status, arguments: Array(words.dropFirst(2)))
        }
    }()

    @Test func everyExampleHasAGolden() throws {
        let examples = try FileManager.default.contentsOfDirectory(atPath: RuntimeTest.path("examples"))
            .filter { FileManager.default.fileExists(atPath: RuntimeTest.path("examples/\($0)/net.yaml")) }
        #expect(!examples.isEmpty)
        for e in examples {
            #expect(Self.cases.contains { $0.arguments.contains("examples/\(e)/net.yaml") }, "no partition golden for examples/\(e)")
        }
        #expect(Self.cases.contains { $0.status == 0 }, "a golden where the net partitions")
    }

    @Test(arguments: cases) func goldenOutput(_ golden: Golden) throws {
        let r = try RuntimeTest.runCapturing(golden.arguments, in: RuntimeTest.root)
        let expected = try String(contentsOfFile: RuntimeTest.path("\(Self.goldens)/\(golden.file)"), encoding: .utf8)
        #expect(r.status == golden.status, "\(golden.file): exit \(r.status)\n\(r.stdout)\(r.stderr)")
        #expect(r.stdout == expected, "\(golden.file) differs (scripts/update-goldens.sh regenerates it):\n\(r.stdout)")
        let stderrFile = RuntimeTest.path("\(Self.goldens)/\(golden.file).stderr")
        let expectedErr = (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? ""
        #expect(r.stderr == expectedErr, "\(golden.file).stderr differs:\n\(r.stderr)")
    }

    // MARK: - One rule at a time

    static func proof(_ body: String, by key: String, global: [String] = []) throws -> PartitionProof {
        let text = """
            cpn: 1
            name: probe
            colors:
              K: { enum: [a, b] }
              R: { record: { k: K, n: { int: [0, 2] } } }
            \(body)
            """
        switch RuntimeNet.load(text: text, path: "probe.yaml") {
        case .success(let net): return try PartitionAnalysis(net: net.checked, key: key, global: global).run()
        case .failure(let f): throw PartitionError("probe does not load: \(f.result.diagnostics.map(\.message))")
        }
    }

    static func verdict(_ p: PartitionProof, _ transition: String) -> String {
        switch p.transitions.first(where: { $0.name == transition })?.verdict {
        case .keyed(let k)?: return "keyed \(k)"
        case .global?: return "global"
        case .crosses(let why, _)?: return "crosses: \(why)"
        case nil: return "missing"
        }
    }

    @Test func aVariableJoinsTwoPatternsAndATupleOutputCarriesIt() throws {
        let p = try Self.proof("""
            places:
              x: { color: "(K, R)", initial: ["(a, {k: a, n: 0})"] }
              y: { color: K, initial: [a] }
              z: R
            transitions:
              t: { in: { x: "(k, r)", y: k }, out: { z: "{r with n: 1}" } }
            """, by: "k")
        // x holds K at two positions (.0 and .1.k): ambiguous, whatever the transition does.
        #expect(Self.verdict(p, "t").hasPrefix("crosses: `x` holds the key at 2 positions"), "\(Self.verdict(p, "t"))")
        let q = try Self.proof("""
            places:
              x: { color: "(K, Bool)", initial: ["(a, true)"] }
              y: { color: K, initial: [a] }
              z: "(Bool, K)"
            transitions:
              t: { in: { x: "(k, i)", y: k }, out: { z: "(i, k)" } }
            """, by: "K")
        #expect(Self.verdict(q, "t") == "keyed k")
        #expect(q.isPartitionable)
    }

    @Test func aGuardEqualityJoinsKeysAndWithoutItTheyDiffer() throws {
        let places = """
            places:
              x: { color: R, initial: ["{k: a, n: 0}"] }
              y: { color: R, initial: ["{k: a, n: 1}"] }
              z: R
            """
        let joined = try Self.proof(places + "\ntransitions:\n  t: { in: { x: r, y: s }, guard: \"r.k == s.k && r.n < s.n\", out: { z: s } }", by: "k")
        #expect(Self.verdict(joined, "t") == "keyed r.k" || Self.verdict(joined, "t") == "keyed s.k", "\(Self.verdict(joined, "t"))")
        let apart = try Self.proof(places + "\ntransitions:\n  t: { in: { x: r, y: s }, guard: \"r.n < s.n\", out: { z: s } }", by: "k")
        #expect(Self.verdict(apart, "t").hasPrefix("crosses: the keys of its tokens are not provably equal"), "\(Self.verdict(apart, "t"))")
        #expect(!apart.isPartitionable)
    }

    @Test func aConstantOrComputedKeyIsNotTheInputsKey() throws {
        let p = try Self.proof("""
            places:
              x: { color: R, initial: ["{k: a, n: 0}"] }
              z: R
            transitions:
              moves: { in: { x: r }, out: { z: "{r with k: b}" } }
              keeps: { in: { x: r }, out: { z: "{r with n: 2}" } }
              builds: { in: { x: r }, out: { z: "{k: r.k, n: 0}" } }
            """, by: "k")
        #expect(Self.verdict(p, "moves").hasPrefix("crosses: the keys of its tokens are not provably equal: r.k (in x) vs b (out z)"), "\(Self.verdict(p, "moves"))")
        #expect(Self.verdict(p, "keeps") == "keyed r.k")
        #expect(Self.verdict(p, "builds") == "keyed r.k")
    }

    @Test func globalPlacesDeclaredOrKeyless() throws {
        let body = """
            places:
              x: { color: R, initial: ["{k: a, n: 0}"] }
              lock: { color: Unit, initial: 1 }
              log: { color: R }
            transitions:
              t: { in: { x: r, lock: 1 }, out: { x: r, lock: 1 } }
              audit: { in: { log: e }, out: { log: e } }
            """
        let p = try Self.proof(body, by: "k")
        #expect(Self.verdict(p, "t").hasPrefix("crosses: it moves tokens of keyed places and of global place `lock`"))
        #expect(Self.verdict(p, "audit") == "keyed e.k")
        let q = try Self.proof(body, by: "k", global: ["log"])
        #expect(Self.verdict(q, "audit") == "global")
        #expect(throws: PartitionError.self) { try Self.proof(body, by: "k", global: ["nope"]) }
        #expect(throws: PartitionError.self) { try Self.proof(body, by: "nothing") }
    }

    @Test func capacitiesAndOrdersOnKeyedPlacesCrossShards() throws {
        let p = try Self.proof("""
            places:
              x: { color: R, initial: ["{k: a, n: 0}"], order: { highest: "r => r.n" } }
              z: { color: R, capacity: 1 }
            transitions:
              t: { in: { x: r }, out: { z: r } }
              u: { in: { z: r }, out: { x: r } }
            """, by: "k")
        #expect(Self.verdict(p, "t").contains("has a capacity") || Self.verdict(p, "t").contains("is ordered"), "\(Self.verdict(p, "t"))")
        #expect(Self.verdict(p, "u").contains("has a capacity"), "\(Self.verdict(p, "u"))")
    }
}
