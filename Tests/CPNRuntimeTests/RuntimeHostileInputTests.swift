import CPNRuntime
import CPNRuntimeSQLite
import Foundation
import Testing

/// Inputs at the edges of the runtime's 64-bit clock: huge delays, huge time
/// units, a store edited by hand, ports out of range. Each is an error with
/// exit 2 and a message, never a trap (a trap exits with a signal, 132/133).
@Suite struct RuntimeHostileInputTests {
    static let tiny = """
        cpn: 1
        name: tiny
        places:
          a: Unit
          b: Unit
        transitions:
          t: { in: { a: 1 }, out: { b: 1 } }
        """

    static func timed(delay: String) -> String {
        """
        cpn: 1
        name: timed
        places:
          a: { color: Unit, initial: 1 }
          b: Unit
        transitions:
          t: { in: { a: 1 }, out: { b: "() @+ \(delay)" } }
        """
    }

    @Test func aDelayBeyondTheNetsBoundIsRefused() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.tiny.write(to: dir.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
        for delay in ["9223372036854775807", "2147483648", "-1"] {
            let r = try RuntimeTest.run(["tokens", "add", "a", "()", "--delay=\(delay)", "--net", "tiny.yaml", "--store", "sqlite:t.db"], in: dir)
            #expect(r.status == 2, "\(delay): \(r.output)")
            #expect(r.output.contains("--delay must be between 0 and 2147483647 time units"), "\(r.output)")
        }
        let most = try RuntimeTest.run(["tokens", "add", "a", "()", "--delay", "2147483647", "--net", "tiny.yaml", "--store", "sqlite:t.db"], in: dir)
        #expect(most.status == 0, "the largest delay of a net is accepted: \(most.output)")
    }

    @Test func aTimeUnitTooLongForTheClockIsRefused() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.timed(delay: "5000").write(to: dir.appendingPathComponent("timed.yaml"), atomically: true, encoding: .utf8)
        for tick in ["2000000h", "10h", "61m"] {
            let r = try RuntimeTest.run(["run", "timed.yaml", "--store", "sqlite:x.db", "--no-verify", "--tick", tick], in: dir)
            #expect(r.status == 2, "\(tick): \(r.output)")
            #expect(r.output.contains("--tick must be at most 1h"), "\(r.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.db").path), "nothing was created")
    }

    /// A store's recorded time unit is not checked by `run`'s options: the
    /// engine's own arithmetic must refuse a time past the end of the clock.
    @Test func aReadyTimePastTheClocksEndIsAnErrorInTheEngine() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try Self.tiny.write(to: file, atomically: true, encoding: .utf8)
        let net: RuntimeNet
        switch RuntimeNet.load(path: file.path) {
        case .success(let n): net = n
        case .failure(let f): Issue.record("tiny.yaml does not load: \(f.result.diagnostics.map(\.message))"); return
        }
        var options = EngineOptions()
        options.tickMicros = Int64.max / 4
        let engine = try Engine(net: net, store: SQLiteStore(path: dir.appendingPathComponent("s.db").path), worker: "test", options: options)
        defer { engine.store.close() }
        try engine.open()
        let error = #expect(throws: RuntimeError.self) { try engine.addTokens(place: "a", values: ["()"], delay: 8) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains("is past the end of the clock") == true, "\(error?.message ?? "")")
        #expect(try engine.snapshot().tokens.isEmpty, "nothing was added")
        // A delay that fits is still added.
        try engine.addTokens(place: "a", values: ["()"], delay: 1)
        #expect(try engine.snapshot().tokens.count == 1)
    }

    @Test func aDamagedClockRowIsAStoreError() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.tiny.write(to: dir.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
        let added = try RuntimeTest.run(["tokens", "add", "b", "()", "--net", "tiny.yaml", "--store", "sqlite:t.db"], in: dir)
        #expect(added.status == 0, "\(added.output)")
        // What `update cpn_clock set running=1, anchor_us=-9223372036854775807` does by hand.
        let store = try SQLiteStore(path: dir.appendingPathComponent("t.db").path)
        let damaged = NetClock(netMicros: 1_000, anchorMicros: -9_223_372_036_854_775_807, running: true)
        try store.transaction { tx in _ = try tx.setClock(damaged, expected: try tx.clock()) }
        store.close()
        for command in [["status"], ["tokens", "add", "a", "()"], ["tokens", "take", "b"]] {
            let r = try RuntimeTest.run(command + ["--store", "sqlite:t.db"], in: dir)
            #expect(r.status == 2, "\(command): \(r.output)")
            #expect(r.output.contains("damaged store: the clock row is out of range"), "\(r.output)")
        }
    }

    @Test func aPostgreSQLPortOutOfRangeIsRefused() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for port in ["99999999999999999999", "70000", "0", "65536"] {
            // Refused while the URL is read: nothing connects, so no server is needed.
            let r = try RuntimeTest.run(["status", "--store", "postgres://cpn@127.0.0.1:\(port)/cpn"], in: dir)
            #expect(r.status == 2, "\(port): \(r.output)")
            #expect(r.output.contains("the port `\(port)` in a PostgreSQL URL must be a number from 1 to 65535"), "\(r.output)")
        }
    }
}
