import CPNExplore
import CPNInterop
import CPNLoad
import Foundation
import Testing

/// Dining philosophers as a P/T net, `n` philosophers taking the left fork first.
func philosophers(_ n: Int) -> String {
    var s = "cpn: 1\nname: philosophers-\(n)\nplaces:\n"
    for i in 0..<n {
        s += "  think\(i): { color: Unit, initial: 1 }\n  fork\(i): { color: Unit, initial: 1 }\n  hasLeft\(i): Unit\n  eat\(i): Unit\n"
    }
    s += "transitions:\n"
    for i in 0..<n {
        let j = (i + 1) % n
        s += "  takeLeft\(i): { in: { think\(i): 1, fork\(i): 1 }, out: { hasLeft\(i): 1 } }\n"
        s += "  takeRight\(i): { in: { hasLeft\(i): 1, fork\(j): 1 }, out: { eat\(i): 1 } }\n"
        s += "  release\(i): { in: { eat\(i): 1 }, out: { think\(i): 1, fork\(i): 1, fork\(j): 1 } }\n"
    }
    return s
}

/// A small colored net: two workers share jobs; each job is processed once.
let coloredNet = """
cpn: 1
colors:
  Worker: { enum: [w1, w2] }
  Job: { int: [1, 3] }
places:
  idle: { color: Worker, initial: [w1, w2] }
  queue: { color: Job, initial: [1, 2, 3] }
  busy: { color: "(Worker, Job)", capacity: 1 }
  done: Job
transitions:
  take:
    in: { idle: w, queue: j }
    out: { busy: "(w, j)" }
  finish:
    in: { busy: "(w, j)" }
    guard: j != 2 || w == w2
    out: { idle: w, done: j }
"""

func load(_ yaml: String) throws -> CheckedNet {
    let r = NetLoader.load(text: yaml, path: "test.yaml")
    return try #require(r.checked, "\(r.diagnostics.map(\.message))")
}

func states(_ net: CheckedNet) -> Int {
    Explorer(net: net, options: ExplorationOptions()).run(file: "test.yaml").states
}

@Suite struct UnfoldingTests {
    @Test func placeTransitionNetUnfoldsToItself() throws {
        let u = try Unfolding(try load(philosophers(4)))
        #expect(u.cells.count == 16)
        #expect(u.steps.count == 12)
    }

    @Test func coloredNetUnfoldsOneStepPerBindingThatPassesTheGuard() throws {
        let u = try Unfolding(try load(coloredNet))
        // take: 2 workers × 3 jobs; finish: 6 bindings minus (w1, 2) failing the guard.
        #expect(u.steps.count == 6 + 5)
        #expect(u.cells.count == 2 + 3 + 6 + 3)
    }

    @Test func timedAndOrderedNetsAreRefusedWithAReason() throws {
        let timed = "cpn: 1\nplaces:\n  a: { color: Unit, initial: 1 }\n  b: Unit\ntransitions:\n  t: { in: { a: 1 }, out: { b: \"() @+ 2\" } }\n"
        #expect(throws: InteropError.self) { try Unfolding(try load(timed)) }
        let ordered = "cpn: 1\ncolors:\n  N: { int: [0, 2] }\nplaces:\n  a: { color: N, initial: [0, 1], order: { highest: \"x => x\" } }\n  b: N\ntransitions:\n  t: { in: { a: x }, out: { b: x } }\n"
        do {
            _ = try Unfolding(try load(ordered))
            Issue.record("an ordered place was unfolded")
        } catch let e as InteropError {
            #expect(e.message.contains("order"))
            #expect(e.help != nil)
        }
    }
}

