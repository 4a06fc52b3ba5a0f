import CPNRuntime
@testable import CPNRuntimePostgres
import Foundation
import Testing

/// A PostgreSQL server that vanishes without closing the connection (a partitioned
/// network, a frozen host) answers nothing, and TCP would let a query wait for hours:
/// each query's answer is bounded by the URL's `timeout=` (`PostgresStore.run`). The
/// silence is made by `FreezingProxy` between the store and the test server.
@Suite(.serialized) struct PostgresTimeoutTests {
    @Test func theTimeoutOptionIsAWholeNumberOfSeconds() throws {
        let base = "postgres://cpn@127.0.0.1:5432/cpn"
        #expect(try PostgresURL(base).timeout == 60, "the default")
        #expect(try PostgresURL(base + "?timeout=2").timeout == 2)
        #expect(try PostgresURL(base + "?sslmode=disable&timeout=600&sync=normal").timeout == 600)
        for bad in ["0", "-5", "abc", "1.5", "2s", "", "+3", "86401", "99999999999999999999"] {
            let error = #expect(throws: StoreError.self, "timeout=\(bad)") { try PostgresURL(base + "?timeout=\(bad)") }
            #expect(error?.message == "timeout=\(bad) is not supported; write timeout=SECONDS, a whole number of seconds from 1 to 86400 (default 60)",
                    "\(error?.message ?? "no error")")
        }
        let unknown = #expect(throws: StoreError.self) { try PostgresURL(base + "?timeout=5&connect_timeout=5") }
        #expect(unknown?.message == "unknown PostgreSQL URL option `connect_timeout`; postgres:// takes sslmode=, sync= and timeout=")
    }

    /// A store on a fresh database of the test server, through a proxy of its own.
    static func storeThroughProxy(timeout: Int) throws -> (PostgresStore, FreezingProxy) {
        let server = try PostgresURL(try RuntimeTest.freshPostgresDatabase(try #require(RuntimeTest.postgresURL)))
        let proxy = try FreezingProxy(upstreamPort: server.port)
        do {
            return (try PostgresStore(url: "postgres://\(server.user)@127.0.0.1:\(proxy.port)/\(server.database)?timeout=\(timeout)"), proxy)
        } catch {
            proxy.stop()
            throw error
        }
    }

    /// What `body` throws, run on a thread of its own. The wait is a guard against a hang
    /// (the thread is then left blocked), not a time measurement.
    static func failure(of what: String, _ body: @escaping () throws -> Void) -> String? {
        let answered = DispatchSemaphore(value: 0)
        let outcome = Box()
        nonisolated(unsafe) let body = body  // used by that one thread until it answers
        Thread {
            do { try body(); outcome.add("no error") } catch { outcome.add("\(error)") }
            answered.signal()
        }.start()
        guard answered.wait(timeout: .now() + 60) == .success else {
            Issue.record("\(what) had no answer after 60 s: the timeout did not end the wait")
            return nil
        }
        let message = outcome.values.first ?? "no error"
        if message == "no error" { Issue.record("\(what) succeeded through a frozen proxy") }
        return message
    }

    @Test(.enabled(if: RuntimeTest.postgresURL != nil, Comment(rawValue: PostgresTests.skip)))
    func aQueryToASilentServerFailsAfterTheTimeout() throws {
        let (store, proxy) = try Self.storeThroughProxy(timeout: 2)
        defer { proxy.stop() }
        defer { store.close() }
        try store.migrate()
        #expect(try store.transaction { try $0.net() } == nil, "answered through the proxy before the freeze")
        proxy.freeze()
        nonisolated(unsafe) let frozen = store  // used by one thread at a time, each waited for
        let message = try #require(Self.failure(of: "a read from a frozen server") { _ = try frozen.transaction { try $0.net() } })
        #expect(message.hasPrefix("\(store.location): no answer from the server in 2 s (the network may be partitioned or the server frozen)"), "\(message)")
        #expect(message.contains("the transaction was not committed by this worker — check the server and run again"), "\(message)")
        // The connection was closed: the next query does not wait for a second timeout.
        let next = try #require(Self.failure(of: "a query after the timeout") { _ = try frozen.transaction { try $0.net() } })
        #expect(next == "\(store.location): the connection to the server is closed (after no answer came in 2 s)", "\(next)")
    }

    @Test(.enabled(if: RuntimeTest.postgresURL != nil, Comment(rawValue: PostgresTests.skip)))
    func anUnansweredCommitSaysItMayHaveCommitted() throws {
        let (store, proxy) = try Self.storeThroughProxy(timeout: 2)
        defer { proxy.stop() }
        defer { store.close() }
        try store.migrate()
        nonisolated(unsafe) let frozen = store  // used by that one thread until it answers
        let message = try #require(Self.failure(of: "a commit to a frozen server") {
            try frozen.transaction { tx in
                guard let tx = tx as? PostgresTransaction else { throw StoreError("not a PostgreSQL transaction") }
                try tx.begin()
                proxy.freeze()  // BEGIN was answered; the COMMIT that follows the body is not
            }
        })
        #expect(message.hasPrefix("\(store.location): no answer from the server in 2 s"), "\(message)")
        #expect(message.contains("the transaction may or may not have been committed on the server"), "\(message)")
    }
}
