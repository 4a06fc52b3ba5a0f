import CPNRuntime
import CPNRuntimeSQLite
import Foundation
import GRDB
import Testing

/// Damages a real store at random (seeded): a few cells of its tables get
/// values of another type or out of range (text, blobs, reals, huge and
/// negative integers, broken JSON, control characters). Then everything that
/// reads a store runs on it in this process: opening the net, the marking,
/// the status, the event log, the trace export, a firing. Each must return or
/// throw; a trap kills the test run. Budget: `CPN_FUZZ_MUTANTS`.
@Suite struct StoreFuzzTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["CPN_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5707_EF22
    static let mutants = ProcessInfo.processInfo.environment["CPN_FUZZ_MUTANTS"].flatMap { Int($0) } ?? 150

    static let columns: [(table: String, columns: [String])] = [
        ("cpn_tokens", ["place", "value", "ready_at", "claimed_by", "claim_until"]),
        ("cpn_events", ["kind", "transition", "binding", "consumed", "produced", "worker", "started_at", "at", "net_at", "handler", "message"]),
        ("cpn_net", ["name", "signature", "source", "path", "tick_us", "created_at"]),
        ("cpn_clock", ["net_us", "anchor_us", "running"]),
    ]

    static func value(using g: inout Generator) -> DatabaseValue {
        switch Int.random(in: 0..<12, using: &g) {
        case 0: return "soon".databaseValue
        case 1: return Data((0..<Int.random(in: 0...8, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }).databaseValue
        case 2: return 1.5.databaseValue
        case 3: return Int64.max.databaseValue
        case 4: return Int64.min.databaseValue
        case 5: return (-1 as Int64).databaseValue
        case 6: return "[{\"id\":\"x\"}]".databaseValue
        case 7: return "{not json".databaseValue
        case 8: return "b\u{1B}[2J".databaseValue
        case 9: return "".databaseValue
        case 10: return Int64.random(in: 0...Int64.max, using: &g).databaseValue
        default: return "[{\"id\":1,\"place\":\"nowhere\",\"token\":\"()\",\"ready_at\":-5}]".databaseValue
        }
    }

    /// The seed store: a timed net that fired, with tokens added and taken.
    static func seedStore(in dir: URL) throws -> String {
        let net = """
            cpn: 1
            name: fuzz
            colors:
              N: { int: [0, 3] }
            places:
              a: { color: Unit, initial: 2 }
              b: N
            transitions:
              t: { in: { a: 1 }, out: { b: "1 @+ 1" } }
              u: { in: { b: x }, guard: "x < 3", out: { b: "x + 1" } }
            """
        try net.write(to: dir.appendingPathComponent("fuzz.yaml"), atomically: true, encoding: .utf8)
        let path = dir.appendingPathComponent("seed.db").path
        guard case .success(let runtimeNet) = RuntimeNet.load(path: dir.appendingPathComponent("fuzz.yaml").path) else {
            Issue.record("the fuzz net does not load")
            return path
        }
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        var options = EngineOptions()
        options.tickMicros = 1
        let engine = try Engine(net: runtimeNet, store: store, worker: "fuzz", options: options)
        try engine.open()
        for _ in 0..<6 { _ = try engine.step() }
        _ = try engine.addTokens(place: "a", values: ["()"])
        _ = try engine.takeTokens(place: "b", count: 1)
        return path
    }

    @Test func damagedStoresNeverTrap() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let seed = try Self.seedStore(in: dir)
        let seedData = try Data(contentsOf: URL(fileURLWithPath: seed))
        var generator = Generator(seed: Self.seed)
        var refused = 0, read = 0
        for index in 0..<Self.mutants {
            let path = dir.appendingPathComponent("m\(index % 4).db").path
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try seedData.write(to: URL(fileURLWithPath: path))
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let (table, columns) = Self.columns.randomElement(using: &generator)!
                    let column = columns.randomElement(using: &generator)!
                    let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                    guard rows > 0 else { continue }
                    let offset = Int.random(in: 0..<rows, using: &generator)
                    // NOT NULL columns refuse some values; a refused update just leaves the cell.
                    try? db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE rowid = (SELECT rowid FROM \(table) ORDER BY rowid LIMIT 1 OFFSET ?)",
                                    arguments: [Self.value(using: &generator), offset])
                }
            }
            try queue.close()
            let store = try SQLiteStore(path: path)
            defer { store.close() }
            do {
                let engine = try Engine.attach(store: store, worker: "fuzz")
                _ = try engine.snapshot()
                _ = try StatusReport(engine: engine, windowMicros: 60_000_000).text
                let events = try EventLog.all(store)
                _ = events.map(EventLog.jsonLine)
                _ = try TraceExport.trace(events: events, net: engine.net, tickMicros: engine.tickMicros)
                _ = try engine.step()
                read += 1
            } catch {
                refused += 1
                let message = "\(error)"
                #expect(!message.isEmpty, "mutant \(index) (seed \(Self.seed)): an empty error")
            }
        }
        print("StoreFuzzTests: \(Self.mutants) damaged stores (seed \(Self.seed)): \(refused) refused, \(read) read through")
        #expect(refused > 0, "no damage was noticed: the mutations do not reach the decoder")
    }

    /// SplitMix64, seeded.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
