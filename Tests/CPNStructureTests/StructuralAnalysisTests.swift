import CPNExplore
import CPNLoad
import CPNStructure
import Foundation
import Testing

func load(_ yaml: String) throws -> CheckedNet {
    let r = NetLoader.load(text: yaml, path: "test.yaml")
    return try #require(r.checked, "\(r.diagnostics.map(\.message))")
}

func loadFile(_ relative: String) throws -> CheckedNet {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let r = NetLoader.load(path: root.appendingPathComponent(relative).path)
    return try #require(r.checked, "\(relative): \(r.diagnostics.map(\.message))")
}

/// Two processes and a lock: the textbook net with three P-invariants and two T-invariants.
let mutex = """
cpn: 1
places:
  idle1: { color: Unit, initial: 1 }
  crit1: Unit
  idle2: { color: Unit, initial: 1 }
  crit2: Unit
  lock: { color: Unit, initial: 1 }
transitions:
  enter1: { in: { idle1: 1, lock: 1 }, out: { crit1: 1 } }
  leave1: { in: { crit1: 1 }, out: { idle1: 1, lock: 1 } }
  enter2: { in: { idle2: 1, lock: 1 }, out: { crit2: 1 } }
  leave2: { in: { crit2: 1 }, out: { idle2: 1, lock: 1 } }
invariants:
  exclusive: { expr: "size(crit1) + size(crit2) <= 1" }
  lock_held: { expr: "size(lock) + size(crit1) + size(crit2) == 1" }
  one_process: { expr: "size(idle1) + size(crit1) == 1" }
  not_linear: { expr: "size(crit1) * size(crit2) == 0" }
  disjunction: { expr: "size(crit1) == 0 || size(crit2) == 0" }
  nonnegative: { expr: "size(crit1) >= 0" }
"""

@Suite struct StructuralAnalysisTests {
    @Test func mutexHasItsThreePlaceInvariantsAndTwoTransitionInvariants() throws {
        let r = StructuralAnalysis(net: try load(mutex)).run()
        #expect(r.unfolding == UnfoldingSize(places: 5, bindings: 4))
        #expect(r.placeInvariants.computed)
        #expect(Set(r.placeInvariants.items.map(\.text)) == ["idle1 + crit1", "idle2 + crit2", "crit1 + crit2 + lock"])
        #expect(r.placeInvariants.items.allSatisfy { $0.initialValue == 1 && $0.count == 1 })
        #expect(Set(r.transitionInvariants.items.map(\.text)) == ["enter1 + leave1", "enter2 + leave2"])
    }

    @Test func mutexDeclaredInvariantsAreProvedOrSaidWhyNot() throws {
        let r = StructuralAnalysis(net: try load(mutex)).run()
        #expect(r.declared(named: "exclusive")?.status == .proved)
        #expect(r.declared(named: "exclusive")?.detail.contains("crit1 + crit2 + lock") == true)
        #expect(r.declared(named: "lock_held")?.status == .proved)
        #expect(r.declared(named: "one_process")?.status == .proved)
        #expect(r.declared(named: "nonnegative")?.status == .proved)
        #expect(r.declared(named: "not_linear")?.status == .notLinear)
        #expect(r.declared(named: "not_linear")?.detail.contains("multiplies") == true)
        #expect(r.declared(named: "disjunction")?.status == .notLinear)
        #expect(r.declared(named: "missing") == nil)
    }

    @Test func weightsAndTransitionInvariantMultiplicities() throws {
        // Two `a` make one `b`; `b` splits back into two `a`: a + 2b is kept, and the cycle fires split once per join.
        let net = """
        cpn: 1
        places:
          a: { color: Unit, initial: 4 }
          b: Unit
        transitions:
          join: { in: { a: 2 }, out: { b: 1 } }
          split: { in: { b: 1 }, out: { a: 2 } }
        invariants:
          weighted: { expr: "size(a) + 2 * size(b) == 4" }
          wrong_constant: { expr: "size(a) + 2 * size(b) == 5" }
          wrong_weights: { expr: "size(a) + size(b) == 4" }
        """
        let r = StructuralAnalysis(net: try load(net)).run()
        #expect(r.placeInvariants.items.map(\.text) == ["a + 2*b"])
        #expect(r.placeInvariants.items.first?.initialValue == 4)
        #expect(r.transitionInvariants.items.map(\.text) == ["join + split"])
        #expect(r.declared(named: "weighted")?.status == .proved)
        let constant = try #require(r.declared(named: "wrong_constant"))
        #expect(constant.status == .notProved)
        #expect(constant.detail.contains("4 initially, not 5"), "\(constant.detail)")
        let weights = try #require(r.declared(named: "wrong_weights"))
        #expect(weights.status == .notProved)
        #expect(weights.detail.contains("firing `split` changes `a + b` by +1"), "\(weights.detail)")
    }

