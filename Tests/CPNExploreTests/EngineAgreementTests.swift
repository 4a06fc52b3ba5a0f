@testable import CPNExplore
import CPNLoad
import Foundation
import Testing

/// The unfolded engine must be the dynamic one, faster: on every example,
/// every seeded bug and random colored nets (guards, joins, constants,
/// multi-token arcs, ordered places, capacities, delays, failing
/// expressions), the reports agree in everything but the `engine` line —
/// states and their numbering, edges, verdicts, property statuses, traces,
/// failing bindings, place bounds — with one worker or several.
@Suite struct EngineAgreementTests {
    /// The report as bytes, without what varies run to run or names the
    /// engine; and again without the bytes per state, which depend on the
    /// state layout.
    private func report(_ net: CheckedNet, engine: ExplorationEngine, workers: Int = 1, maxStates: Int = 200_000,
                        maximumCells: Int = StateCodec.maximumCells) throws -> (data: Data, anyLayout: Data, engine: String) {
        var options = ExplorationOptions()
        options.engine = engine
        options.workers = workers
        options.maxStates = maxStates
        options.maximumCells = maximumCells
        // Tiny thresholds so small levels go through the parallel path too.
        options.parallelThreshold = 1
        options.parallelRun = 5
        var result = Explorer(net: net, options: options).run(file: "net.yaml")
        let used = result.engine
        result.engine = ""
        result.elapsedMs = 0
        result.memoryBytes = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(result)
        result.bytesPerState = 0
        return (data, try encoder.encode(result), used)
    }

    /// Compares the engines on one net; returns the unfolded engine's description.
    /// Both engines run on each state layout: counters for every small color
    /// (the default: the unfolded engine's all-counter path), entries only
    /// (`maximumCells` 0), and a mix (counters for two-valued colors only).
    @discardableResult
    private func compare(_ net: CheckedNet, name: String, maxStates: Int = 200_000) throws -> String {
        let dynamic = try report(net, engine: .dynamic, maxStates: maxStates)
        let unfolded = try report(net, engine: .unfolded, maxStates: maxStates)
        let parallel = try report(net, engine: .unfolded, workers: 2, maxStates: maxStates)
        #expect(dynamic.engine == "dynamic")
        #expect(unfolded.data == dynamic.data, "\(name): unfolded (\(unfolded.engine)) differs from dynamic")
        #expect(parallel.data == dynamic.data, "\(name): unfolded on 2 workers differs from dynamic")
        for cells in [0, 2] {
            let other = try report(net, engine: .unfolded, maxStates: maxStates, maximumCells: cells)
            let otherParallel = try report(net, engine: .unfolded, workers: 2, maxStates: maxStates, maximumCells: cells)
            let otherDynamic = try report(net, engine: .dynamic, maxStates: maxStates, maximumCells: cells)
            #expect(other.anyLayout == dynamic.anyLayout, "\(name): unfolded with maximumCells \(cells) differs from dynamic")
            #expect(otherParallel.anyLayout == dynamic.anyLayout, "\(name): unfolded on 2 workers with maximumCells \(cells) differs")
            #expect(other.data == otherDynamic.data, "\(name): the engines differ with maximumCells \(cells)")
        }
        return unfolded.engine
    }

    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Every example net and seeded bug, found from the folder like ExampleLibraryTests.
    private static var libraryNets: [String] {
        let examples = root.appendingPathComponent("examples")
        let fm = FileManager.default
        var files: [String] = []
        for name in ((try? fm.contentsOfDirectory(atPath: examples.path)) ?? []).sorted() {
            let dir = examples.appendingPathComponent(name)
            if fm.fileExists(atPath: dir.appendingPathComponent("net.yaml").path) {
                files.append(dir.appendingPathComponent("net.yaml").path)
            }
            let bugs = dir.appendingPathComponent("bugs")
            for bug in ((try? fm.contentsOfDirectory(atPath: bugs.path)) ?? []).sorted() where bug.hasSuffix(".yaml") {
                files.append(bugs.appendingPathComponent(bug).path)
            }
        }
        return files
    }

