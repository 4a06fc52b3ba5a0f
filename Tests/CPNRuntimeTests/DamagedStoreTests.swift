import CPNRuntime
import CPNRuntimeSQLite
import Foundation
import GRDB
import Testing

/// Stores edited by hand: SQLite lets any column hold any type, so a store
/// can have TEXT where the runtime wrote integers, a BLOB for a token's
/// value, a negative time, an unknown event kind, JSON that is not. Every
/// command that reads the store must stop with exit 2 and name the table,
/// the row and the column — never trap (`try!` in GRDB's `row[…]` was exit
/// 132 with a backtrace).
@Suite struct DamagedStoreTests {
    static let net = """
        cpn: 1
        name: tiny
        places:
          a: Unit
          b: { color: Unit, initial: 1 }
        transitions:
          t: { in: { a: 1 }, out: { b: "() @+ 3" } }
        """

    /// A store with the net, its initial token and two added ones (three events).
    static func store(in dir: URL) throws -> String {
        try net.write(to: dir.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
        let added = try RuntimeTest.run(["tokens", "add", "b", "()", "()", "--net", "tiny.yaml", "--store", "sqlite:t.db"], in: dir)
        #expect(added.status == 0, "\(added.output)")
        return dir.appendingPathComponent("t.db").path
    }

    /// Each damage: the SQL that makes it, and the table and column the message must name.
    static let damages: [(sql: String, table: String, column: String)] = [
        ("UPDATE cpn_tokens SET ready_at = 'soon' WHERE id = 2", "cpn_tokens", "ready_at"),
        ("UPDATE cpn_tokens SET value = x'00ff' WHERE id = 2", "cpn_tokens", "value"),
        ("UPDATE cpn_tokens SET ready_at = -5 WHERE id = 2", "cpn_tokens", "ready_at"),
        ("UPDATE cpn_tokens SET place = 'b' || char(27) || '[2J' WHERE id = 2", "cpn_tokens", "place"),
        ("UPDATE cpn_tokens SET claimed_by = 'w', claim_until = 'later' WHERE id = 2", "cpn_tokens", "claim_until"),
        ("UPDATE cpn_net SET tick_us = 'two seconds'", "cpn_net", "tick_us"),
        ("UPDATE cpn_net SET tick_us = 0", "cpn_net", "tick_us"),
        ("UPDATE cpn_net SET name = x'ff'", "cpn_net", "name"),
        ("UPDATE cpn_clock SET net_us = 'now'", "cpn_clock", "net_us"),
        ("UPDATE cpn_clock SET running = 7", "cpn_clock", "running"),
        ("UPDATE cpn_events SET at = 'yesterday' WHERE id = 2", "cpn_events", "at"),
        ("UPDATE cpn_events SET kind = 'boom' WHERE id = 2", "cpn_events", "kind"),
        ("UPDATE cpn_events SET produced = 'not json' WHERE id = 2", "cpn_events", "produced"),
        ("UPDATE cpn_events SET net_at = 1.5 WHERE id = 2", "cpn_events", "net_at"),
    ]

    static let commands: [[String]] = [
        ["status"], ["tokens", "list"], ["log", "export"], ["log", "export", "--as-trace"], ["tokens", "take", "b"],
        ["run", "tiny.yaml", "--no-verify", "--until", "idle"],
    ]

    @Test(arguments: damages.indices)
    func aDamagedRowIsExit2NamingTableRowAndColumn(index: Int) throws {
        let damage = Self.damages[index]
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.store(in: dir)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: damage.sql) }
        try queue.close()
        var named = 0
        for command in Self.commands {
            let r = try RuntimeTest.run(command + ["--store", "sqlite:t.db"], in: dir)
            let what = "\(damage.sql) → \(command.joined(separator: " "))"
            #expect(!r.output.contains("Fatal error") && !r.output.contains("Backtrac"), "\(what): a trap\n\(r.output)")
            #expect(r.status == 0 || r.status == 2, "\(what): exit \(r.status)\n\(r.output)")
            // A command that never reads the damaged row may succeed; one that reads it names it.
            if r.status == 2 {
                #expect(r.output.contains("damaged store: table \(damage.table), row "), "\(what):\n\(r.output)")
                #expect(r.output.contains("column \(damage.column)"), "\(what):\n\(r.output)")
                #expect(!r.output.contains("\u{1B}"), "\(what): a raw escape")
                named += 1
            }
        }
        #expect(named >= 1, "\(damage.sql): no command noticed the damage")
    }

    /// The same damage in PostgreSQL: its columns are typed, so a TEXT `ready_at` takes
    /// an `ALTER TABLE`; values out of range (a time before 1970, an unknown kind) need none.
    @Test(.enabled(if: RuntimeTest.postgresURL != nil, Comment(rawValue: PostgresTests.skip)),
          arguments: [
              ("ALTER TABLE cpn_tokens ALTER COLUMN ready_at TYPE text USING ready_at::text; UPDATE cpn_tokens SET ready_at = 'soon' WHERE id = 2",
               "cpn_tokens", "column ready_at: holds TEXT, where an integer belongs"),
              ("UPDATE cpn_tokens SET ready_at = -5 WHERE id = 2", "cpn_tokens", "column ready_at: holds -5, a time before 1970"),
              ("UPDATE cpn_events SET kind = 'boom' WHERE id = 2", "cpn_events", "column kind: holds `boom`"),
              ("UPDATE cpn_net SET tick_us = 0", "cpn_net", "column tick_us"),
              ("ALTER TABLE cpn_clock ALTER COLUMN net_us DROP NOT NULL; UPDATE cpn_clock SET net_us = NULL", "cpn_clock", "column net_us: is NULL"),
          ])
    func aDamagedPostgresRowIsExit2NamingTableRowAndColumn(sql: String, table: String, message: String) throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try RuntimeTest.freshPostgresDatabase(RuntimeTest.postgresURL!)
        try Self.net.write(to: dir.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
        let added = try RuntimeTest.run(["tokens", "add", "b", "()", "()", "--net", "tiny.yaml", "--store", url], in: dir)
        #expect(added.status == 0, "\(added.output)")
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", url, "-qc", sql]
        psql.standardOutput = FileHandle.nullDevice
        try psql.run()
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0, "psql: \(sql)")
        var named = 0
        for command in Self.commands {
            let r = try RuntimeTest.run(command + ["--store", url], in: dir)
            let what = "\(sql) → \(command.joined(separator: " "))"
            #expect(r.status == 0 || r.status == 2, "\(what): exit \(r.status)\n\(r.output)")
            #expect(!r.output.contains("Fatal error"), "\(what): a trap\n\(r.output)")
            if r.status == 2 {
                // A query that computes on an altered column fails in the server: the tables are named as altered.
                let altered = sql.hasPrefix("ALTER") && r.output.contains("damaged store: the tables of postgres://")
                #expect(altered || r.output.contains("damaged store: table \(table), row ") && r.output.contains(message), "\(what):\n\(r.output)")
                if !altered { named += 1 }
            }
        }
        #expect(named >= 1, "\(sql): no command noticed the damage")
    }

    /// `StoreRowCheck` on its own, as the PostgreSQL store uses it (its columns are
    /// typed, so what reaches it are values out of range).
    @Test func rowChecksRefuseOutOfRangeValues() {
        func message(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch { return "\(error)" }
        }
        #expect(message { _ = try StoreRowCheck.token(StoredToken(id: 3, place: "p", value: "()", readyAt: -1)) }?
            .contains("table cpn_tokens, row id 3, column ready_at: holds -1, a time before 1970") == true)
        #expect(message { _ = try StoreRowCheck.token(StoredToken(id: 0, place: "p", value: "()", readyAt: 1)) }?.contains("column id") == true)
        #expect(message { _ = try StoreRowCheck.token(StoredToken(id: 4, place: "", value: "()", readyAt: 1)) }?.contains("column place: is empty") == true)
        #expect(message { _ = try StoreRowCheck.token(StoredToken(id: 5, place: "p\u{7}", value: "()", readyAt: 1)) }?
            .contains("holds the control character U+0007") == true)
        #expect(message { _ = try StoreRowCheck.net(NetRecord(name: "n", signature: "", source: "", path: "", tickMicros: 3_600_000_001, createdAt: 0)) }?
            .contains("column tick_us") == true)
        #expect(message { _ = try StoreRowCheck.event(EventRecord(id: 9, kind: .fire, worker: "w", at: -3)) }?.contains("table cpn_events, row id 9, column at") == true)
        #expect(message { _ = try StoreRowCheck.kind("boom", row: "id 2") }?.contains("column kind: holds `boom`") == true)
        #expect(message { _ = try StoreRowCheck.group(TokenGroup(place: "p", value: "()", readyAt: 0, holder: .none, count: 0)) } != nil)
        #expect(message { _ = try StoreRowCheck.token(StoredToken(id: 1, place: "p", value: "()", readyAt: Int64.max, claimedBy: "w", claimUntil: 0)) } == nil)
    }

    /// A link planted at the store's path, or a FIFO there, is refused before SQLite opens it.
    @Test func aStorePathThatIsALinkOrAFIFOIsRefused() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.store(in: dir)
        symlink(dir.appendingPathComponent("t.db").path, dir.appendingPathComponent("link.db").path)
        mkfifo(dir.appendingPathComponent("fifo.db").path, 0o600)
        for (name, message) in [("link.db", "link.db is a symbolic link"), ("fifo.db", "fifo.db is a named pipe (FIFO), not a store file")] {
            for command in [["status"], ["run", "tiny.yaml", "--no-verify", "--until", "idle"]] {
                let r = try RuntimeTest.run(command + ["--store", "sqlite:\(name)"], in: dir)
                #expect(r.status == 2 && r.output.contains(message), "\(command) \(name): \(r.output)")
            }
        }
    }

    // MARK: - The time unit

    /// A store made with `--tick 100ms` keeps its unit: a plain `run` later fires a
    /// 3-unit delay as 300 ms (it was 3 s), and another `--tick` is refused.
    @Test func theStoresTimeUnitWins() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.net.write(to: dir.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
        let created = try RuntimeTest.run(["run", "tiny.yaml", "--store", "sqlite:s.db", "--no-verify", "--tick", "100ms", "--until", "idle"], in: dir)
        #expect(created.status == 0, "\(created.output)")
        let refused = try RuntimeTest.run(["run", "tiny.yaml", "--store", "sqlite:s.db", "--no-verify", "--tick", "1s", "--until", "idle"], in: dir)
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.output.contains("was created with a time unit of 100ms; --tick 1s differs"), "\(refused.output)")
        let same = try RuntimeTest.run(["run", "tiny.yaml", "--store", "sqlite:s.db", "--no-verify", "--tick", "100ms", "--until", "idle"], in: dir)
        #expect(same.status == 0, "the store's own unit, given again, is fine: \(same.output)")
        let added = try RuntimeTest.run(["tokens", "add", "a", "()", "--store", "sqlite:s.db"], in: dir)
        #expect(added.status == 0, "\(added.output)")
        let plain = try RuntimeTest.run(["run", "tiny.yaml", "--store", "sqlite:s.db", "--no-verify", "--until", "idle"], in: dir)
        #expect(plain.status == 0, "\(plain.output)")
        let store = try SQLiteStore(path: dir.appendingPathComponent("s.db").path)
        defer { store.close() }
        let fired = try EventLog.all(store).filter { $0.kind == .fire }
        #expect(fired.count == 1, "\(fired)")
        let produced = try #require(fired.last?.produced.first)
        #expect(produced.readyAt.map { $0 - fired.last!.netAt } == 300_000, "a delay of 3 units of 100ms: \(produced)")
        let status = try RuntimeTest.run(["status", "--store", "sqlite:s.db"], in: dir)
        #expect(status.output.contains("(time unit 100ms)"), "\(status.output)")
    }

    // MARK: - Output that cannot be written

    /// `tokens drain` onto a full disk: the tokens it could not print stay in the store.
    @Test func drainingOntoAFullDiskTakesNothing() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.store(in: dir)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RuntimeTest.binary)
        process.arguments = ["tokens", "drain", "b", "--store", "sqlite:t.db"]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let errors = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        let stderr = try String(contentsOf: errors, encoding: .utf8)
        #expect(process.terminationStatus == 2, "\(stderr)")
        #expect(stderr.contains("cannot write standard output: No space left on device") && stderr.contains("stay in `b`"), "\(stderr)")
        let store = try SQLiteStore(path: dir.appendingPathComponent("t.db").path)
        defer { store.close() }
        let tokens = try store.transaction { try $0.tokens() }
        #expect(tokens.filter { $0.place == "b" }.count == 3, "the drain took tokens it never printed: \(tokens)")
        #expect(try EventLog.all(store).allSatisfy { $0.kind != .take })
    }
}
