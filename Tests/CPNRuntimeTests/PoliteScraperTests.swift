import CPNRuntime
import CPNRuntimePostgres
import CPNRuntimeSQLite
import Foundation
import Testing
import CPNJSON

/// The polite scraper (examples/polite-scraper) run for real: its fetch step
/// is curl against a local HTTP server (Tests/Fixtures/runtime/polite-scraper),
/// which fails some attempts, with several worker processes on one store.
/// Polite by construction: the server never sees two requests to a domain at
/// once, and a domain rests at least its cooldown between two requests.
@Suite(.serialized) struct PoliteScraperTests {
    static let tickMicros: Int64 = 100_000
    static let cooldownTicks: Int64 = 2   // COOLDOWN in the net
    static let backoffTicks: Int64 = 1    // BACKOFF

    @Test func politeOnSQLiteWithThreeWorkerProcesses() throws {
        try run(store: { _ in "sqlite:state.db" }, workers: 3, exportTrace: true)
    }

    @Test(.enabled(if: RuntimeTest.postgresURL != nil, "CPN_TEST_POSTGRES_URL is not set; start a server: eval \"$(scripts/postgres-for-tests.sh start)\""))
    func politeOnPostgresWithEightWorkerProcesses() throws {
        try run(store: { _ in try RuntimeTest.freshPostgresDatabase(RuntimeTest.postgresURL!) }, workers: 8, exportTrace: false)
    }

    func run(store makeStore: (URL) throws -> String, workers: Int, exportTrace: Bool) throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixtures = RuntimeTest.path("Tests/Fixtures/runtime/polite-scraper")
        let portFile = dir.appendingPathComponent("port").path, logFile = dir.appendingPathComponent("requests.jsonl").path
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", fixtures + "/server.py", portFile, logFile]
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        // SIGKILL: the test runner's threads block SIGTERM, and its children inherit the mask.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        let deadline = RuntimeClock.monotonic() + 10_000_000
        while !FileManager.default.fileExists(atPath: portFile) && RuntimeClock.monotonic() < deadline { RuntimeClock.sleep(micros: 10_000) }
        let port = try #require(try? String(contentsOfFile: portFile, encoding: .utf8), "the test server started")

        let spec = try makeStore(dir)
        let net = RuntimeTest.path("examples/polite-scraper/net.yaml")
        let args = ["run", net, "--store", spec, "--handlers", fixtures + "/handlers.yaml", "--tick", "100ms", "--until", "final"]
        // One process verifies the net and puts it in the store; the others join it.
        let env = ["SCRAPER_BASE_URL": "http://127.0.0.1:\(port)"]
        let first = try RuntimeTest.Child(args, in: dir, environment: env, name: "worker0")
        var children = [first]
        for i in 1..<workers { children.append(try RuntimeTest.Child(args + ["--no-verify"], in: dir, environment: env, name: "worker\(i)")) }
        for (i, c) in children.enumerated() { #expect(c.wait() == 0, "worker \(i): \(c.output)") }

        // What the server saw.
        let requests = try String(contentsOfFile: logFile, encoding: .utf8).split(separator: "\n").compactMap { JSONValue.parse(String($0)) }
        #expect(requests.count == 6, "id 1 three times (two failures), id 2 once, id 3 twice (one failure)")
        for domain in ["shop", "news"] {
            let seen = requests.filter { $0["domain"]?.string == domain }.map { r -> (start: Double, end: Double) in
                (Self.seconds(r["start"]), Self.seconds(r["end"]))
            }.sorted { $0.start < $1.start }
            for (a, b) in zip(seen, seen.dropFirst()) {
                #expect(b.start >= a.end, "\(domain): never two requests at once")
                #expect(b.start - a.end >= Double(Self.cooldownTicks * Self.tickMicros) / 1e6, "\(domain): the cooldown is respected (\(b.start - a.end) s)")
            }
        }

        // What the event log says.
        let opened = try RuntimeStoresForTests.open(spec, in: dir)
        defer { opened.close() }
        let engine = try Engine.attach(store: opened, worker: "check")
        let events = try EventLog.all(opened)
        let left = try RuntimeTest.fold(events)
        #expect(try RuntimeTest.invariantsAlongLog(events, net: engine.net).isEmpty, "domain_limit and the other invariants hold at every event")
        let stored = left.values.filter { $0.place == "stored" }.map(\.value).sorted()
        #expect(stored == ["{id: 1, domain: shop, prio: 2, attempt: 2}", "{id: 2, domain: shop, prio: 1, attempt: 0}", "{id: 3, domain: news, prio: 0, attempt: 1}"])
        #expect(Set(events.filter { $0.kind == .fire }.map(\.worker)).count >= 2, "more than one worker fired")
        #expect(events.filter { $0.handler == "fetch" }.count == 6)
        // Retries wait out their backoff on the net's clock: BACKOFF * 2^attempt after the failure.
        for failed in events where failed.transition == "fetch_failed" {
            let retried = try #require(failed.produced.first { $0.place == "targets" })
            let next = try #require(events.first { $0.transition == "start_fetch" && $0.consumed.contains { $0.id == retried.id } })
            let attempt = Int64(failed.binding.first { $0.name == "t" }?.value.split(separator: " ").last?.dropLast() ?? "0") ?? 0
            #expect(next.netAt - failed.netAt >= Self.backoffTicks * (1 << attempt) * Self.tickMicros)
            #expect(next.at - failed.at >= Self.backoffTicks * (1 << attempt) * Self.tickMicros, "and at least as long on the wall clock")
        }

        if exportTrace {
            let exported = try RuntimeTest.run(["log", "export", "--store", spec, "--as-trace", "-o", "run.json"], in: dir)
            #expect(exported.status == 0, "\(exported.output)")
            let replay = try RuntimeTest.run(["replay", "run.json"], in: dir)
            #expect(replay.status == 0)
            #expect(replay.output.contains("fetch_failed") && replay.output.contains("end_store"), "replay walks through the run")
            let status = try RuntimeTest.run(["status", "--store", spec], in: dir)
            #expect(status.status == 0 && status.output.contains("final"), "\(status.output)")
        }
    }

    static func seconds(_ v: JSONValue?) -> Double {
        switch v {
        case .double(let d)?: return d
        case .int(let i)?: return Double(i)
        default: return .nan
        }
    }
}

/// Opens a store the way the CLI does, relative to a test's directory.
enum RuntimeStoresForTests {
    static func open(_ spec: String, in dir: URL) throws -> any TokenStore {
        if spec.hasPrefix("postgres") { return try PostgresStore(url: spec) }
        return try SQLiteStore(path: dir.appendingPathComponent(String(spec.dropFirst("sqlite:".count))).path)
    }
}
