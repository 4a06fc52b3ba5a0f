import CPNRuntime
import Foundation
import PostgresNIO

/// The store for many workers on many machines: PostgreSQL (postgres-nio).
///
/// Workers do not serialize on one lock as with SQLite. A firing locks the
/// rows of the tokens it takes with `FOR UPDATE SKIP LOCKED` (two workers
/// never get the same row; the second one skips it and looks elsewhere),
/// locks the places whose size or best token its enabling depends on
/// (transaction-scoped advisory locks, always in the same order), then reads
/// the marking again and checks that the binding is still enabled before it
/// writes. Time is the server's clock, so machines agree on ready times.
///
/// ```swift
/// let store = try PostgresStore(url: "postgres://cpn@127.0.0.1:54329/cpn")
/// ```
///
/// The API is synchronous: each call waits for postgres-nio's future on the
/// caller's thread (a worker thread, never an event loop), at most the URL's
/// `timeout=` seconds (see `run`).
public final class PostgresStore: TokenStore {
    public let location: String
    private let connection: PostgresConnection
    private let logger: Logger
    /// How long a query may go without its answer (`?timeout=`, default 60 s).
    let timeout: Int
    /// Why the store closed the connection itself, set and read on the connection's event loop.
    private let closedBecause: NIOLoopBoundBox<String?>

    /// Advisory locks taken by the runtime carry this first key ("CPN").
    static let lockClass: Int32 = 0x43_504E

    public init(url: String) throws {
        let parsed = try PostgresURL(url)
        location = parsed.display
        var logger = Logger(label: "cpn-author.runtime.postgres")
        logger.logLevel = .critical
        self.logger = logger
        var tls = PostgresConnection.Configuration.TLS.disable
        if parsed.sslMode != "disable" {
            do {
                let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                tls = parsed.sslMode == "require" ? .require(context) : .prefer(context)
            } catch {
                throw StoreError("\(parsed.display): cannot set up TLS: \(error)")
            }
        }
        timeout = parsed.timeout
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let channel: any Channel
        do {
            channel = try Self.keepaliveBootstrap(on: loop).connect(host: parsed.host, port: parsed.port).wait()
        } catch {
            throw StoreError("cannot connect to \(parsed.display): \(Self.describeConnect(error))")
        }
        var configuration = PostgresConnection.Configuration(establishedChannel: channel, tls: tls, username: parsed.user,
                                                             password: parsed.password, database: parsed.database)
        // What postgres-nio does for a host it connects to itself: the name for SNI and the
        // certificate check, unless it is an IP address (not valid in SNI).
        configuration.options.tlsServerName = (try? SocketAddress(ipAddress: parsed.host, port: 0)) == nil ? parsed.host : nil
        do {
            connection = try PostgresConnection.connect(on: loop, configuration: configuration,
                                                        id: Int.random(in: 1...Int(Int32.max)), logger: logger).wait()
        } catch {
            channel.close(promise: nil)
            throw StoreError("cannot connect to \(parsed.display): \(Self.describeConnect(error))")
        }
        closedBecause = NIOLoopBoundBox.makeEmptyBox(valueType: String.self, eventLoop: connection.eventLoop)
        if parsed.sync == "normal" {
            // Asynchronous commit: the server acknowledges a commit before its WAL is on disk.
            // A killed worker loses nothing; a server crash may undo the last commits, never half of one.
            do { try run("SET synchronous_commit = off") } catch {
                close()
                throw StoreError("\(parsed.display): cannot set synchronous_commit: \(Self.describe(error))")
            }
        }
    }

    public func migrate() throws {
        try transaction { tx in
            // One migrating worker at a time; the others wait, then find the tables.
            try (tx as? PostgresTransaction)?.begin()
            try run("SELECT pg_advisory_xact_lock(\(Self.lockClass), 0)")
            try run("CREATE TABLE IF NOT EXISTS cpn_schema_version (version INT NOT NULL)")
            let current = try run("SELECT COALESCE(MAX(version), 0) FROM cpn_schema_version").first.map { try $0.decode(Int.self) } ?? 0
            guard current <= PostgresSchema.migrations.count else {
                throw StoreError("\(location) has schema version \(current); this cpn-author knows up to \(PostgresSchema.migrations.count): use a newer cpn-author")
            }
            for (i, statements) in PostgresSchema.migrations.enumerated() where i + 1 > current {
                for sql in statements { try run(PostgresQuery(unsafeSQL: sql)) }
                try run("INSERT INTO cpn_schema_version (version) VALUES (\(i + 1))")
            }
        }
    }