    @Test func everyExampleAndSeededBug() throws {
        let files = Self.libraryNets
        #expect(files.count >= 28, "examples not found under \(Self.root.path)")
        for file in files {
            let loaded = NetLoader.load(text: try String(contentsOfFile: file, encoding: .utf8), path: file)
            let net = try #require(loaded.checked, "\(file) does not check")
            let engine = try compare(net, name: file)
            // The library is small: every net of it must actually unfold, but for
            // nets with `cancel:` arcs, which the dynamic engine explores.
            let cancels = net.transitions.contains(where: \.cancels)
            #expect(engine.hasPrefix(cancels ? "dynamic" : "unfolded: "), "\(file) ran on \(engine)")
        }
    }

    /// The comparison above means something for properties only if they
    /// really run on counters: every invariant and `final` of the library compiles.
    @Test func everyLibraryPropertyCompilesToCounters() throws {
        for file in Self.libraryNets {
            let loaded = NetLoader.load(text: try String(contentsOfFile: file, encoding: .utf8), path: file)
            let net = try #require(loaded.checked)
            let generator = SuccessorGenerator(net: net, numberTokensByColor: true)
            let compiled = try #require(CounterProperties(net: net, codec: generator.codec, timed: generator.timed), "\(file)")
            for (k, formula) in compiled.invariants.enumerated() {
                #expect(formula != nil, "\(file): invariant `\(net.invariants[k].name)` evaluated on decoded markings")
            }
            #expect((compiled.final != nil) == (net.final != nil), "\(file): `final` evaluated on decoded markings")
        }
    }

    @Test func randomColoredNets() throws {
        var random = SplitMix64(seed: 20_261_201)
        var compared = 0, failing = 0, timed = 0, ordered = 0, reading = 0, inhibited = 0
        for k in 0..<300 {
            let yaml = RandomColoredNet.make(&random, timed: k % 3 == 2)
            let loaded = NetLoader.load(text: yaml, path: "random.yaml")
            guard let net = loaded.checked, !loaded.hasErrors else { continue }
            let engine = try compare(net, name: yaml, maxStates: 3_000)
            #expect(engine.hasPrefix("unfolded: "), "\(yaml)\nran on \(engine)")
            compared += 1
            if engine.contains("failing") { failing += 1 }
            if yaml.contains("@+") { timed += 1 }
            if yaml.contains("order:") { ordered += 1 }
            if yaml.contains("read:") { reading += 1 }
            if yaml.contains("unless:") { inhibited += 1 }
        }
        // The generator must keep producing the interesting cases, or this test says little.
        #expect(compared >= 200, "only \(compared) random nets checked")
        #expect(failing >= 20 && timed >= 40 && ordered >= 40, "failing \(failing), timed \(timed), ordered \(ordered)")
        #expect(reading >= 40 && inhibited >= 40, "read arcs in \(reading), unless arcs in \(inhibited)")
    }

    /// The properties the trust work added (leads-to with no invariant beside
    /// it, so nothing else decodes the marking; `expect: dead`; an unbounded
    /// place found by its witness) agree too.
    @Test func leadsToExpectDeadAndBoundedness() throws {
        let nets = [
            """
            cpn: 1
            colors:
              S: { enum: [idle, waiting, served, lost] }
            places:
              s: { color: S, initial: [idle] }
              z: { color: Unit }
            transitions:
              ask:   { in: { s: idle }, out: { s: waiting } }
              drop:  { in: { s: waiting }, out: { s: lost } }
              retry: { in: { s: lost }, out: { s: waiting } }
              serve: { in: { s: waiting }, out: { s: served } }
              never: { in: { z: 1 }, out: { s: idle }, expect: dead }
            leads_to:
              answered: { from: "count(s, x => x == waiting) == 1", to: "count(s, x => x == served) == 1" }
            """,
            """
            cpn: 1
            places:
              a: { color: Unit, initial: 1 }
              b: { color: Unit }
            transitions:
              leak: { in: { a: 1 }, out: { a: 1, b: 1 } }
            """,
        ]
        for yaml in nets {
            let net = try #require(checked(yaml))
            try compare(net, name: yaml, maxStates: 10_000)
        }
    }

