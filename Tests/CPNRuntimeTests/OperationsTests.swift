import CPNRuntime
import CPNRuntimePostgres
import CPNRuntimeSQLite
import Foundation
import Testing
import CPNJSON

/// What someone running the runtime as a service relies on: SIGTERM stops it
/// after the transaction each worker is in, `status` says how long ago the
/// last event was, `status --format prometheus` is valid exposition text,
/// and the latency the run reports adds up across workers.
@Suite(.serialized) struct OperationsTests {
    static let bulk = "Tests/Fixtures/runtime/bulk-pipeline.yaml"

    @Test func sigtermFinishesTheFiringInProgressAndLeavesTheRestInTheStore() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Each firing pauses inside its transaction (inputs deleted, outputs not written):
        // the signal lands in the middle of one, which must still commit, whole.
        let child = try RuntimeTest.Child(["run", RuntimeTest.path(Self.bulk), "--store", "sqlite:state.db", "--no-verify", "--batch", "1"], in: dir,
                                          environment: ["CPN_RUNTIME_PAUSE_MID_FIRING_MS": "120"], name: "service")
        let deadline = RuntimeClock.monotonic() + 60_000_000
        while RuntimeClock.monotonic() < deadline, child.output.components(separatedBy: "pausing").count - 1 < 3 { RuntimeClock.sleep(micros: 5_000) }
        RuntimeClock.sleep(micros: 40_000)
        kill(child.process.processIdentifier, SIGTERM)
        let status = child.wait()
        #expect(status == TerminationSignal.exitStatus, "exit \(status): \(child.output)")
        #expect(child.output.contains("stopped: interrupted"), "\(child.output)")
        let pauses = child.output.components(separatedBy: "pausing").count - 1
        let store = try SQLiteStore(path: dir.appendingPathComponent("state.db").path)
        defer { store.close() }
        let events = try EventLog.all(store)
        let fired = events.count { $0.kind == .fire }
        #expect(fired == pauses, "every firing that began was committed, none after the signal: \(fired) fired, \(pauses) began")
        #expect(fired >= 3 && fired < 180, "stopped mid-run: \(fired)")
        let rows = try Engine.attach(store: store, worker: "check").snapshot().tokens
        #expect(RuntimeTest.counts(try RuntimeTest.fold(events).values) == RuntimeTest.counts(rows), "the store is what its log says")
        // The next run carries on from there.
        let rest = try RuntimeTest.run(["run", RuntimeTest.path(Self.bulk), "--store", "sqlite:state.db", "--no-verify"], in: dir)
        #expect(rest.status == 0, "\(rest.output)")
        #expect(try EventLog.all(store).count { $0.kind == .fire } == 180)
    }

    @Test func statusSaysHowLongAgoTheRunStoppedAndThatTheClockStandsStill() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            cpn: 1
            name: later
            places:
              soon: Unit
              gone: Unit
            transitions:
              go: { in: { soon: 1 }, out: { gone: 1 } }
            """.write(to: dir.appendingPathComponent("later.yaml"), atomically: true, encoding: .utf8)
        let added = try RuntimeTest.run(["tokens", "add", "soon", "()", "--delay", "5", "--net", "later.yaml", "--store", "sqlite:s.db"], in: dir)
        #expect(added.status == 0, "\(added.output)")
        RuntimeClock.sleep(micros: 1_100_000)
        let status = try RuntimeTest.runCapturing(["status", "--store", "sqlite:s.db"], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        let activity = status.stdout.split(separator: "\n").first { $0.hasPrefix("last event: ") }.map(String.init) ?? ""
        #expect(activity.contains(" ago (") && activity.contains("the net's clock is stopped"), "\(status.stdout)")
        // At least the second slept since the event: a wall-clock time that moves, not a frozen one.
        let ago = activity.dropFirst("last event: ".count).prefix { $0 != " " }
        #expect(ago.hasSuffix("s") && !ago.hasSuffix("ms") && !ago.hasSuffix("µs"), "\(activity)")
        #expect(status.stdout.contains("() (ready 5s after the net's clock resumes)"), "\(status.stdout)")
        let json = try RuntimeTest.runCapturing(["status", "--store", "sqlite:s.db", "--format", "json"], in: dir)
        let since = JSONValue.parse(json.stdout)?["since_last_event_us"]?.int ?? -1
        #expect(since >= 1_000_000, "\(json.stdout)")
    }

    @Test func prometheusMetricsAreExpositionTextWithTheLogsCounts() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try RuntimeTest.run(["run", RuntimeTest.path(Self.bulk), "--store", "sqlite:state.db", "--no-verify"], in: dir)
        #expect(run.status == 0, "\(run.output)")
        let r = try RuntimeTest.runCapturing(["status", "--store", "sqlite:state.db", "--format", "prometheus"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        var declared: [String: String] = [:]
        for line in r.stdout.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 4 && ["counter", "gauge", "summary"].contains(parts[3]), "\(line)")
                if parts.count == 4 { declared[String(parts[2])] = String(parts[3]) }
                continue
            }
            // name{label="value",...} number
            let sample = #/^([a-z_]+)\{([a-z_]+="[^"\\]*",?)+\} (-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?|NaN|[+-]Inf)$/#
            let match = line.wholeMatch(of: sample)
            #expect(match != nil, "not a sample line: \(line)")
            if let name = match?.1 {
                let family = String(name).replacing(#/_(sum|count)$/#, with: "")
                #expect(declared[String(name)] != nil || declared[family] == "summary", "sample before its TYPE: \(line)")
            }
        }
        #expect(r.stdout.contains("cpn_firings_total{net=\"bulk-pipeline\",transition=\"stage\"} 60\n"), "\(r.stdout)")
        #expect(r.stdout.contains("cpn_tokens{net=\"bulk-pipeline\",place=\"done\",state=\"ready\"} 60\n"))
        #expect(r.stdout.contains("cpn_final{net=\"bulk-pipeline\"} 1\n"))
        #expect(r.stdout.contains("cpn_events_total{net=\"bulk-pipeline\"} 181\n"), "180 firings and the init event")
    }

    @Test func postgresURLOptionsAreCheckedBeforeConnecting() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (query, message) in [("sync=sometimes", "sync=sometimes is not supported"), ("application_name=x", "unknown PostgreSQL URL option `application_name`")] {
            // Port 1: nothing listens there; the URL must be refused before any connection is tried.
            let r = try RuntimeTest.runCapturing(["status", "--store", "postgres://cpn@127.0.0.1:1/cpn?\(query)"], in: dir)
            #expect(r.status == 2 && r.stderr.contains(message), "\(query): exit \(r.status)\n\(r.stderr)")
        }
    }

    @Test(.enabled(if: RuntimeTest.postgresURL != nil))
    func asynchronousCommitOnPostgresRunsTheBulkPipeline() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try RuntimeTest.freshPostgresDatabase(RuntimeTest.postgresURL!) + "?sync=normal"
        let workers = try (0..<4).map { i in
            try RuntimeTest.Child(["run", RuntimeTest.path(Self.bulk), "--store", url, "--no-verify", "--seed", "\(i + 1)"], in: dir, name: "w\(i)")
        }
        for (i, w) in workers.enumerated() { #expect(w.wait() == 0, "worker \(i): \(w.output)") }
        let store = try PostgresStore(url: url)
        defer { store.close() }
        let events = try EventLog.all(store)
        #expect(RuntimeTest.counts(try RuntimeTest.fold(events).values) == ["done": ["()": 60], "slots": ["s1": 1, "s2": 1, "s3": 1, "s4": 1]])
        #expect(events.count { $0.kind == .fire } == 180)
    }

    @Test func aRunReportsItsLatencyAndHistogramsAddUp() throws {
        var a = LatencyHistogram(), b = LatencyHistogram()
        for us in [100, 200, 300, 400] { a.record(micros: Int64(us)) }
        b.record(micros: 10_000, count: 4)
        #expect(a.percentile(0.5).map { $0 >= 200 && $0 <= 240 } == true, "\(String(describing: a.percentile(0.5)))")
        a.add(b)
        #expect(a.total == 8)
        #expect(a.percentile(0.99).map { $0 >= 10_000 && $0 <= 12_000 } == true)
        #expect(LatencyHistogram().percentile(0.5) == nil)
        // Every recorded duration is at or below its bucket's bound, above the bound before.
        for us in [0, 1, 2, 3, 7, 850, 1_000_000, Int64.max / 2] {
            var h = LatencyHistogram()
            h.record(micros: us)
            let bound = try #require(h.percentile(1))
            #expect(bound >= min(us, LatencyHistogram.upperBound(LatencyHistogram.bucketCount - 1)), "\(us) → \(bound)")
        }
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try RuntimeTest.runCapturing(["run", RuntimeTest.path(Self.bulk), "--store", "sqlite:state.db", "--no-verify", "--format", "json", "--workers", "2"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let report = JSONValue.parse(run.stdout)
        let buckets = report?["latency_us"]?["buckets"]?.array ?? []
        #expect(buckets.reduce(0) { $0 + ($1.array?.last?.int ?? 0) } == 180, "one latency per firing: \(run.stdout)")
        #expect(report?["latency_us"]?["p99"]?.int != nil)
    }
}

/// `cpn-author inject`: a fault the runtime never fires, fired by hand.
@Suite struct InjectCommandTests {
    static let net = """
        cpn: 1
        name: stuck-worker
        places:
          idle:    { color: Unit, initial: 1 }
          busy:    Unit
          crashed: Unit
          budget:  { color: Unit, initial: 1 }
        transitions:
          start:   { in: { idle: 1 }, out: { busy: 1 } }
          crash:   { kind: fault, in: { busy: 1, budget: 1 }, out: { crashed: 1 } }
          restart: { in: { crashed: 1 }, out: { idle: 1 } }
        final: "size(busy) == 1"
        """

    @Test func injectFiresAFaultOnceAndSaysWhenItCannot() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.net.write(to: dir.appendingPathComponent("w.yaml"), atomically: true, encoding: .utf8)
        // The run stops at `final` (busy) although `crash` is enabled there: the runtime never fires a fault.
        let run = try RuntimeTest.run(["run", "w.yaml", "--store", "sqlite:w.db"], in: dir)
        #expect(run.status == 0, "\(run.output)")
        let store = try SQLiteStore(path: dir.appendingPathComponent("w.db").path)
        defer { store.close() }
        #expect(try !EventLog.all(store).contains { $0.transition == "crash" })
        let injected = try RuntimeTest.runCapturing(["inject", "crash", "--store", "sqlite:w.db"], in: dir)
        #expect(injected.status == 0 && injected.stdout.hasPrefix("injected crash"), "\(injected.stdout)\(injected.stderr)")
        #expect(try EventLog.all(store).filter { $0.transition == "crash" }.count == 1)
        // The budget is spent: nothing to inject, exit 1, nothing changed.
        let again = try RuntimeTest.runCapturing(["inject", "crash", "--store", "sqlite:w.db"], in: dir)
        #expect(again.status == 1 && again.stderr.contains("crash is not enabled now"), "\(again.stderr)")
        let unknown = try RuntimeTest.runCapturing(["inject", "crsh", "--store", "sqlite:w.db"], in: dir)
        #expect(unknown.status == 2 && unknown.stderr.contains("did you mean `crash`?"), "\(unknown.stderr)")
        let badVariable = try RuntimeTest.runCapturing(["inject", "restart", "--bind", "w=w1", "--store", "sqlite:w.db"], in: dir)
        #expect(badVariable.status == 2 && badVariable.stderr.contains("has no variable `w`"), "\(badVariable.stderr)")
    }
}

/// `run --metrics`: the Prometheus text over HTTP while the workers fire.
@Suite struct MetricsEndpointTests {
    static func curl(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "-s", "--max-time", "60"] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aRunServesItsMetricsUntilItStops() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let child = try RuntimeTest.Child(["run", RuntimeTest.path("Tests/Fixtures/runtime/fault-worker.yaml"), "--store", "sqlite:m.db",
                                           "--until", "600s", "--metrics", ":0"], in: dir, name: "metrics")
        // Wait (generously) for the line that names the port the system chose.
        var url: String?
        // As long as the run's own hang timeout: a busy machine may take that long to start it.
        for _ in 0..<Int(RuntimeTest.Child.hangTimeout * 10) where url == nil {
            let err = (try? String(contentsOf: child.stderr, encoding: .utf8)) ?? ""
            url = err.split(separator: "\n").first { $0.hasPrefix("metrics at ") }.map { String($0.dropFirst("metrics at ".count)) }
            if url == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let metrics = try #require(url, "no `metrics at` line: \(child.output)")
        var body = ""
        for _ in 0..<600 where !body.contains("transition=\"finish\"") {
            body = try Self.curl([metrics])
            if !body.contains("transition=\"finish\"") { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(body.contains("# TYPE cpn_firings_total counter") && body.contains("cpn_firings_total{net=\"fault-worker\",transition=\"finish\"}"), "\(body)")
        #expect(!body.contains("cpn_firings_total{net=\"fault-worker\",transition=\"crash\"} 1"), "a fault was fired by the run")
        let missing = try Self.curl(["-o", "/dev/null", "-w", "%{http_code}", metrics.replacingOccurrences(of: "/metrics", with: "/other")])
        #expect(missing == "404")
        kill(child.process.processIdentifier, SIGTERM)
        #expect(child.wait() == 143, "\(child.output)")
    }

    @Test func aBadAddressIsRefusedBeforeAnythingRuns() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try RuntimeTest.runCapturing(["run", RuntimeTest.path("Tests/Fixtures/runtime/fault-worker.yaml"), "--store", "sqlite:m.db",
                                              "--metrics", "localhost"], in: dir)
        #expect(r.status == 2 && r.stderr.contains("--metrics takes [HOST]:PORT"), "\(r.stderr)")
    }
}
