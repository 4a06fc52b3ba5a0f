import CPNRuntime
import CPNRuntimePostgres
import CPNRuntimeSQLite
import Foundation
import Testing

/// `run --partition KEY --store A --store B ...`: one store per shard, each
/// with its own workers; a shard whose process or server dies resumes from
/// its store with nothing lost or fired twice, while the others go on.
@Suite(.serialized) struct PartitionedRunTests {
    static let net = "Tests/Fixtures/runtime/tenant-batches.yaml"
    static let tenants = ["acme", "globex", "initech"]

    /// What each shard's store must hold once its tenant's batch is done: the
    /// log folds to exactly these tokens, and 8 `start` and 8 `finish` firings.
    static func expectFinished(_ store: any TokenStore, tenant: String, _ what: String) throws {
        let events = try EventLog.all(store)
        let left = try RuntimeTest.fold(events)
        #expect(RuntimeTest.counts(left.values) == ["todo": ["(\(tenant), 0)": 1], "slots": [tenant: 2], "done": ["(\(tenant), 8)": 1]],
                "\(what): \(RuntimeTest.counts(left.values))")
        let fired = events.filter { $0.kind == .fire }
        #expect(fired.count { $0.transition == "start" } == 8 && fired.count { $0.transition == "finish" } == 8,
                "\(what): every job of \(tenant) started and finished exactly once")
        #expect(fired.allSatisfy { e in (e.consumed + e.produced).allSatisfy { $0.value.contains(tenant) } },
                "\(what): only \(tenant)'s tokens in its store")
        let engine = try Engine.attach(store: store, worker: "check")
        #expect(RuntimeTest.counts(left.values) == RuntimeTest.counts(try engine.snapshot().tokens), "\(what): the store is what its log says")
    }

    @Test func threeSQLiteShardsSurviveAKilledProcessAndResume() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let stores = ["a", "b", "c"].map { "sqlite:\(dir.path)/\($0).db" }
        let args = ["run", RuntimeTest.path(Self.net), "--partition", "Tenant", "--workers", "2"] + stores.flatMap { ["--store", $0] }
        let child = try RuntimeTest.Child(args + ["--batch", "1"], in: dir, environment: ["CPN_RUNTIME_PAUSE_MID_FIRING_MS": "100"], name: "first")
        let deadline = RuntimeClock.monotonic() + 120_000_000
        while RuntimeClock.monotonic() < deadline, child.output.components(separatedBy: "pausing").count - 1 < 6 {
            RuntimeClock.sleep(micros: 5_000)
        }
        child.kill9()
        #expect(child.output.contains("checks `within_slots`, `batch_accounted`"), "\(child.output)")
        #expect(child.output.contains("not checked by this shard: `one_counter_per_tenant` does not hold for this shard's tokens alone"), "\(child.output)")
        let again = try RuntimeTest.run(args, in: dir)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("union of the 3 shards' markings: final, every invariant holds"), "\(again.output)")
        for (i, spec) in stores.enumerated() {
            let store = try SQLiteStore(path: String(spec.dropFirst("sqlite:".count)))
            defer { store.close() }
            try Self.expectFinished(store, tenant: Self.tenants[i], "shard \(i + 1)")
        }
    }

    @Test func aShardStoreIsOpenedOnlyAsTheSameShard() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = RuntimeTest.path(Self.net)
        let first = try RuntimeTest.run(["run", net, "--partition", "Tenant", "--store", "sqlite:a.db", "--store", "sqlite:b.db"], in: dir)
        #expect(first.status == 0, "\(first.output)")
        let swapped = try RuntimeTest.run(["run", net, "--partition", "Tenant", "--store", "sqlite:b.db", "--store", "sqlite:a.db"], in: dir)
        #expect(swapped.status == 2 && swapped.output.contains("sqlite:b.db holds shard 2 of 2 by `Tenant`") && swapped.output.contains("this run gives it shard 1 of 2"),
                "\(swapped.output)")
        let whole = try RuntimeTest.run(["run", net, "--store", "sqlite:a.db", "--no-verify"], in: dir)
        #expect(whole.status == 2 && whole.output.contains("holds shard 1 of 2 by `Tenant` of net `tenant-batches`, not the whole net"), "\(whole.output)")
        // Two shards by number: acme and initech in shard 1, globex in shard 2.
        let wrong = try RuntimeTest.run(["tokens", "add", "todo", "(globex, 3)", "--store", "sqlite:a.db"], in: dir)
        #expect(wrong.status == 2 && wrong.output.contains("belongs to shard 2 of 2"), "\(wrong.output)")
        let status = try RuntimeTest.run(["status", "--store", "sqlite:b.db"], in: dir)
        #expect(status.output.contains("shard 2 of 2 by `Tenant` (a partitioned run)"), "\(status.output)")
        #expect(status.output.contains("(globex, 8)") && !status.output.contains("acme"), "\(status.output)")
    }

    @Test func netsThatCrossShardsOrKeepTimeAreRefused() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let forks = try RuntimeTest.run(["run", RuntimeTest.path("examples/dining-philosophers/net.yaml"), "--partition", "Phil",
                                         "--store", "sqlite:a.db", "--store", "sqlite:b.db"], in: dir)
        #expect(forks.status == 1 && forks.output.contains("cannot run partitioned by `Phil`"), "\(forks.output)")
        let timed = try RuntimeTest.run(["run", RuntimeTest.path("Tests/Fixtures/runtime/partition/per-domain-crawler.yaml"), "--partition", "domain",
                                         "--store", "sqlite:a.db", "--store", "sqlite:b.db"], in: dir)
        #expect(timed.status == 2 && timed.output.contains("is timed"), "\(timed.output)")
        let unkeyed = try RuntimeTest.run(["run", RuntimeTest.path(Self.net), "--store", "sqlite:a.db", "--store", "sqlite:b.db"], in: dir)
        #expect(unkeyed.status != 0 && unkeyed.output.contains("add --partition KEY"), "\(unkeyed.output)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("a.db").path), "nothing was created for a refused run")
    }

    // MARK: - Three PostgreSQL servers, one killed

    /// A PostgreSQL server of the test's own (`scripts/postgres-for-tests.sh`), so that
    /// killing it touches no other test.
    struct Server {
        let dir: String
        let url: String

        static func script(_ command: String, dir: String) throws -> String {
            let p = Process()
            // A file, not a pipe: the server started inherits the script's standard output
            // and keeps a pipe open for as long as it runs.
            let out = URL(fileURLWithPath: dir + ".\(command).out")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: out) }
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = [RuntimeTest.path("scripts/postgres-for-tests.sh"), command]
            p.environment = ProcessInfo.processInfo.environment.merging(["CPN_PG_DIR": dir, "CPN_PG_PORT": "55410"]) { _, b in b }
            p.standardOutput = try FileHandle(forWritingTo: out)
            p.standardInput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw StoreError("postgres-for-tests.sh \(command) failed for \(dir)") }
            return (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        }

        static func start() throws -> Server {
            let dir = "/tmp/cpn-pg-shard-\(UUID().uuidString.prefix(8))"
            let out = try script("start", dir: dir)
            guard let range = out.range(of: "CPN_TEST_POSTGRES_URL=") else { throw StoreError("no URL from postgres-for-tests.sh: \(out)") }
            return Server(dir: dir, url: String(out[range.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines))
        }

        func crash() throws { _ = try Self.script("crash", dir: dir) }
        func resume() throws { _ = try Self.script("resume", dir: dir) }
        func stop() { _ = try? Self.script("stop", dir: dir) }
    }

    /// A query sent once the server is gone fails; it does not wait forever. postgres-nio
    /// tears the channel's handlers down after the server closes the connection, and a query
    /// written after that reached no handler, so its future never completed: this hung a
    /// worker of the partitioned run below now and then (when its next query came late).
    @Test(.enabled(if: RuntimeTest.postgresURL != nil, Comment(rawValue: PostgresTests.skip)))
    func aQueryAfterItsServerDiedFailsInsteadOfWaiting() throws {
        let server = try Server.start()
        defer { server.stop() }
        let store = try PostgresStore(url: server.url)
        defer { store.close() }
        try store.migrate()
        try server.crash()
        // Long enough for the client to see the connection close and drop its handlers.
        RuntimeClock.sleep(micros: 1_000_000)
        let answered = DispatchSemaphore(value: 0)
        let failure = Box()
        nonisolated(unsafe) let blocked = store  // used by that one thread until it answers
        let query = Thread {
            do { _ = try blocked.transaction { try $0.readMoment(worker: "w1") } } catch { failure.add("\(error)") }
            answered.signal()
        }
        query.start()
        // A generous guard, not a time measurement: the answer comes at once or never.
        guard answered.wait(timeout: .now() + 120) == .success else {
            Issue.record("the query on a dead connection had no answer after 120 s (the thread is left blocked)")
            return
        }
        let message = try #require(failure.values.first, "a query on a dead connection returned rows")
        #expect(message.contains(store.location), "names the store: \(message)")
        #expect(message.contains("closed"), "\(message)")
    }

    @Test(.enabled(if: RuntimeTest.postgresURL != nil, Comment(rawValue: PostgresTests.skip)))
    func threePostgresShardsSurviveOneServerKilledMidRun() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var servers: [Server] = []
        defer { for s in servers { s.stop() } }
        for _ in 0..<3 { servers.append(try Server.start()) }
        let args = ["run", RuntimeTest.path(Self.net), "--partition", "Tenant", "--workers", "2"] + servers.flatMap { ["--store", $0.url] }
        let child = try RuntimeTest.Child(args, in: dir, environment: ["CPN_RUNTIME_PAUSE_MID_FIRING_MS": "150"], name: "first")
        let deadline = RuntimeClock.monotonic() + 120_000_000
        while RuntimeClock.monotonic() < deadline, child.output.components(separatedBy: "pausing").count - 1 < 6 {
            RuntimeClock.sleep(micros: 5_000)
        }
        try servers[1].crash()
        let status = child.wait()
        let output = child.output
        #expect(status == 2, "the run reports the failed shard: \(output)")
        #expect(output.contains("shard 2 of 3 (\(servers[1].url)): failed"), "\(output)")
        // The other shards went on to the end of their batches.
        for i in [0, 2] {
            let store = try PostgresStore(url: servers[i].url)
            defer { store.close() }
            try Self.expectFinished(store, tenant: Self.tenants[i], "shard \(i + 1), not killed")
        }
        try servers[1].resume()
        let again = try RuntimeTest.run(args, in: dir)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("union of the 3 shards' markings: final, every invariant holds"), "\(again.output)")
        for i in 0..<3 {
            let store = try PostgresStore(url: servers[i].url)
            defer { store.close() }
            try Self.expectFinished(store, tenant: Self.tenants[i], "shard \(i + 1) after the resumed run")
        }
    }
}