    /// Atoms no firing can move are decided once (`CounterFormula.settled`):
    /// a place invariant, a count only ever lowered, a count of a place no
    /// transition touches that is wrong from the start, beside atoms that
    /// move. The engines still agree (the dynamic one evaluates every state),
    /// and on the unfolded and place/transition paths fewer atoms are left.
    @Test func settledAtomsChangeNoResult() throws {
        let colored = """
            cpn: 1
            colors:
              Job: { int: [0, 2] }
            places:
              todo:  { color: Job, initial: [0, 1, 2] }
              busy:  { color: Job }
              done:  { color: Job }
              spare: { color: Job, initial: [1, 1] }
            transitions:
              start:  { in: { todo: j }, out: { busy: j } }
              finish: { in: { busy: j }, out: { done: j } }
              redo:   { in: { done: j }, guard: "j == 0", out: { busy: j } }
            invariants:
              jobs_kept:      "size(todo) + size(busy) + size(done) == 3"
              todo_shrinks:   "size(todo) <= 3 && forall j in Job: count(todo, j) <= 1"
              busy_at_most_2: "size(busy) <= 2"
              spare_is_three: "size(spare) == 3 || count(done, 0) > 5"
            final: "size(done) == 3 && size(todo) + size(busy) + size(done) == 3"
            """
        let placeTransition = """
            cpn: 1
            places:
              a: { color: Unit, initial: 2 }
              b: { color: Unit }
              c: { color: Unit, initial: 1 }
            transitions:
              ab: { in: { a: 1 }, out: { b: 1 } }
              ba: { in: { b: 1 }, out: { a: 1 } }
              eat: { in: { c: 1 }, out: {} }
            invariants:
              two_tokens: "size(a) + size(b) == 2"
              c_only_falls: "size(c) <= 1"
              b_is_zero: "size(b) == 0"
            """
        for (yaml, settles) in [(colored, 7), (placeTransition, 2)] {
            let net = try #require(checked(yaml))
            try compare(net, name: yaml, maxStates: 10_000)
            var options = ExplorationOptions()
            options.engine = .dynamic
            let dynamic = Explorer(net: net, options: options).run(file: "x.yaml")
            options.engine = .automatic
            let automatic = Explorer(net: net, options: options).run(file: "x.yaml")
            #expect(automatic.engine != "dynamic")
            #expect(automatic.properties.map(\.status) == dynamic.properties.map(\.status), "\(automatic.engine)")
            #expect(automatic.states == dynamic.states && automatic.verdict == dynamic.verdict)

            let generator = SuccessorGenerator(net: net, numberTokensByColor: true)
            var properties = try #require(CounterProperties(net: net, codec: generator.codec, timed: generator.timed))
            let before = properties.atomCount
            let changes: CountChanges? = if let fast = CounterExpander(net: net, generator: generator) {
                fast.countChanges
            } else {
                UnfoldedExpander(unfolded: try #require(UnfoldedNet(net: net, codec: generator.codec, timed: generator.timed)),
                                 generator: generator, budget: nil).countChanges
            }
            var initial: [UInt8] = []
            generator.codec.encode(generator.initialMarking(), into: &initial)
            initial.withUnsafeBytes { properties.settle(try! #require(changes), initial: $0) }
            #expect(before - properties.atomCount == settles, "\(before) atoms, \(properties.atomCount) after settling")
        }
        // Settled true or false, or left to each state, the statuses are the real ones:
        // the untouched place is wrong from the initial marking on, and all three jobs can be busy at once.
        let net = try #require(checked(colored))
        let r = Explorer(net: net).run(file: "x.yaml")
        #expect(r.properties.first { $0.name == "spare_is_three" }?.status == .violated)
        #expect(r.properties.first { $0.name == "jobs_kept" }?.status == .holds)
        #expect(r.properties.first { $0.name == "todo_shrinks" }?.status == .holds)
        #expect(r.properties.first { $0.name == "busy_at_most_2" }?.status == .violated)
    }

    /// A state limit, a depth limit and a net whose colors are too large to
    /// unfold: the engines still agree, and the report says which one ran.
    @Test func boundsAndFallback() throws {
        let net = try #require(checked(RandomColoredNet.philosophers(6)))
        var options = ExplorationOptions()
        options.maxDepth = 5
        for engine in [ExplorationEngine.dynamic, .unfolded] {
            options.engine = engine
            let r = Explorer(net: net, options: options).run(file: "x.yaml")
            #expect(r.stopReason == "depth limit 5 reached")
        }
        try compare(net, name: "philosophers(6), state limit 100", maxStates: 100)
        let big = try #require(checked("""
            cpn: 1
            places:
              p: { color: { int: [0, 1000000] }, initial: [0] }
            transitions:
              t: { in: { p: x }, guard: "x < 3", out: { p: "x + 1" } }
            """))
        let r = try report(big, engine: .automatic)
        #expect(r.engine == "dynamic")
        let small = try #require(checked(RandomColoredNet.philosophers(4)))
        #expect(try report(small, engine: .automatic).engine == "unfolded: 12 bindings over 16 counters")
    }
}

/// Random small colored nets in the YAML format, built to check: every
/// variable an expression uses is bound by an earlier input pattern.
enum RandomColoredNet {
    private struct Place { var name: String; var color: String }

    private static let colors = ["Small", "Two", "Pair"]

    static func make(_ random: inout SplitMix64, timed: Bool) -> String {
        var places: [Place] = []
        var y = """
            cpn: 1
            colors:
              Small: { int: [0, 2] }
              Two: { enum: [a, b] }
              Pair: "(Small, Two)"
            places:

            """
        for i in 0..<(2 + random.below(3)) {
            let color = colors[random.below(colors.count)]
            places.append(Place(name: "p\(i)", color: color))
            var line = "  p\(i): { color: \(color), capacity: \(2 + random.below(2))"
            let tokens = (0..<random.below(3)).map { _ in constant(color, &random) }
            if !tokens.isEmpty { line += ", initial: [\(tokens.map { "\"\($0)\"" }.joined(separator: ", "))]" }
            if color == "Small", random.below(3) == 0 {
                let key = random.below(6) == 0 ? "x => 4 / x" : "x => x"
                line += ", order: { \(random.below(2) == 0 ? "highest" : "lowest"): \"\(key)\" }"
            }
            y += line + " }\n"
        }
        y += "transitions:\n"
        for t in 0..<(2 + random.below(3)) {
            var bound: [(name: String, color: String)] = []
            var inputs: [String] = []
            var used = Set<Int>()
            for _ in 0..<(1 + random.below(2)) {
                let p = random.below(places.count)
                guard used.insert(p).inserted else { continue }
                let place = places[p]
                if random.below(5) == 0 {
                    inputs.append("\(place.name): [\"\(pattern(place.color, &bound, &random))\", \"\(pattern(place.color, &bound, &random))\"]")
                } else if random.below(6) == 0 {
                    inputs.append("\(place.name): { token: \"\(pattern(place.color, &bound, &random))\", count: 2 }")
                } else {
                    inputs.append("\(place.name): \"\(pattern(place.color, &bound, &random))\"")
                }
            }
            // `read:` arcs bind like inputs; `unless:` arcs only test bound names.
            var reads: [String] = [], inhibitors: [String] = []
            if random.below(4) == 0 {
                let place = places[random.below(places.count)]
                reads.append("\(place.name): \"\(pattern(place.color, &bound, &random))\"")
            }
            if random.below(4) == 0 {
                let place = places[random.below(places.count)]
                let test = testPattern(place.color, bound, &random)
                inhibitors.append(random.below(4) == 0 ? "\(place.name): { token: \"\(test)\", count: 2 }" : "\(place.name): \"\(test)\"")
            }
            var outputs: [String] = []
            var usedOut = Set<Int>()
            for _ in 0..<random.below(3) {
                let p = random.below(places.count)
                guard usedOut.insert(p).inserted else { continue }
                var term = expression(places[p].color, bound, &random)
                if timed, random.below(2) == 0 {
                    let smalls = bound.filter { $0.color == "Small" }
                    term += smalls.isEmpty || random.below(3) == 0 ? " @+ \(1 + random.below(2))"
                        : " @+ \(smalls[0].name)\(random.below(4) == 0 ? " - 1" : "")"
                }
                outputs.append("\(places[p].name): \"\(term)\"")
            }
            if outputs.isEmpty, timed { outputs.append("\(places[0].name): \"\(constant(places[0].color, &random)) @+ 1\"") }
            y += "  t\(t):\n    in: { \(inputs.joined(separator: ", ")) }\n"
            if !reads.isEmpty { y += "    read: { \(reads.joined(separator: ", ")) }\n" }
            if !inhibitors.isEmpty { y += "    unless: { \(inhibitors.joined(separator: ", ")) }\n" }
            if !outputs.isEmpty { y += "    out: { \(outputs.joined(separator: ", ")) }\n" }
            let smalls = bound.filter { $0.color == "Small" }
            if let v = smalls.first, random.below(3) == 0 {
                let guards = ["\(v.name) != 1", "\(v.name) < 2", "6 / \(v.name) > 2", "\(v.name) * 2 >= \(smalls.last!.name)"]
                y += "    guard: \"\(guards[random.below(guards.count)])\"\n"
            }
        }
        let candidates = invariants(places)
        if random.below(5) > 0 {
            y += "invariants:\n"
            for k in 0..<(1 + random.below(3)) {
                y += "  inv\(k): { expr: \"\(candidates[random.below(candidates.count)])\" }\n"
            }
        }
        if random.below(3) == 0 {
            y += "final: \"\(["size(p0) == 0", "size(p1) > 0 || count(p0) >= 2", "forall s in Small: sum(p0, _x => 1) <= 5"][random.below(3)])\"\n"
        }
        return y
    }

    /// Properties of every shape counters compile (and some they do not:
    /// a division by a token value, a product of two reads), for these places.
    private static func invariants(_ places: [Place]) -> [String] {
        var out = ["size(p0) + size(p1) <= 3", "size(p0) * 2 - size(p1) <= 4", "if size(p0) > 1 then size(p1) == 0 else true",
                   "(size(p0) > 0) == (size(p1) > 0)", "!(size(p0) == 3) && size(p1) != 4", "size(p0) * size(p1) <= 2"]
        for p in places {
            let n = p.name
            switch p.color {
            case "Small":
                out += ["sum(\(n)) <= 3", "count(\(n), 1) + count(\(n), x => x == 2) < 3", "forall v in Small: count(\(n), v) <= 1",
                        "exists x in \(n): x == 0", "forall x in \(n): count(\(n), (x + 1) % 3) == 0 || x == 2",
                        "count(\(n), x => 6 / x > 1) >= 1", "sum(\(n), x => 2 * x - 3) <= 1", "-count(\(n), 0) > -2"]
            case "Two":
                out += ["count(\(n), a) - count(\(n), b) != 1", "forall d in Two: count(\(n), d) < 2",
                        "exists d in Two: count(\(n), d) == 0"]
            default:
                out += ["count(\(n), (v, _w) => v == 1) <= 1", "forall (v, _w) in \(n): v != 2 || size(\(n)) <= 1",
                        "forall v in Small: count(\(n), (v, a)) + count(\(n), (v, b)) <= 1"]
            }
        }
        return out
    }

    private static func constant(_ color: String, _ random: inout SplitMix64) -> String {
        switch color {
        case "Small": "\(random.below(3))"
        case "Two": random.below(2) == 0 ? "a" : "b"
        default: "(\(random.below(3)), \(random.below(2) == 0 ? "a" : "b"))"
        }
    }

    /// A fresh variable, a join, a constant or an expression over bound variables.
    private static func pattern(_ color: String, _ bound: inout [(name: String, color: String)],
                                _ random: inout SplitMix64) -> String {
        let same = bound.filter { $0.color == color }
        switch random.below(6) {
        case 0 where !same.isEmpty:
            return same[random.below(same.count)].name
        case 1:
            return constant(color, &random)
        case 2 where color == "Small" && !same.isEmpty:
            return "(\(same[0].name) + 1) % 3"
        case 3 where color == "Pair":
            let x = "v\(bound.count)"
            bound.append((x, "Small"))
            return "(\(x), \(random.below(2) == 0 ? "_" : "a"))"
        case 4:
            return "_"
        default:
            let x = "v\(bound.count)"
            bound.append((x, color))
            return x
        }
    }

    /// An `unless:` pattern: binds nothing, so `_`, a constant, a join or
    /// an expression over bound variables (`6 / v` may fail to evaluate).
    private static func testPattern(_ color: String, _ bound: [(name: String, color: String)],
                                    _ random: inout SplitMix64) -> String {
        let same = bound.filter { $0.color == color }, smalls = bound.filter { $0.color == "Small" }
        switch random.below(5) {
        case 0 where !same.isEmpty: return same[random.below(same.count)].name
        case 1: return constant(color, &random)
        case 2 where color == "Pair" && !smalls.isEmpty: return "(\(smalls[0].name), _)"
        case 3 where color == "Small" && !smalls.isEmpty: return "6 / \(smalls[0].name) - 2"
        default: return "_"
        }
    }

    /// An output term; `x + 1` and `x - 1` may leave the color (an evaluation error).
    private static func expression(_ color: String, _ bound: [(name: String, color: String)],
                                   _ random: inout SplitMix64) -> String {
        let same = bound.filter { $0.color == color }, smalls = bound.filter { $0.color == "Small" }
        switch color {
        case "Small" where !same.isEmpty:
            let v = same[random.below(same.count)].name
            return ["\(v)", "(\(v) + 1) % 3", "\(v) + 1", "2 - \(v)", "\(v) - 1"][random.below(5)]
        case "Pair" where !smalls.isEmpty:
            return "(\(smalls[random.below(smalls.count)].name), \(random.below(2) == 0 ? "a" : "b"))"
        case "Two" where !same.isEmpty && random.below(2) == 0:
            return same[0].name
        default:
            return constant(color, &random)
        }
    }

    /// The colored dining philosophers of the example library, for `n`.
    static func philosophers(_ n: Int) -> String {
        let all = (0..<n).map(String.init).joined(separator: ", ")
        return """
            cpn: 1
            constants: { N: \(n) }
            colors:
              Phil: { int: [0, \(n - 1)] }
            places:
              thinking: { color: Phil, initial: [\(all)] }
              forks: { color: Phil, initial: [\(all)] }
              has_first: Phil
              eating: Phil
            transitions:
              take_first: { in: { thinking: p, forks: "min(p, (p + 1) % N)" }, out: { has_first: p } }
              take_second: { in: { has_first: p, forks: "max(p, (p + 1) % N)" }, out: { eating: p } }
              finish: { in: { eating: p }, out: { thinking: p, forks: [p, "(p + 1) % N"] } }
            invariants:
              forks_conserved: { expr: "size(forks) + size(has_first) + 2 * size(eating) == N" }
            """
    }
}