    /// `BEGIN` is sent with the first statement that writes or locks: reads
    /// at READ COMMITTED see the same before it as after, and a firing that
    /// commits alone (`FiringWrite.commitsAlone`) is one statement, which is
    /// a transaction by itself. So a firing costs two round trips: the read
    /// and the write.
    public func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        var attempt = 0
        while true {
            let tx = PostgresTransaction(store: self)
            do {
                let result = try body(tx)
                if tx.begun { try run("COMMIT", commits: true) }
                return result
            } catch {
                if tx.begun { _ = try? run("ROLLBACK") }
                // Deadlocks and serialization failures: another worker won; try again.
                if let state = Self.sqlState(error), ["40001", "40P01", "55P03"].contains(state), attempt < 20 {
                    attempt += 1
                    RuntimeClock.sleep(micros: Int64.random(in: 200...2_000) * Int64(min(attempt, 5)))
                    continue
                }
                // A type mismatch, an unknown column or table: the tables are not the ones
                // cpn-author made (altered by hand), which is a damaged store.
                if let state = Self.sqlState(error), ["42804", "42883", "42703", "42P01", "22P02"].contains(state) {
                    throw StoreError("damaged store: the tables of \(location) are not the ones cpn-author made (\(Self.describe(error))); "
                        + "restore it from a backup or start a new one")
                }
                // The database's own errors get the store's name; the engine's pass through.
                if error is PSQLError || error is PostgresDecodingError { throw StoreError("\(location): \(Self.describe(error))") }
                throw error
            }
        }
    }

    private var isClosed = false

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        try? connection.close().wait()
    }

    // postgres-nio requires a connection to be closed before it goes away.
    deinit { close() }

    /// Sends one query and waits for all its rows, at most `timeout` seconds.
    ///
    /// The query is written from the connection's event loop, after checking there that
    /// the channel is still active. Once the server has closed the connection, NIO takes
    /// the channel's handlers down; a query written after that reaches no handler, and
    /// postgres-nio's future for it never completes (a worker waited forever on a shard
    /// whose server had died). On the loop, the check and the write cannot be split by
    /// the teardown: an active channel still has the handler, which answers or fails
    /// every query it is given.
    ///
    /// A server that vanishes without closing the connection (a partitioned network, a
    /// frozen host) leaves a query sent to it unanswered until TCP gives up, which takes
    /// hours. So a timer bounds each answer: when it fires first, the caller gets an error
    /// saying so, and the connection is closed, which fails postgres-nio's future and makes
    /// every later query fail at once (the check above). Nothing is retried: the statement
    /// may have run on the server. The timer is cancelled when the answer comes, so none
    /// outlives its query. `commits` says that the statement commits if the server ran it
    /// (`COMMIT`, or a write outside `BEGIN`): then whether it did is unknown.
    @discardableResult
    func run(_ query: PostgresQuery, commits: Bool = false) throws -> [PostgresRow] {
        let connection = self.connection, logger = self.logger, location = self.location, closedBecause = self.closedBecause
        let seconds = timeout
        let answer = connection.eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
            guard !connection.isClosed else {
                let why = closedBecause.value ?? "the server stopped or the network dropped it"
                return connection.eventLoop.makeFailedFuture(StoreError("\(location): the connection to the server is closed (\(why))"))
            }
            let promise = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
            let timer = connection.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
                let outcome = commits
                    ? "the transaction may or may not have been committed on the server — check the server, then run again: the run carries on from what the store committed"
                    : "the transaction was not committed by this worker — check the server and run again"
                closedBecause.value = "after no answer came in \(seconds) s"
                promise.fail(StoreError("\(location): no answer from the server in \(seconds) s (the network may be partitioned or the server frozen); "
                    + "the connection is closed and \(outcome)"))
                connection.close().whenComplete { _ in }
            }
            // After the timer, the failure that closing brings is ignored: a promise completes once.
            connection.query(query, logger: logger).whenComplete { result in
                timer.cancel()
                promise.completeWith(result)
            }
            return promise.futureResult
        }
        return Array(try answer.wait().rows)
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// TCP keepalive on the store's connection. Between queries (a worker waiting for
    /// tokens, a handler at work) a vanished server is noticed within a minute, and the next
    /// query fails at once rather than after its timeout. The probes are answered by the
    /// server's kernel, so they never cut a long but live wait (an advisory lock).
    static func keepaliveBootstrap(on loop: any EventLoop) -> ClientBootstrap {
        #if canImport(Darwin)
        let idle = TCP_KEEPALIVE
        #else
        let idle = TCP_KEEPIDLE
        #endif
        return ClientBootstrap(group: loop)
            // On a channel it is given, postgres-nio times only the startup; the TCP connect
            // gets its default, 10 s, here.
            .connectTimeout(.seconds(10))
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelOption(ChannelOptions.tcpOption(NIOBSDSocket.Option(rawValue: idle)), value: 30)
            .channelOption(ChannelOptions.tcpOption(NIOBSDSocket.Option(rawValue: TCP_KEEPINTVL)), value: 10)
            .channelOption(ChannelOptions.tcpOption(NIOBSDSocket.Option(rawValue: TCP_KEEPCNT)), value: 3)
    }

    /// Why a connection could not be made, in one line: NIO's connection error lists every
    /// address tried, postgres-nio's wraps it under `connectionError`.
    static func describeConnect(_ error: any Error) -> String {
        if let e = error as? NIOConnectionError {
            if let failure = e.connectionErrors.first { return "\(failure.error)" }
            if let dns = e.dnsAError ?? e.dnsAAAAError { return "cannot resolve \(e.host): \(dns)" }
        }
        if let e = error as? PSQLError, e.serverInfo?[.message] == nil, let underlying = e.underlying {
            return describeConnect(underlying)
        }
        return describe(error)
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] { return message + (e.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "") }
            return "\(e.code)"
        }
        return "\(error)"
    }
}

