import CPNDiagnostics

/// What every store checks on every row it reads, before the engine sees it.
///
/// A store is a file or a database anyone with access can edit: a column of
/// the wrong type (TEXT in an INTEGER column, a BLOB for a token's value), a
/// negative or absurd time, an unknown event kind. Each is refused with the
/// table, the row and the column, as a store error (`status`, `run`, `tokens`
/// and `log export` exit 2), never a trap. Each store decodes the columns'
/// types itself (`damaged(…)` names what it found); the ranges are checked here
/// the same way for every store.
public enum StoreRowCheck {
    /// The longest time unit a store may record: `run --tick` allows at most an hour,
    /// so that every delay (at most `Int32.max` units) fits the clock.
    public static let maximumTickMicros: Int64 = 3_600_000_000

    /// `damaged store: table cpn_tokens, row id 7, column ready_at: holds TEXT 'abc', where an integer belongs`.
    public static func damaged(table: String, row: String, column: String, _ problem: String) -> StoreError {
        // The row's name and the problem quote the damaged values: escaped, they cannot act on a terminal.
        StoreError("damaged store: table \(table), row \(VisibleText.escaped(row)), column \(column): \(VisibleText.escaped(problem)); "
            + "the store was changed outside cpn-author or is corrupt: restore it from a backup or start a new one")
    }

    /// A time in microseconds since 1970, as the runtime writes them: not negative.
    public static func time(_ value: Int64, table: String, row: String, column: String) throws -> Int64 {
        guard value >= 0 else { throw damaged(table: table, row: row, column: column, "holds \(value), a time before 1970") }
        return value
    }

    public static func time(_ value: Int64?, table: String, row: String, column: String) throws -> Int64? {
        try value.map { try time($0, table: table, row: row, column: column) }
    }

    /// A name or a token's text: not empty, no control characters (they would reach
    /// terminals and reports), no longer than a net file could make it.
    public static func text(_ value: String, table: String, row: String, column: String) throws -> String {
        guard !value.isEmpty else { throw damaged(table: table, row: row, column: column, "is empty") }
        guard value.utf8.count <= 8 << 20 else {
            throw damaged(table: table, row: row, column: column, "holds \(value.utf8.count) bytes, more than a net file can hold")
        }
        if let bad = value.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw damaged(table: table, row: row, column: column, "holds the control character U+\(hex(bad.value))")
        }
        return value
    }

    public static func token(_ t: StoredToken) throws -> StoredToken {
        let row = "id \(t.id)"
        guard t.id > 0 else { throw damaged(table: "cpn_tokens", row: row, column: "id", "holds \(t.id), not a positive id") }
        _ = try text(t.place, table: "cpn_tokens", row: row, column: "place")
        _ = try text(t.value, table: "cpn_tokens", row: row, column: "value")
        _ = try time(t.readyAt, table: "cpn_tokens", row: row, column: "ready_at")
        _ = try time(t.claimUntil, table: "cpn_tokens", row: row, column: "claim_until")
        if let by = t.claimedBy { _ = try text(by, table: "cpn_tokens", row: row, column: "claimed_by") }
        return t
    }

    /// Groups are read with `GROUP BY`: the row is named by its place and value.
    public static func group(_ g: TokenGroup) throws -> TokenGroup {
        let row = "place \(g.place.prefix(40))"
        _ = try text(g.place, table: "cpn_tokens", row: row, column: "place")
        _ = try text(g.value, table: "cpn_tokens", row: row, column: "value")
        _ = try time(g.readyAt, table: "cpn_tokens", row: row, column: "ready_at")
        guard g.count >= 1 else { throw damaged(table: "cpn_tokens", row: row, column: "(count)", "counts \(g.count) copies") }
        return g
    }

    public static func net(_ n: NetRecord) throws -> NetRecord {
        let row = "id 1"
        _ = try text(n.name, table: "cpn_net", row: row, column: "name")
        guard (1...maximumTickMicros).contains(n.tickMicros) else {
            throw damaged(table: "cpn_net", row: row, column: "tick_us",
                          "holds \(n.tickMicros), not a time unit from 1 µs to 1 h")
        }
        _ = try time(n.createdAt, table: "cpn_net", row: row, column: "created_at")
        return n
    }

    public static func event(_ e: EventRecord) throws -> EventRecord {
        let row = "id \(e.id)"
        _ = try time(e.at, table: "cpn_events", row: row, column: "at")
        _ = try time(e.netAt, table: "cpn_events", row: row, column: "net_at")
        _ = try time(e.startedAt, table: "cpn_events", row: row, column: "started_at")
        if let t = e.transition { _ = try text(t, table: "cpn_events", row: row, column: "transition") }
        _ = try text(e.worker, table: "cpn_events", row: row, column: "worker")
        for r in e.consumed + e.produced {
            _ = try text(r.place, table: "cpn_events", row: row, column: "consumed/produced (place)")
            _ = try text(r.value, table: "cpn_events", row: row, column: "consumed/produced (token)")
            _ = try time(r.readyAt, table: "cpn_events", row: row, column: "produced (ready_at)")
        }
        for b in e.binding {
            _ = try text(b.name, table: "cpn_events", row: row, column: "binding (variable)")
            _ = try text(b.value, table: "cpn_events", row: row, column: "binding (value)")
        }
        return e
    }

    /// An event's kind, as stored.
    public static func kind(_ text: String, row: String) throws -> EventKind {
        guard let k = EventKind(rawValue: text) else {
            throw damaged(table: "cpn_events", row: row, column: "kind",
                          "holds `\(text.prefix(40))`, not one of \(EventKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return k
    }

    static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
