import CPNRuntime
import Foundation
import GRDB

/// The embedded store: one SQLite file (GRDB), no setup.
///
/// Every transaction is `BEGIN IMMEDIATE`: it takes SQLite's write lock
/// before reading, so a firing reads the marking and writes its changes with
/// no other writer in between, whether the other writer is a thread or
/// another process. Readers are not blocked (WAL mode).
///
/// ```swift
/// let store = try SQLiteStore(path: "state.db")
/// try store.migrate()
/// ```
public final class SQLiteStore: TokenStore {
    public let path: String
    public let location: String
    private let queue: DatabaseQueue

    /// How durable a commit is. `full` syncs the write-ahead log at every
    /// commit: a power cut loses nothing committed. `normal` syncs at
    /// checkpoints: a killed process still loses nothing, but a power cut may
    /// undo the last commits (never half of one).
    public enum Durability: String, Sendable { case full, normal }

    public init(path: String, durability: Durability = .full, busyTimeout: Double = 30) throws {
        self.path = path
        self.location = "sqlite:\(path)"
        var config = Configuration()
        config.journalMode = .wal
        // SQLite's own busy handler naps for up to 100 ms at a time; workers
        // queue for the write lock much more often than that, so they poll briefly.
        let deadline = max(1, Int(busyTimeout * 2_000))
        config.busyMode = .callback { tries in
            guard tries < deadline else { return false }
            RuntimeClock.sleep(micros: tries < 20 ? 50 : 500)
            return true
        }
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        // Opening switches the file to WAL, which needs a moment with no writer;
        // a worker starting while another migrates or fires gets SQLITE_BUSY from
        // the open itself, past the busy handler: retry it within the same timeout.
        let start = RuntimeClock.monotonic()
        while true {
            do {
                queue = try DatabaseQueue(path: path, configuration: config)
                break
            } catch let error as DatabaseError where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED)
                && RuntimeClock.monotonic() - start < Int64(busyTimeout * 1_000_000) {
                RuntimeClock.sleep(micros: 2_000)
            } catch {
                throw StoreError("cannot open \(path): \(Self.describe(error))")
            }
        }
    }

    public func migrate() throws {
        try write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS cpn_schema_version (version INTEGER NOT NULL)")
            let current = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM cpn_schema_version") ?? 0
            guard current <= SQLiteSchema.migrations.count else {
                throw StoreError("\(location) has schema version \(current); this cpn-author knows up to \(SQLiteSchema.migrations.count): use a newer cpn-author")
            }
            for (i, statements) in SQLiteSchema.migrations.enumerated() where i + 1 > current {
                for sql in statements { try db.execute(sql: sql) }
                try db.execute(sql: "INSERT INTO cpn_schema_version (version) VALUES (?)", arguments: [i + 1])
            }
        }
    }

    public func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try write { db in try body(SQLiteTransaction(db: db)) }
    }

    /// One IMMEDIATE transaction, retried when the database stays busy.
    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try queue.writeWithoutTransaction { db in
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(db)
                        return .commit
                    }
                    return result!
                }
            } catch let error as DatabaseError where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && attempt < 5 {
                attempt += 1
                RuntimeClock.sleep(micros: Int64(attempt) * 10_000)
            } catch let error as DatabaseError {
                throw StoreError("\(location): \(Self.describe(error))")
            }
        }
    }

    public func close() { try? queue.close() }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }
}

/// The runtime's operations in SQL, inside a write transaction.
struct SQLiteTransaction: StoreTransaction {
    let db: Database

    var isExclusive: Bool { true }

    func now() throws -> Int64 { RuntimeClock.now() }