/// The runtime's operations in SQL, inside `BEGIN … COMMIT` (read committed).
final class PostgresTransaction: StoreTransaction {
    let store: PostgresStore
    /// The net's clock, read in the same round trip as the time (the engine asks for both in turn).
    private var clockRead: NetClock?
    /// Whether `BEGIN` was sent (see `PostgresStore.transaction`).
    private(set) var begun = false

    init(store: PostgresStore) { self.store = store }

    func begin() throws {
        guard !begun else { return }
        try store.run("BEGIN")
        begun = true
    }

    /// A statement that writes or locks: inside the transaction.
    @discardableResult
    func write(_ query: PostgresQuery) throws -> [PostgresRow] {
        try begin()
        return try store.run(query)
    }

    var isExclusive: Bool { false }

    func now() throws -> Int64 {
        let rows = try store.run("""
            SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::int8, c.net_us, c.anchor_us, c.running
            FROM (SELECT 1) AS one LEFT JOIN cpn_clock AS c ON c.id = 1
            """)
        let (now, net, anchor, running) = try PostgresColumns.decode(rows[0], table: "cpn_clock", name: "id 1") {
            try $0.decode((Int64, Int64?, Int64?, Bool?).self)
        }
        if let net, let anchor, let running { clockRead = NetClock(netMicros: net, anchorMicros: anchor, running: running) }
        return now
    }

    /// The wall clock, the net's clock and the grouped marking in one query
    /// (the clock's row joined to the groups, so an empty marking is one row).
    func readMoment(worker: String) throws -> MomentRead {
        let rows = try store.run("""
            WITH c AS (SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::int8 AS now_us, k.id, k.net_us, k.anchor_us, k.running
                       FROM (SELECT 1) AS one LEFT JOIN cpn_clock AS k ON k.id = 1)
            SELECT c.now_us, c.id, c.net_us, c.anchor_us, c.running, g.place, g.value, g.r, g.h, g.n
            FROM c LEFT JOIN LATERAL (
                SELECT place, value, GREATEST(ready_at, c.net_us) AS r,
                       CASE WHEN claimed_by IS NULL OR claim_until <= c.now_us THEN 0 WHEN claimed_by = \(worker) THEN 1 ELSE 2 END AS h,
                       COUNT(*)::int8 AS n, MIN(id) AS first
                FROM cpn_tokens GROUP BY 1, 2, 3, 4) AS g ON true
            ORDER BY g.first
            """)
        var now: Int64 = 0
        var clock: NetClock?
        var groups: [TokenGroup] = []
        for row in rows {
            let (n, id, net, anchor, running, place, value, ready, holder, count) = try PostgresColumns.decode(row, table: "cpn_tokens", name: "of a group of tokens") {
                try $0.decode((Int64, Int32?, Int64?, Int64?, Bool?, String?, String?, Int64?, Int32?, Int64?).self)
            }
            now = n
            if id != nil {
                // The row is there: a NULL in it is damage (the columns were altered), named as `clock()` names it.
                for (column, missing) in [("net_us", net == nil), ("anchor_us", anchor == nil), ("running", running == nil)] where missing {
                    throw StoreRowCheck.damaged(table: "cpn_clock", row: "id 1", column: column,
                                                "is NULL, where \(column == "running" ? "a boolean" : "an integer") belongs")
                }
                if let net, let anchor, let running { clock = NetClock(netMicros: net, anchorMicros: anchor, running: running) }
            }
            guard let place, let value, let ready, let holder, let count else { continue }
            groups.append(try StoreRowCheck.group(TokenGroup(place: place, value: value, readyAt: ready,
                                                             holder: TokenGroup.Holder(rawValue: Int(holder)) ?? .other, count: Int(count))))
        }
        guard let clock else { throw StoreError("the store has no clock row: it was not created by cpn-author, or is damaged") }
        return MomentRead(now: now, clock: clock, groups: groups)
    }