@Suite struct PromelaExportTests {
    @Test func promelaHasOneCounterPerCellAndOneAtomicStepPerBinding() throws {
        let text = try PromelaExport.promela(try load(coloredNet), sourcePath: "test.yaml")
        #expect(text.components(separatedBy: ":: d_step").count - 1 == 11)
        #expect(text.contains("byte p_idle_0 = 1;"))
        // busy has capacity 1: every step that produces into it checks the sum.
        #expect(text.contains("(p_busy_0 + p_busy_1 + p_busy_2 + p_busy_3 + p_busy_4 + p_busy_5) + 1 <= 1"))
    }

    /// When SPIN is installed, its state count must equal ours (skipped otherwise:
    /// the benchmark, not the test suite, is where SPIN is required).
    @Test func spinCountsTheSameStatesWhenInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/spin"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/gcc") else { return }
        for yaml in [philosophers(6), coloredNet] {
            let net = try load(yaml)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spin-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            try PromelaExport.promela(net, sourcePath: "test.yaml").write(to: dir.appendingPathComponent("net.pml"), atomically: true, encoding: .utf8)
            let script = "spin -a net.pml >/dev/null && gcc -O2 -DBFS -DSAFETY -DNOREDUCE -o pan pan.c 2>/dev/null && ./pan -E"
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", script]
            p.currentDirectoryURL = dir
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            let line = try #require(out.split(separator: "\n").first { $0.contains("states, stored") })
            let spinStates = Int(line.split(separator: " ").first ?? "")
            #expect(spinStates == states(net))
        }
    }
}

@Suite struct PNMLTests {
    @Test func exportThenImportKeepsTheStateSpace() throws {
        for yaml in [philosophers(5), coloredNet.replacingOccurrences(of: ", capacity: 1", with: "")] {
            let net = try load(yaml)
            let pnml = try PNMLExport.pnml(net)
            let converted = try PNMLImport.convert(data: Data(pnml.utf8), path: "x.pnml").get()
            let back = try load(converted.yaml)
            #expect(states(back) == states(net))
        }
    }

    /// Read arcs (as a self-loop) and inhibitor arcs (as TAPAAL's) survive
    /// a round trip: the same states, and `unless` comes back as `unless`.
    @Test func readAndUnlessArcsSurviveExportThenImport() throws {
        let net = try load(Self.readerWriter)
        let pnml = try PNMLExport.pnml(net)
        #expect(pnml.contains("<type value=\"inhibitor\"/>"))
        let converted = try PNMLImport.convert(data: Data(pnml.utf8), path: "x.pnml").get()
        #expect(converted.yaml.contains("unless:"), "\(converted.yaml)")
        #expect(states(try load(converted.yaml)) == states(net))
    }

