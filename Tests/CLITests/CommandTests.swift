import Foundation
import Testing

/// Exit codes and outputs of the commands on small nets written by each test.
@Suite struct CommandTests {
    static let passing = """
    cpn: 1
    colors:
      Job: { int: [1, 2] }
    places:
      queue: { color: Job, initial: [1, 2] }
      done: Job
    transitions:
      work: { in: { queue: j }, out: { done: j } }
    invariants:
      conserved: "size(queue) + size(done) == 2"
    final: "size(done) == 2"
    """

    /// A job can be finished twice: `done` can exceed the number of jobs.
    static let violating = """
    cpn: 1
    colors:
      Job: { int: [1, 2] }
    places:
      queue: { color: Job, initial: [1, 2] }
      done: Job
    transitions:
      work: { in: { queue: j }, out: { done: [j, j] } }
    invariants:
      at_most_two_done: "size(done) <= 2"
    """

    /// Counts up forever: only a bound stops exploration.
    /// Bounded (1,000 markings in a chain), so only a bound stops it early.
    static let large = """
    cpn: 1
    places:
      n: { color: { int: [0, 999] }, initial: [0] }
    transitions:
      step: { in: { n: x }, guard: x < 999, out: { n: "x + 1" } }
    final: "count(n, x => x == 999) == 1"
    """

    /// Division by zero reached after one step.
    static let erroneous = """
    cpn: 1
    colors:
      N: { int: [0, 3] }
    places:
      a: { color: N, initial: [1] }
      b: N
    transitions:
      down: { in: { a: n }, out: { a: "n - 1" }, guard: "n > 0" }
      divide: { in: { a: n }, out: { b: "3 / n" }, guard: "n == 0 || n == 1" }
    """

    func write(_ text: String, _ name: String = "net.yaml") throws -> (URL, String) {
        let dir = try CLI.scratchDirectory()
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    func json(_ text: String) throws -> [String: Any] {
        let any = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(any as? [String: Any])
    }

    func firstResult(_ text: String) throws -> [String: Any] {
        let results = try #require(try json(text)["results"] as? [[String: Any]])
        return try #require(results.first)
    }

    @Test func verifyExitsZeroWhenEveryPropertyHolds() throws {
        let (dir, path) = try write(Self.passing)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["verify", path, "--format", "json", "--no-timing"])
        #expect(run.status == 0, "\(run.stderr)")
        let r = try firstResult(run.stdout)
        #expect(r["verdict"] as? String == "pass")
        #expect(r["complete"] as? Bool == true)
        #expect(r["states"] as? Int == 4)
        let props = try #require(r["properties"] as? [[String: Any]])
        #expect(props.allSatisfy { $0["status"] as? String == "holds" })
    }

    @Test func verifyExitsOneWithTheShortestTraceAndSavesIt() throws {
        let (dir, path) = try write(Self.violating)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tracePath = dir.appendingPathComponent("trace.json").path
        let run = try CLI.run(["verify", path, "--format", "json", "--no-timing", "--trace-out", tracePath])
        #expect(run.status == 1)
        let r = try firstResult(run.stdout)
        #expect(r["verdict"] as? String == "violated")
        let props = try #require(r["properties"] as? [[String: Any]])
        let inv = try #require(props.first { $0["name"] as? String == "at_most_two_done" })
        #expect(inv["status"] as? String == "violated")
        let trace = try #require(inv["trace"] as? [String: Any])
        let steps = try #require(trace["steps"] as? [[String: Any]])
        #expect(steps.count == 2, "two firings put 4 tokens in `done`: the shortest violation")
        // The saved trace replays: the marking after step 2 has 4 tokens in `done`.
        #expect(FileManager.default.fileExists(atPath: tracePath))
        let replay = try CLI.run(["replay", tracePath, "--step", "2"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("done"))
    }

    @Test func verifyExitsThreeAtABoundAndZeroWhenBoundsAreAccepted() throws {
        let (dir, path) = try write(Self.large)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bounded = try CLI.run(["verify", path, "--max-states", "50", "--format", "json", "--no-timing"])
        #expect(bounded.status == 3)
        let r = try firstResult(bounded.stdout)
        #expect(r["complete"] as? Bool == false)
        #expect(r["verdict"] as? String == "bounded")
        #expect(r["states"] as? Int == 50)
        let accepted = try CLI.run(["verify", path, "--max-states", "50", "--accept-bounded"])
        #expect(accepted.status == 0)
        let depth = try CLI.run(["verify", path, "--max-depth", "7", "--format", "json", "--no-timing"])
        #expect(depth.status == 3)
        #expect(try firstResult(depth.stdout)["depth"] as? Int == 7)
    }

    @Test func verifyReportsRuntimeExpressionErrorsWithATrace() throws {
        let (dir, path) = try write(Self.erroneous)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["verify", path, "--format", "json", "--no-timing"])
        #expect(run.status == 1)
        let props = try #require(try firstResult(run.stdout)["properties"] as? [[String: Any]])
        let errors = try #require(props.first { $0["name"] as? String == "expression-errors" })
        #expect(errors["status"] as? String == "violated")
        #expect((errors["message"] as? String ?? "").contains("zero"))
        #expect(errors["trace"] != nil)
    }