    /// The firing as one call of `cpn_fire` (`PostgresSchema`): locks, checks, writes and logs on the
    /// server. Alone, it is its own transaction; in a batch it runs inside the one `BEGIN` opened.
    func fire(_ w: FiringWrite, onPause: (() -> Void)?) throws -> FiringWritten? {
        if !w.commitsAlone { try begin() }
        if w.pauseMicros > 0 { onPause?() }
        let keys = Set(w.lockPlaces.map(Self.placeKey)).sorted()
        let e = w.event
        // Outside `BEGIN` the call is its own transaction: an unanswered one may have committed.
        let rows = try store.run("""
            SELECT cpn_fire(\(keys), \(w.inputs.map(\.place)), \(w.inputs.map(\.value)), \(w.inputs.map { Int32(clamping: $0.count) }), \(w.readyBy), \(w.now),
                            \(w.capacities.map(\.place)), \(w.capacities.map { Int64($0.atMost) }),
                            \(w.outputs.map(\.place)), \(w.outputs.map(\.value)), \(w.outputs.map(\.readyAt)),
                            \(e.transition), \(EventColumns.encode(e.binding)), \(e.worker), \(e.startedAt), \(e.at), \(e.netAt), \(e.handler), \(w.pauseMicros))
            """, commits: !begun)
        guard let ids = try rows.first?.decode([Int64]?.self) else { return nil }
        let taken = w.inputs.reduce(0) { $0 + $1.count }
        guard ids.count == 1 + taken + w.outputs.count else {
            throw StoreError("\(store.location): a firing returned \(ids.count) ids for \(taken) tokens taken and \(w.outputs.count) made")
        }
        var consumed: [TokenRef] = []
        var next = 1
        for input in w.inputs {
            consumed += ids[next..<next + input.count].map { TokenRef(id: $0, place: input.place, value: input.value) }
            next += input.count
        }
        return FiringWritten(consumed: consumed, produced: Array(ids[next...]), eventID: ids[0])
    }

    func net() throws -> NetRecord? {
        guard let row = try store.run("SELECT name, signature, source, path, tick_us, created_at, shard FROM cpn_net WHERE id = 1").first else { return nil }
        let (name, signature, source, path, tick, created, shard) = try PostgresColumns.decode(row, table: "cpn_net", name: "id 1") {
            try $0.decode((String, String, String, String, Int64, Int64, String?).self)
        }
        return try StoreRowCheck.net(NetRecord(name: name, signature: signature, source: source, path: path, tickMicros: tick, createdAt: created, shard: shard))
    }

    func insertNet(_ r: NetRecord, clock: Int64) throws -> Bool {
        guard try !write("""
            INSERT INTO cpn_net (id, name, signature, source, path, tick_us, created_at, shard)
            VALUES (1, \(r.name), \(r.signature), \(r.source), \(r.path), \(r.tickMicros), \(r.createdAt), \(r.shard))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """).isEmpty else { return false }
        try write("INSERT INTO cpn_clock (id, net_us, anchor_us, running) VALUES (1, \(clock), \(clock), false)")
        return true
    }