    func net() throws -> NetRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT name, signature, source, path, tick_us, created_at, shard FROM cpn_net WHERE id = 1") else { return nil }
        let c = SQLiteColumns(row, table: "cpn_net", name: "id 1")
        return try StoreRowCheck.net(NetRecord(name: c.text("name"), signature: c.text("signature"), source: c.text("source"), path: c.text("path"),
                                               tickMicros: c.integer("tick_us"), createdAt: c.integer("created_at"), shard: c.optionalText("shard")))
    }

    func insertNet(_ r: NetRecord, clock: Int64) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO cpn_net (id, name, signature, source, path, tick_us, created_at, shard) VALUES (1, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING
            """, arguments: [r.name, r.signature, r.source, r.path, r.tickMicros, r.createdAt, r.shard])
        guard db.changesCount == 1 else { return false }
        try db.execute(sql: "INSERT INTO cpn_clock (id, net_us, anchor_us, running) VALUES (1, ?, ?, 0)", arguments: [clock, clock])
        return true
    }

    func clock() throws -> NetClock {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT net_us, anchor_us, running FROM cpn_clock WHERE id = 1")) else {
            throw StoreError("the store has no clock row: it was not created by cpn-author, or is damaged")
        }
        let c = SQLiteColumns(row, table: "cpn_clock", name: "id 1")
        return NetClock(netMicros: try c.integer("net_us"), anchorMicros: try c.integer("anchor_us"), running: try c.bool("running"))
    }

    func setClock(_ c: NetClock, expected e: NetClock) throws -> Bool {
        try db.cachedStatement(sql: """
            UPDATE cpn_clock SET net_us = ?, anchor_us = ?, running = ? WHERE id = 1 AND net_us = ? AND anchor_us = ? AND running = ?
            """).execute(arguments: [c.netMicros, c.anchorMicros, c.running, e.netMicros, e.anchorMicros, e.running])
        return db.changesCount == 1
    }

    func tokens() throws -> [StoredToken] {
        try tokens(where: "1")
    }

    private func tokens(where condition: String) throws -> [StoredToken] {
        try Row.fetchAll(db, sql: "SELECT id, place, value, ready_at, claimed_by, claim_until FROM cpn_tokens WHERE \(condition) ORDER BY id").map {
            let c = SQLiteColumns($0, table: "cpn_tokens")
            return try StoreRowCheck.token(StoredToken(id: c.integer("id"), place: c.text("place"), value: c.text("value"), readyAt: c.integer("ready_at"),
                                                       claimedBy: c.optionalText("claimed_by"), claimUntil: c.optionalInteger("claim_until")))
        }
    }

    func tokenGroups(floor: Int64, now: Int64, worker: String) throws -> [TokenGroup] {
        // `damaged`: a row of the group whose columns are not of their types. Grouped,
        // such a row would pass unseen (TEXT compares above every integer, so a TEXT
        // `claim_until` is a lease that never ends); it is read on its own, which names it.
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT place, value, MAX(ready_at, ?) AS r,
                   CASE WHEN claimed_by IS NULL OR claim_until <= ? THEN 0 WHEN claimed_by = ? THEN 1 ELSE 2 END AS h,
                   COUNT(*) AS n,
                   MIN(CASE WHEN typeof(place) <> 'text' OR typeof(value) <> 'text' OR typeof(ready_at) <> 'integer'
                            OR typeof(claimed_by) NOT IN ('text', 'null') OR typeof(claim_until) NOT IN ('integer', 'null') THEN id END) AS damaged
            FROM cpn_tokens GROUP BY place, value, r, h ORDER BY MIN(id)
            """), arguments: [floor, now, worker])
        if let damaged = rows.lazy.compactMap({ $0["damaged"] as Int64? }).min() {
            _ = try tokens(where: "id = \(damaged)")
            throw StoreRowCheck.damaged(table: "cpn_tokens", row: "id \(damaged)", column: "(a column)", "holds a value of the wrong type")
        }
        return try rows.map {
            // Grouped rows have no id: a damaged one is named by its place (`tokens list` shows the ids).
            let c = SQLiteColumns($0, table: "cpn_tokens", name: "place \(((try? SQLiteColumns($0, table: "").text("place")) ?? "?").prefix(40))")
            return try StoreRowCheck.group(TokenGroup(place: c.text("place"), value: c.text("value"), readyAt: c.integer("r", as: "ready_at"),
                                                      holder: TokenGroup.Holder(rawValue: c.int("h")) ?? .other, count: c.int("n")))
        }
    }

    // The write lock already excludes every other writer.
    func lockPlaces(_ names: [String]) throws {}

    func lockTokens(place: String, value: String, count: Int, readyBy: Int64, now: Int64) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT id FROM cpn_tokens
            WHERE place = ? AND value = ? AND ready_at <= ? AND (claimed_by IS NULL OR claim_until <= ?)
            ORDER BY id LIMIT ?
            """), arguments: [place, value, readyBy, now, count])
    }

    func lockHeldTokens(_ ids: [Int64], worker: String) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM cpn_tokens WHERE id IN (SELECT value FROM json_each(?)) AND claimed_by = ? ORDER BY id",
                           arguments: [Self.list(ids), worker])
    }

    func deleteTokens(_ ids: [Int64]) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        if ids.count == 1 {
            try db.cachedStatement(sql: "DELETE FROM cpn_tokens WHERE id = ?").execute(arguments: [ids[0]])
        } else {
            try db.cachedStatement(sql: "DELETE FROM cpn_tokens WHERE id IN (SELECT value FROM json_each(?))").execute(arguments: [Self.list(ids)])
        }
        return db.changesCount
    }

    func insertTokens(_ tokens: [NewToken]) throws -> [Int64] {
        let statement = try db.cachedStatement(sql: "INSERT INTO cpn_tokens (place, value, ready_at) VALUES (?, ?, ?)")
        return try tokens.map { t in
            try statement.execute(arguments: [t.place, t.value, t.readyAt])
            return db.lastInsertedRowID
        }
    }

    func hold(_ ids: [Int64], worker: String?, until: Int64?) throws {
        guard !ids.isEmpty else { return }
        try db.execute(sql: "UPDATE cpn_tokens SET claimed_by = ?, claim_until = ? WHERE id IN (SELECT value FROM json_each(?))",
                       arguments: [worker, until, Self.list(ids)])
    }

    func appendEvent(_ e: EventRecord) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO cpn_events (kind, transition, binding, consumed, produced, worker, started_at, at, net_at, handler, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [e.kind.rawValue, e.transition, EventColumns.encode(e.binding), EventColumns.encode(e.consumed),
                             EventColumns.encode(e.produced), e.worker, e.startedAt, e.at, e.netAt, e.handler, e.message])
        return db.lastInsertedRowID
    }

    func events(after: Int64, limit: Int) throws -> [EventRecord] {
        try Row.fetchAll(db, sql: """
            SELECT id, kind, transition, binding, consumed, produced, worker, started_at, at, net_at, handler, message
            FROM cpn_events WHERE id > ? ORDER BY id LIMIT ?
            """, arguments: [after, limit]).map { row in
            let c = SQLiteColumns(row, table: "cpn_events")
            let kind = try StoreRowCheck.kind(c.text("kind"), row: c.name)
            func json<T>(_ column: String, _ decode: (String) throws -> T) throws -> T {
                do { return try decode(c.text(column)) } catch let e as StoreError where !e.message.hasPrefix("damaged store") {
                    throw StoreRowCheck.damaged(table: "cpn_events", row: c.name, column: column, e.message)
                }
            }
            return try StoreRowCheck.event(EventRecord(
                id: c.integer("id"), kind: kind, transition: c.optionalText("transition"),
                binding: json("binding", EventColumns.decodeBinding),
                consumed: json("consumed", EventColumns.decodeRefs), produced: json("produced", EventColumns.decodeRefs),
                worker: c.text("worker"), startedAt: c.optionalInteger("started_at"), at: c.integer("at"), netAt: c.integer("net_at"),
                handler: c.optionalText("handler"), message: c.optionalText("message")))
        }
    }

    func summary(since: Int64) throws -> EventSummary {
        let events = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cpn_events") ?? 0
        let firings = try Row.fetchAll(db, sql: """
            SELECT transition, COUNT(*) AS total, SUM(CASE WHEN at >= ? THEN 1 ELSE 0 END) AS recent, MAX(at) AS last
            FROM cpn_events WHERE kind = 'fire' GROUP BY transition
            """, arguments: [since]).map {
            let c = SQLiteColumns($0, table: "cpn_events", name: "of the firings of one transition")
            return EventSummary.PerTransition(transition: try c.text("transition"), total: try c.int("total"), recent: try c.int("recent"),
                                              lastAt: try c.integer("last", as: "at"))
        }
        let workers = try Row.fetchAll(db, sql: """
            SELECT worker, COUNT(*) AS n, MAX(at) AS last FROM cpn_events WHERE at >= ? AND kind <> 'init' GROUP BY worker ORDER BY worker
            """, arguments: [since]).map {
            let c = SQLiteColumns($0, table: "cpn_events", name: "of the events of one worker")
            return EventSummary.PerWorker(worker: try c.text("worker"), recent: try c.int("n"), lastAt: try c.integer("last", as: "at"))
        }
        let failures = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cpn_events WHERE kind = 'failed' AND at >= ?", arguments: [since]) ?? 0
        let last = try Row.fetchOne(db, sql: "SELECT at FROM cpn_events ORDER BY id DESC LIMIT 1").map {
            try SQLiteColumns($0, table: "cpn_events", name: "the newest").integer("at")
        }
        let handlers = try Row.fetchAll(db, sql: """
            SELECT handler, COUNT(*) AS n, SUM(at - started_at) AS work FROM cpn_events
            WHERE kind = 'fire' AND handler IS NOT NULL AND started_at IS NOT NULL GROUP BY handler ORDER BY handler
            """).map {
            let c = SQLiteColumns($0, table: "cpn_events", name: "of the firings of one handler")
            return EventSummary.PerHandler(handler: try c.text("handler"), firings: try c.int("n"), workMicros: try c.integer("work", as: "at"))
        }
        return EventSummary(events: events, firings: firings, workers: workers, recentFailures: failures, lastEventAt: last, handlers: handlers)
    }

    private static func list(_ ids: [Int64]) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }
}

/// The tables, by schema version. A new version appends a list of
/// statements; a store is brought up to date by running the ones it lacks.
enum SQLiteSchema {
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE cpn_net (
                id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, signature TEXT NOT NULL,
                source TEXT NOT NULL, path TEXT NOT NULL, tick_us INTEGER NOT NULL, created_at INTEGER NOT NULL)
            """,
            // AUTOINCREMENT: a token id is never reused, so the log names each token once.
            """
            CREATE TABLE cpn_tokens (
                id INTEGER PRIMARY KEY AUTOINCREMENT, place TEXT NOT NULL, value TEXT NOT NULL,
                ready_at INTEGER NOT NULL, claimed_by TEXT, claim_until INTEGER)
            """,
            "CREATE INDEX cpn_tokens_by_value ON cpn_tokens (place, value, id)",
            """
            CREATE TABLE cpn_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, transition TEXT, binding TEXT NOT NULL,
                consumed TEXT NOT NULL, produced TEXT NOT NULL, worker TEXT NOT NULL, started_at INTEGER,
                at INTEGER NOT NULL, net_at INTEGER NOT NULL, handler TEXT, message TEXT)
            """,
            "CREATE TABLE cpn_clock (id INTEGER PRIMARY KEY CHECK (id = 1), net_us INTEGER NOT NULL, anchor_us INTEGER NOT NULL, running BOOLEAN NOT NULL)",
        ],
        // 2: which shard of a partitioned run the store holds (NULL: the whole net).
        ["ALTER TABLE cpn_net ADD COLUMN shard TEXT"],
    ]
}