    /// "Fewer than 2 over several values" has no PNML inhibitor arc: refused, naming the construct.
    @Test func anUnlessCountOverSeveralValuesIsRefusedForPNML() throws {
        let net = try load("""
            cpn: 1
            colors:
              J: { int: [0, 1] }
            places:
              q: { color: J, initial: [0, 1] }
              go: { color: Unit, initial: 1 }
              went: Unit
            transitions:
              t: { in: { go: 1 }, unless: { q: { token: _, count: 2 } }, out: { went: 1 } }
              drain: { in: { q: _ } }
            """)
        #expect { try PNMLExport.pnml(net) } throws: { error in
            (error as? InteropError)?.message.contains("`unless` arc with a count of 2") == true
        }
        // Promela says it with a sum over the counters.
        let promela = try PromelaExport.promela(net, sourcePath: "t.yaml")
        #expect(promela.contains("(p_q_0 + p_q_1) < 2"), "\(promela)")
    }

    /// Readers read the lock, the writer needs no reader inside.
    static let readerWriter = """
        cpn: 1
        places:
          lock: { color: Unit, initial: 1 }
          idle: { color: Unit, initial: 2 }
          reading: Unit
          writer: { color: Unit, initial: 1 }
          writing: Unit
        transitions:
          enter: { in: { idle: 1 }, read: { lock: 1 }, out: { reading: 1 } }
          leave: { in: { reading: 1 }, out: { idle: 1 } }
          write: { in: { writer: 1 }, read: { lock: 1 }, unless: { reading: 1 }, out: { writing: 1 } }
          done: { in: { writing: 1 }, out: { writer: 1 } }
        """

    @Test func prioritiesAreRefusedForExportNamingTheConstruct() throws {
        let net = try load("""
            cpn: 1
            places:
              jobs: { color: Unit, initial: 2 }
              done: Unit
            transitions:
              fast: { in: { jobs: 1 }, out: { done: 1 }, priority: 1 }
              slow: { in: { jobs: 1 }, out: { done: 1 } }
            """)
        for export in [{ try PNMLExport.pnml(net) }, { try PromelaExport.promela(net, sourcePath: "t.yaml") }] as [() throws -> String] {
            #expect { try export() } throws: { error in (error as? InteropError)?.message.contains("`fast` has a priority") == true }
        }
    }

    @Test func capacitiesAreRefusedForPNML() throws {
        #expect(throws: InteropError.self) { try PNMLExport.pnml(try load(coloredNet)) }
    }

    @Test func importResolvesPagesReferencesWeightsAndNames() throws {
        let pnml = """
        <?xml version="1.0"?>
        <pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
          <net id="n" type="http://www.pnml.org/version-2009/grammar/ptnet">
            <page id="pg1">
              <place id="p-1"><name><text>ready</text></name><initialMarking><text>3</text></initialMarking></place>
              <transition id="t1"><name><text>not an identifier</text></name></transition>
              <page id="pg2">
                <place id="p2"/>
                <referencePlace id="r1" ref="p-1"/>
              </page>
            </page>
            <arc id="a1" source="r1" target="t1"><inscription><text>2</text></inscription></arc>
            <arc id="a2" source="t1" target="p2"/>
          </net>
        </pnml>
        """
        let r = try PNMLImport.convert(data: Data(pnml.utf8), path: "x.pnml").get()
        #expect(r.places == 2 && r.transitions == 1 && r.arcs == 2)
        #expect(r.yaml.contains("ready: { color: Unit, initial: 3 }"))
        #expect(r.yaml.contains("t1: { in: { ready: 2 }, out: { p2: 1 } }"))
        // 3 tokens, 2 per firing: one firing, then dead.
        #expect(states(try load(r.yaml)) == 2)
    }

    @Test(arguments: [
        ("", "no XML element"),
        ("<pnml><net type='http://www.pnml.org/version-2009/grammar/ptnet'><place id='a'></net></pnml>", "closing tag"),
        ("<pnml><net type='http://www.pnml.org/version-2009/grammar/ptnet'>", "well-formed"),
        ("<net/>", "root element"),
        ("<pnml><net type='http://www.pnml.org/version-2009/grammar/symmetricnet'/></pnml>", "not a place/transition net"),
        ("<pnml><net type='http://www.pnml.org/version-2009/grammar/ptnet'><place id='a'><initialMarking><text>-1</text></initialMarking></place></net></pnml>", "non-negative"),
        ("<pnml><net type='http://www.pnml.org/version-2009/grammar/ptnet'><place id='a'/><place id='b'/><arc id='x' source='a' target='b'/></net></pnml>", "two places"),
        ("<pnml><net type='http://www.pnml.org/version-2009/grammar/ptnet'><arc id='x' source='a' target='b'/></net></pnml>", "no place or transition"),
        ("<pnml></pnml>", "no <net>"),
    ])
    func malformedPNMLGetsALocatedError(input: String, expected: String) throws {
        switch PNMLImport.convert(data: Data(input.utf8), path: "bad.pnml") {
        case .success: Issue.record("accepted: \(input)")
        case .failure(let d):
            #expect(d.message.contains(expected), "\(d.message)")
            #expect(d.span?.file == "bad.pnml")
            #expect((d.span?.start.line ?? 0) >= 1)
        }
    }
}