    func clock() throws -> NetClock {
        if let c = clockRead { clockRead = nil; return c }
        guard let row = try store.run("SELECT net_us, anchor_us, running FROM cpn_clock WHERE id = 1").first else {
            throw StoreError("the store has no clock row: it was not created by cpn-author, or is damaged")
        }
        let (net, anchor, running) = try PostgresColumns.decode(row, table: "cpn_clock", name: "id 1") { try $0.decode((Int64, Int64, Bool).self) }
        return NetClock(netMicros: net, anchorMicros: anchor, running: running)
    }

    func setClock(_ c: NetClock, expected e: NetClock) throws -> Bool {
        // Conditional, so that of two workers changing the clock at once the second sees it changed.
        try !write("""
            UPDATE cpn_clock SET net_us = \(c.netMicros), anchor_us = \(c.anchorMicros), running = \(c.running)
            WHERE id = 1 AND net_us = \(e.netMicros) AND anchor_us = \(e.anchorMicros) AND running = \(e.running) RETURNING id
            """).isEmpty
    }

    func tokens() throws -> [StoredToken] {
        try store.run("SELECT id, place, value, ready_at, claimed_by, claim_until FROM cpn_tokens ORDER BY id").map { row in
            let (id, place, value, ready, by, until) = try PostgresColumns.decode(row, table: "cpn_tokens") {
                try $0.decode((Int64, String, String, Int64, String?, Int64?).self)
            }
            return try StoreRowCheck.token(StoredToken(id: id, place: place, value: value, readyAt: ready, claimedBy: by, claimUntil: until))
        }
    }

    func tokenGroups(floor: Int64, now: Int64, worker: String) throws -> [TokenGroup] {
        try store.run("""
            SELECT place, value, GREATEST(ready_at, \(floor)) AS r,
                   CASE WHEN claimed_by IS NULL OR claim_until <= \(now) THEN 0 WHEN claimed_by = \(worker) THEN 1 ELSE 2 END AS h,
                   COUNT(*)::int8
            FROM cpn_tokens GROUP BY 1, 2, 3, 4 ORDER BY MIN(id)
            """).map { row in
            let (place, value, ready, holder, count) = try PostgresColumns.decode(row, table: "cpn_tokens", name: "of a group of tokens") {
                try $0.decode((String, String, Int64, Int32, Int64).self)
            }
            return try StoreRowCheck.group(TokenGroup(place: place, value: value, readyAt: ready,
                                                      holder: TokenGroup.Holder(rawValue: Int(holder)) ?? .other, count: Int(count)))
        }
    }

    func lockPlaces(_ names: [String]) throws {
        // Sorted by key, not by name, so that two workers always take them in the same order.
        for key in Set(names.map(Self.placeKey)).sorted() {
            try write("SELECT pg_advisory_xact_lock(\(PostgresStore.lockClass), \(key))")
        }
    }

    func lockTokens(place: String, value: String, count: Int, readyBy: Int64, now: Int64) throws -> [Int64] {
        try write("""
            SELECT id FROM cpn_tokens
            WHERE place = \(place) AND value = \(value) AND ready_at <= \(readyBy) AND (claimed_by IS NULL OR claim_until <= \(now))
            ORDER BY id LIMIT \(count) FOR UPDATE SKIP LOCKED
            """).map { try $0.decode(Int64.self) }
    }

    func lockHeldTokens(_ ids: [Int64], worker: String) throws -> [Int64] {
        try write("SELECT id FROM cpn_tokens WHERE id = ANY(\(ids)) AND claimed_by = \(worker) ORDER BY id FOR UPDATE")
            .map { try $0.decode(Int64.self) }
    }