    @Test func verifyExitsTwoOnInvalidInputAndOnBadOptions() throws {
        let (dir, path) = try write("cpn: 1\nplaces: { a: Nope }\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["verify", path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(path):2:"))
        #expect(try CLI.run(["verify", path, "--max-states", "0"]).status == 2)
        #expect(try CLI.run(["verify", "/nonexistent/net.yaml"]).status == 2)
        // The worst outcome wins across files: invalid beats violated beats pass.
        let (dir2, good) = try write(Self.passing)
        defer { try? FileManager.default.removeItem(at: dir2) }
        #expect(try CLI.run(["verify", good, path]).status == 2)
    }

    @Test func reportsAreByteIdenticalWithoutTiming() throws {
        let (dir, path) = try write(Self.violating)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try CLI.run(["verify", path, "--format", "json", "--no-timing"])
        let b = try CLI.run(["verify", path, "--format", "json", "--no-timing"])
        #expect(a.stdout == b.stdout)
        let t1 = try CLI.run(["verify", path, "--no-timing"]), t2 = try CLI.run(["verify", path, "--no-timing"])
        #expect(t1.stdout == t2.stdout)
        #expect(!t1.stdout.contains("\u{1B}["), "no colour when piped")
    }

    @Test func simulateIsReproducibleForASeedAndDiffersAcrossSeeds() throws {
        let (dir, path) = try write(Self.large)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try CLI.run(["simulate", path, "--seed", "11", "--runs", "4", "--steps", "30", "--format", "json"])
        let b = try CLI.run(["simulate", path, "--seed", "11", "--runs", "4", "--steps", "30", "--format", "json"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(!a.stdout.isEmpty)
    }

    @Test func simulateExitsOneWhenARunBreaksAnInvariant() throws {
        let (dir, path) = try write(Self.violating)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLI.run(["simulate", path, "--seed", "1", "--runs", "5", "--steps", "10"]).status == 1)
    }

    @Test func exportAndConvertRoundTripThroughPNML() throws {
        let pt = "cpn: 1\nplaces:\n  a: { color: Unit, initial: 2 }\n  b: Unit\ntransitions:\n  t: { in: { a: 1 }, out: { b: 1 } }\n"
        let (dir, path) = try write(pt)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pnml = dir.appendingPathComponent("net.pnml").path, back = dir.appendingPathComponent("back.yaml").path
        #expect(try CLI.run(["export", path, "--to", "pnml", "-o", pnml]).status == 0)
        #expect(try CLI.run(["convert", pnml, "-o", back]).status == 0)
        let v1 = try firstResult(try CLI.run(["verify", pnml, "--format", "json", "--no-timing"]).stdout)
        let v2 = try firstResult(try CLI.run(["verify", back, "--format", "json", "--no-timing"]).stdout)
        #expect(v1["states"] as? Int == 3)
        #expect(v2["states"] as? Int == 3)
        let promela = try CLI.run(["export", path, "--to", "promela"])
        #expect(promela.status == 0)
        #expect(promela.stdout.contains("d_step"))
    }

    @Test func exportRefusesTimedNetsWithAReason() throws {
        let timed = "cpn: 1\nplaces:\n  a: { color: Unit, initial: 1 }\n  b: Unit\ntransitions:\n  t: { in: { a: 1 }, out: { b: \"() @+ 3\" } }\n"
        let (dir, path) = try write(timed)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["export", path, "--to", "promela"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("timed"))
        #expect(run.stderr.contains("help:"))
    }

    @Test func replayRejectsWhatIsNotATraceWithExitTwo() throws {
        let (dir, path) = try write("{\"steps\": 3}", "bad.json")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["replay", path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("not a cpn-author trace"))
        #expect(try CLI.run(["replay", dir.appendingPathComponent("missing.json").path]).status == 2)

        // Well-formed JSON with a count no trace can hold.
        let negative = #"{"net": "n", "initial": [{"place": "a", "tokens": [{"token": "()", "count": -5}]}], "steps": []}"#
        let (dir2, path2) = try write(negative, "negative.json")
        defer { try? FileManager.default.removeItem(at: dir2) }
        let refused = try CLI.run(["replay", path2])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("counts must be at least 1"), "\(refused.stderr)")
    }

    @Test func schemaAndExplainWork() throws {
        let schema = try CLI.run(["schema"])
        #expect(schema.status == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(schema.stdout.utf8)) is [String: Any])
        let explain = try CLI.run(["explain", "E0302"])
        #expect(explain.status == 0)
        #expect(try CLI.run(["explain", "E9999"]).status == 2)
    }

    @Test func everyCommandHasHelp() throws {
        for command in ["draft", "revise", "check", "verify", "simulate", "replay", "review", "graph", "run", "tokens", "status",
                        "log", "partition", "export", "convert", "explain", "schema"] {
            let run = try CLI.run(["help", command])
            #expect(run.status == 0, "\(command)")
            #expect(run.stdout.contains("USAGE: cpn-author \(command)"), "\(command)")
        }
    }
}
