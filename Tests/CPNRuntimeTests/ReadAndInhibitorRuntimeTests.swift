import CPNExplore
import CPNRuntime
import CPNRuntimePostgres
import CPNRuntimeSQLite
import Foundation
import Testing

/// `read:` and `unless:` arcs fired by several worker processes at once, on
/// both stores: a read token is never taken, and no firing commits on a test
/// ("no reader inside") that another firing made false meanwhile.
@Suite(.serialized) struct ReadAndInhibitorRuntimeTests {
    static let file = "Tests/Fixtures/runtime/readers-writer.yaml"

    @Test func sqliteWorkersKeepTheLockExclusive() throws {
        try run(workers: 3) { dir in "sqlite:" + dir.appendingPathComponent("state.db").path }
    }

    @Test(.enabled(if: RuntimeTest.postgresURL != nil, Comment(rawValue: PostgresTests.skip)))
    func postgresWorkersKeepTheLockExclusive() throws {
        try run(workers: 6) { _ in try RuntimeTest.freshPostgresDatabase(RuntimeTest.postgresURL!) }
    }

    private func run(workers: Int, store makeStore: (URL) throws -> String) throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try makeStore(dir)
        let net = try RuntimeTest.net(Self.file)
        #expect(Explorer(net: net.checked).run(file: Self.file).verdict == .pass)
        let children = try (0..<workers).map { i in
            // A pause inside every firing's transaction widens the window in which
            // another worker could fill a place this one tested empty.
            try RuntimeTest.Child(["run", RuntimeTest.path(Self.file), "--store", spec, "--no-verify", "--seed", "\(i + 1)"],
                                  in: dir, environment: ["CPN_RUNTIME_PAUSE_MID_FIRING_MS": "3"], name: "w\(i)")
        }
        for (i, c) in children.enumerated() { #expect(c.wait() == 0, "worker \(i): \(c.output)") }
        let store: any TokenStore = spec.hasPrefix("sqlite:") ? try SQLiteStore(path: String(spec.dropFirst(7))) : try PostgresStore(url: spec)
        defer { store.close() }
        let events = try EventLog.all(store)
        let left = try RuntimeTest.fold(events)
        #expect(RuntimeTest.counts(left.values) == ["done": ["()": 36], "readers": ["()": 3], "writer": ["()": 1], "open": ["()": 1]])
        #expect(events.count { $0.kind == .fire } == 72, "every entry and write fired once, and left once")
        #expect(events.allSatisfy { !$0.consumed.contains { $0.place == "open" } }, "the read token was taken by some firing")
        #expect(try RuntimeTest.invariantsAlongLog(events, net: net).isEmpty)
    }
}