    func deleteTokens(_ ids: [Int64]) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try write("DELETE FROM cpn_tokens WHERE id = ANY(\(ids)) RETURNING id").count
    }

    func insertTokens(_ tokens: [NewToken]) throws -> [Int64] {
        guard !tokens.isEmpty else { return [] }
        // Identity values are drawn in the order rows are inserted, which is the order of unnest.
        let ids = try write("""
            INSERT INTO cpn_tokens (place, value, ready_at)
            SELECT * FROM unnest(\(tokens.map(\.place))::text[], \(tokens.map(\.value))::text[], \(tokens.map(\.readyAt))::int8[])
            RETURNING id
            """).map { try $0.decode(Int64.self) }.sorted()
        guard ids.count == tokens.count else { throw StoreError("inserting \(tokens.count) tokens returned \(ids.count) ids") }
        return ids
    }

    func hold(_ ids: [Int64], worker: String?, until: Int64?) throws {
        guard !ids.isEmpty else { return }
        try write("UPDATE cpn_tokens SET claimed_by = \(worker), claim_until = \(until) WHERE id = ANY(\(ids))")
    }

    func appendEvent(_ e: EventRecord) throws -> Int64 {
        try write("""
            INSERT INTO cpn_events (kind, transition, binding, consumed, produced, worker, started_at, at, net_at, handler, message)
            VALUES (\(e.kind.rawValue), \(e.transition), \(EventColumns.encode(e.binding)), \(EventColumns.encode(e.consumed)),
                    \(EventColumns.encode(e.produced)), \(e.worker), \(e.startedAt), \(e.at), \(e.netAt), \(e.handler), \(e.message))
            RETURNING id
            """)[0].decode(Int64.self)
    }

    func events(after: Int64, limit: Int) throws -> [EventRecord] {
        try store.run("""
            SELECT id, kind, transition, binding, consumed, produced, worker, started_at, at, net_at, handler, message
            FROM cpn_events WHERE id > \(after) ORDER BY id LIMIT \(limit)
            """).map { row in
            let (id, kind, transition, binding, consumed, produced, worker, started, at, netAt, handler, message) =
                try PostgresColumns.decode(row, table: "cpn_events") {
                    try $0.decode((Int64, String, String?, String, String, String, String, Int64?, Int64, Int64, String?, String?).self)
                }
            let name = "id \(id)"
            func json<T>(_ column: String, _ text: String, _ decode: (String) throws -> T) throws -> T {
                do { return try decode(text) } catch let e as StoreError {
                    throw StoreRowCheck.damaged(table: "cpn_events", row: name, column: column, e.message)
                }
            }
            return try StoreRowCheck.event(EventRecord(
                id: id, kind: StoreRowCheck.kind(kind, row: name), transition: transition, binding: json("binding", binding, EventColumns.decodeBinding),
                consumed: json("consumed", consumed, EventColumns.decodeRefs), produced: json("produced", produced, EventColumns.decodeRefs),
                worker: worker, startedAt: started, at: at, netAt: netAt, handler: handler, message: message))
        }
    }

    func summary(since: Int64) throws -> EventSummary {
        let events = try store.run("SELECT COUNT(*)::int8 FROM cpn_events")[0].decode(Int64.self)
        let firings = try store.run("""
            SELECT transition, COUNT(*)::int8, COUNT(*) FILTER (WHERE at >= \(since))::int8, MAX(at)
            FROM cpn_events WHERE kind = 'fire' GROUP BY transition
            """).map { row in
            let (t, total, recent, last) = try PostgresColumns.decode(row, table: "cpn_events", name: "of the firings of one transition") {
                try $0.decode((String, Int64, Int64, Int64).self)
            }
            return EventSummary.PerTransition(transition: t, total: Int(total), recent: Int(recent), lastAt: last)
        }
        let workers = try store.run("""
            SELECT worker, COUNT(*)::int8, MAX(at) FROM cpn_events WHERE at >= \(since) AND kind <> 'init' GROUP BY worker ORDER BY worker
            """).map { row in
            let (w, n, last) = try PostgresColumns.decode(row, table: "cpn_events", name: "of the events of one worker") {
                try $0.decode((String, Int64, Int64).self)
            }
            return EventSummary.PerWorker(worker: w, recent: Int(n), lastAt: last)
        }
        let failures = try store.run("SELECT COUNT(*)::int8 FROM cpn_events WHERE kind = 'failed' AND at >= \(since)")[0].decode(Int64.self)
        let last = try store.run("SELECT at FROM cpn_events ORDER BY id DESC LIMIT 1").first.map { row in
            try PostgresColumns.decode(row, table: "cpn_events", name: "the newest") { try $0.decode(Int64.self) }
        }
        let handlers = try store.run("""
            SELECT handler, COUNT(*)::int8, COALESCE(SUM(at - started_at), 0)::int8 FROM cpn_events
            WHERE kind = 'fire' AND handler IS NOT NULL AND started_at IS NOT NULL GROUP BY handler ORDER BY handler
            """).map { row in
            let (h, n, work) = try PostgresColumns.decode(row, table: "cpn_events", name: "of the firings of one handler") {
                try $0.decode((String, Int64, Int64).self)
            }
            return EventSummary.PerHandler(handler: h, firings: Int(n), workMicros: work)
        }
        return EventSummary(events: Int(events), firings: firings, workers: workers, recentFailures: Int(failures), lastEventAt: last, handlers: handlers)
    }

    /// FNV-1a of the place name: the second key of its advisory lock.
    static func placeKey(_ name: String) -> Int32 {
        var h: UInt32 = 2_166_136_261
        for b in name.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return Int32(bitPattern: h)
    }
}