    @Test func aBoundKeptOnlyByACapacityIsNotProved() throws {
        // `size(b) <= 1` holds (the capacity), but no weighted sum shows it: structure must not claim it.
        let net = """
        cpn: 1
        places:
          a: { color: Unit, initial: 1 }
          b: { color: Unit, capacity: 1 }
        transitions:
          t: { in: { a: 1 }, out: { a: 1, b: 1 } }
          drain: { in: { b: 1 }, out: {} }
        invariants:
          capped: { expr: "size(b) <= 1" }
          never_negative_sum: { expr: "size(a) >= 1" }
        """
        let r = StructuralAnalysis(net: try load(net)).run()
        let capped = try #require(r.declared(named: "capped"))
        #expect(capped.status == .notProved)
        #expect(capped.detail.contains("firing `t` increases `b` by 1"), "\(capped.detail)")
        #expect(r.declared(named: "never_negative_sum")?.status == .proved)
        #expect(r.placeInvariants.items.map(\.text) == ["a"])
        // t alone leaves `a` as it was, but not `b`; `drain` undoes what t adds.
        #expect(r.transitionInvariants.items.map(\.text) == ["t + drain"])
    }

    @Test func coloredFamiliesAreWrittenOncePerColor() throws {
        let net = """
        cpn: 1
        colors:
          Proxy: { enum: [p1, p2, p3] }
          Job: { int: [1, 2] }
        places:
          proxies: { color: Proxy, initial: [p1, p2, p3] }
          jobs: { color: Job, initial: [1, 2] }
          busy: "(Proxy, Job)"
        transitions:
          take: { in: { proxies: p, jobs: j }, out: { busy: "(p, j)" } }
          give: { in: { busy: "(p, j)" }, out: { proxies: p, jobs: j } }
        invariants:
          per_proxy: { expr: "forall p in Proxy: count(proxies, p) + count(busy, (x, _j) => x == p) == 1" }
          all_proxies: { expr: "size(proxies) + size(busy) == 3" }
          at_most_one: { expr: "forall p in Proxy: count(busy, (x, _j) => x == p) <= 1" }
        """
        let r = StructuralAnalysis(net: try load(net)).run()
        let texts = r.placeInvariants.items.map(\.text)
        #expect(texts.contains("for each p in Proxy: proxies(p) + busy(p, _)"), "\(texts)")
        #expect(texts.contains("for each j in Job: jobs(j) + busy(_, j)"), "\(texts)")
        #expect(r.placeInvariants.items.map(\.count).reduce(0, +) == 5)
        #expect(r.transitionInvariants.items.map(\.text) == ["take + give"])
        #expect(r.transitionInvariants.items.first?.count == 6)
        for name in ["per_proxy", "all_proxies", "at_most_one"] {
            #expect(r.declared(named: name)?.status == .proved, "\(name): \(r.declared(named: name)?.detail ?? "")")
        }
    }

    @Test func politeScraperInvariantsAreProvedForAnyNumberOfProxies() throws {
        // Timed tokens and an ordered place: the unfolding ignores both (they only restrict firings).
        let net = try loadFile("examples/polite-scraper/net.yaml")
        let r = StructuralAnalysis(net: net).run()
        #expect(r.notComputed == nil)
        for invariant in net.invariants {
            #expect(r.declared(named: invariant.name)?.status == .proved,
                    "\(invariant.name): \(r.declared(named: invariant.name)?.detail ?? "missing")")
        }
        let conserved = try #require(r.declared(named: "proxies_conserved"))
        #expect(conserved.detail.contains("`proxies + in_flight` is a P-invariant"), "\(conserved.detail)")
        #expect(r.placeInvariants.items.contains { $0.text == "for each p in Proxy: proxies(p) + in_flight(p, _)" },
                "\(r.placeInvariants.items.map(\.text))")
    }

    @Test func diningPhilosophersConserveTheirForks() throws {
        let r = StructuralAnalysis(net: try loadFile("examples/dining-philosophers/net.yaml")).run()
        #expect(r.declared(named: "forks_conserved")?.status == .proved, "\(r.declared(named: "forks_conserved")?.detail ?? "")")
        #expect(r.declared(named: "neighbours_never_eat_together")?.status == .proved,
                "\(r.declared(named: "neighbours_never_eat_together")?.detail ?? "")")
        #expect(r.transitionInvariants.items.map(\.text) == ["take_first + take_second + finish"])
        #expect(r.transitionInvariants.items.first?.count == 5)
    }

    @Test func tooLargeIsSaidNotGuessed() throws {
        var limits = StructuralLimits()
        limits.maxFarkasRows = 3
        let small = StructuralAnalysis(net: try load(mutex)).run(limits)
        #expect(!small.placeInvariants.computed)
        #expect(small.placeInvariants.reason?.hasPrefix("not computed (too large") == true)
        #expect(small.placeInvariants.items.isEmpty)
        // Declared invariants need only the incidence matrix, except bounds that need a P-invariant.
        #expect(small.declared(named: "lock_held")?.status == .proved)
        #expect(small.declared(named: "exclusive")?.status == .notProved)
        #expect(small.declared(named: "exclusive")?.detail.contains("not computed") == true)

        limits = StructuralLimits()
        limits.maxUnfoldedPlaces = 4
        let unfolded = StructuralAnalysis(net: try load(mutex)).run(limits)
        #expect(unfolded.unfolding == nil)
        #expect(unfolded.notComputed?.hasPrefix("not computed (too large") == true)
        #expect(unfolded.declaredInvariants.allSatisfy { $0.status == .notComputed })
    }

    @Test func aReportRoundTripsThroughJSON() throws {
        let r = StructuralAnalysis(net: try load(mutex)).run()
        let data = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(StructuralReport.self, from: data) == r)
        let keys = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        #expect(Set(keys) == ["unfolding", "p_invariants", "t_invariants", "declared_invariants"])
    }
}