/// The tables, by schema version (see `SQLiteSchema`: the same tables).
enum PostgresSchema {
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE cpn_net (
                id INT PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, signature TEXT NOT NULL,
                source TEXT NOT NULL, path TEXT NOT NULL, tick_us BIGINT NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE cpn_tokens (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, place TEXT NOT NULL, value TEXT NOT NULL,
                ready_at BIGINT NOT NULL, claimed_by TEXT, claim_until BIGINT)
            """,
            "CREATE INDEX cpn_tokens_by_value ON cpn_tokens (place, value, id)",
            """
            CREATE TABLE cpn_events (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, kind TEXT NOT NULL, transition TEXT,
                binding TEXT NOT NULL, consumed TEXT NOT NULL, produced TEXT NOT NULL, worker TEXT NOT NULL,
                started_at BIGINT, at BIGINT NOT NULL, net_at BIGINT NOT NULL, handler TEXT, message TEXT)
            """,
            "CREATE TABLE cpn_clock (id INT PRIMARY KEY CHECK (id = 1), net_us BIGINT NOT NULL, anchor_us BIGINT NOT NULL, running BOOLEAN NOT NULL)",
        ],
        [PostgresSchema.fire],
        // 3: which shard of a partitioned run the store holds (NULL: the whole net).
        ["ALTER TABLE cpn_net ADD COLUMN shard TEXT"],
    ]

    /// One firing on the server (`PostgresTransaction.fire`, `FiringWrite`): the place
    /// locks, the input rows (`FOR UPDATE SKIP LOCKED`, oldest first), the capacities
    /// counted once their places are locked, then the delete, the inserts and the event,
    /// whose token lists are written as `EventColumns` writes them. NULL when an input
    /// or a capacity no longer allows the firing: nothing was written. Returns the
    /// event's id, the ids taken (in input order) and the ids made (in output order).
    static let fire = """
        CREATE OR REPLACE FUNCTION cpn_fire(
            lock_keys int4[], in_places text[], in_values text[], in_counts int4[], ready_by int8, now_us int8,
            cap_places text[], cap_limits int8[], out_places text[], out_values text[], out_ready int8[],
            ev_transition text, ev_binding text, ev_worker text, ev_started int8, ev_at int8, ev_net int8, ev_handler text,
            pause_us int8) RETURNS int8[] LANGUAGE plpgsql AS $fn$
        DECLARE
            k int4;
            i int;
            got int8[];
            taken int8[] := '{}';
            consumed text[] := '{}';
            made int8[];
            n int8;
            ev int8;
        BEGIN
            FOREACH k IN ARRAY lock_keys LOOP
                PERFORM pg_advisory_xact_lock(\(PostgresStore.lockClass), k);
            END LOOP;
            FOR i IN 1 .. coalesce(array_length(in_places, 1), 0) LOOP
                got := ARRAY(SELECT id FROM cpn_tokens
                             WHERE place = in_places[i] AND value = in_values[i] AND ready_at <= ready_by
                               AND (claimed_by IS NULL OR claim_until <= now_us)
                             ORDER BY id LIMIT in_counts[i] FOR UPDATE SKIP LOCKED);
                IF coalesce(array_length(got, 1), 0) < in_counts[i] THEN RETURN NULL; END IF;
                taken := taken || got;
                consumed := consumed || ARRAY(SELECT '{"id":' || g || ',"place":' || to_json(in_places[i])::text
                                                     || ',"token":' || to_json(in_values[i])::text || '}' FROM unnest(got) AS g);
            END LOOP;
            FOR i IN 1 .. coalesce(array_length(cap_places, 1), 0) LOOP
                SELECT count(*) INTO n FROM cpn_tokens WHERE place = cap_places[i];
                IF n > cap_limits[i] THEN RETURN NULL; END IF;
            END LOOP;
            DELETE FROM cpn_tokens WHERE id = ANY(taken);
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n <> coalesce(array_length(taken, 1), 0) THEN
                RAISE EXCEPTION 'tokens % vanished while locked by %; the transaction was rolled back', taken, ev_worker;
            END IF;
            IF pause_us > 0 THEN PERFORM pg_sleep(pause_us / 1000000.0); END IF;
            WITH ins AS (
                INSERT INTO cpn_tokens (place, value, ready_at)
                SELECT o.p, o.v, o.r FROM unnest(out_places, out_values, out_ready) WITH ORDINALITY AS o(p, v, r, ord) ORDER BY o.ord
                RETURNING id)
            SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO made FROM ins;
            INSERT INTO cpn_events (kind, transition, binding, consumed, produced, worker, started_at, at, net_at, handler, message)
            VALUES ('fire', ev_transition, ev_binding, '[' || array_to_string(consumed, ',') || ']',
                    '[' || coalesce((SELECT string_agg('{"id":' || m.id || ',"place":' || to_json(o.p)::text || ',"token":' || to_json(o.v)::text
                                                       || ',"ready_at":' || o.r || '}', ',' ORDER BY o.ord)
                                     FROM unnest(made) WITH ORDINALITY AS m(id, ord)
                                     JOIN unnest(out_places, out_values, out_ready) WITH ORDINALITY AS o(p, v, r, ord) ON o.ord = m.ord), '') || ']',
                    ev_worker, ev_started, ev_at, ev_net, ev_handler, NULL)
            RETURNING id INTO ev;
            RETURN ARRAY[ev] || taken || made;
        END
        $fn$
        """
}

/// `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require][&sync=full|normal][&timeout=SECONDS]`.
/// The password may also come from `PGPASSWORD`; it never appears in messages.
struct PostgresURL {
    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String
    var sslMode: String
    /// `full` (the server's setting) or `normal` (asynchronous commit), as `sqlite:…?sync=`.
    var sync: String
    /// Seconds a query may wait for its answer before the store gives up on the server
    /// (`PostgresStore.run`). 60 by default: a firing may legitimately wait that long for
    /// another worker's advisory lock. At most a day, so it always fits NIO's nanoseconds.
    var timeout: Int
    static let defaultTimeout = 60
    static let maxTimeout = 86_400

    init(_ text: String) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty else {
            throw StoreError("`\(text.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression))` is not a PostgreSQL URL; write postgres://user@host:port/database")
        }
        self.host = host
        port = try Self.port(in: text) ?? 5432
        user = components.user ?? ProcessInfo.processInfo.environment["PGUSER"] ?? "postgres"
        password = components.password ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw StoreError("sslmode=\(sslMode) is not supported; use disable, prefer or require")
        }
        sync = components.queryItems?.first { $0.name == "sync" }?.value ?? "full"
        guard ["full", "normal"].contains(sync) else {
            throw StoreError("sync=\(sync) is not supported; use full (the default) or normal")
        }
        if let item = components.queryItems?.first(where: { $0.name == "timeout" }) {
            let value = item.value ?? ""
            guard value.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = Int(value), (1...Self.maxTimeout).contains(seconds) else {
                throw StoreError("timeout=\(value) is not supported; write timeout=SECONDS, a whole number of seconds from 1 to \(Self.maxTimeout) "
                    + "(default \(Self.defaultTimeout))")
            }
            timeout = seconds
        } else {
            timeout = Self.defaultTimeout
        }
        if let unknown = components.queryItems?.first(where: { !["sslmode", "sync", "timeout"].contains($0.name) }) {
            throw StoreError("unknown PostgreSQL URL option `\(unknown.name)`; postgres:// takes sslmode=, sync= and timeout=")
        }
    }

    /// The port as written, or nil when the URL names none. Read from the
    /// text: `URLComponents` turns a port too large for an `Int` into nil
    /// (which would silently mean 5432) and accepts ports above 65535.
    static func port(in text: String) throws -> Int? {
        guard let scheme = text.range(of: "://") else { return nil }
        let rest = text[scheme.upperBound...]
        var authority = rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { authority = authority[authority.index(after: close)...] }
        guard let colon = authority.firstIndex(of: ":") else { return nil }
        let digits = authority[authority.index(after: colon)...]
        if digits.isEmpty { return nil }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 5, let n = Int(digits), (1...65535).contains(n) else {
            throw StoreError("the port `\(digits)` in a PostgreSQL URL must be a number from 1 to 65535")
        }
        return n
    }

    var display: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}
