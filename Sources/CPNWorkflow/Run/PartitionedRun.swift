import CPNExplore
import CPNJSON
import CPNLoad
import CPNRuntime
import Foundation

/// A net run as independent shards, one store each (`run --partition KEY
/// --store A --store B ...`), on the argument of a `PartitionProof`: every
/// firing stays within one key, so each shard is a net of its own and any
/// interleaving of the shards' firings is a run of the whole net.
///
/// Each shard has its own workers and its own stop: a shard whose store
/// fails (its server killed) stops alone, and the others go on; run again
/// with the same stores, it carries on from what its store committed.
public enum PartitionedRun {
    /// What exploring a shard alone decided: the invariants it can check at
    /// each firing (they hold on every reachable marking of its tokens alone)
    /// and the ones it cannot (a sum or count over every shard, say).
    public struct ShardCheck: Sendable {
        public var index: Int
        public var initialTokens: Int
        public var states: Int
        public var checked: [String]
        public var excluded: [(name: String, why: String)]
    }

    /// Explores each shard's part of the net from its own initial tokens.
    /// An invariant is checked by a shard only when that exploration decided
    /// it holds: checking one that does not hold for a part (`size(done) ==
    /// 3` where each shard holds one) would stop a correct run.
    public static func checks(net: CheckedNet, plan: ShardPlan, file: String, timeLimit: Double) -> [ShardCheck] {
        (0..<plan.count).map { i in
            let part = plan.initialNet(of: i, net)
            var options = ExplorationOptions()
            options.timeLimit = timeLimit
            let result = Explorer(net: part, options: options).run(file: file)
            var checked: [String] = []
            var excluded: [(String, String)] = []
            for inv in net.invariants {
                let p = result.properties.first { $0.kind == .invariant && $0.name == inv.name }
                switch p?.status {
                case .holds?: checked.append(inv.name)
                case .violated?:
                    let n = p?.trace?.steps.count ?? 0
                    let when = n == 0 ? "in its initial marking" : "after \(n) step\(n == 1 ? "" : "s")"
                    excluded.append((inv.name, "does not hold for this shard's tokens alone (broken \(when)): it speaks of tokens of every shard"))
                default:
                    excluded.append((inv.name, "not decided for this shard alone (\(result.states) states explored, stopped at a bound)"))
                }
            }
            let tokens = part.places.reduce(0) { $0 + $1.initial.reduce(0) { $0 + $1.count } }
            return ShardCheck(index: i, initialTokens: tokens, states: result.states, checked: checked, excluded: excluded)
        }
    }

    /// One shard's run.
    public struct ShardOutcome: Sendable {
        public var index: Int
        public var location: String
        public var report: RunReport
    }

    public struct Report: Sendable {
        public var key: String
        public var shards: [ShardOutcome]
        public var elapsedMicros: Int64
        /// `final` and the invariants on the union of every shard's marking
        /// once all stopped; nil when some store could not be read.
        public var union: (isFinal: Bool?, brokenInvariants: [String])?
        public var goal: RunGoal
        /// Why the union could not be judged (a store that failed).
        public var unionError: String?

        /// The first error of a shard, or a deadlock or broken invariant of the union.
        public var error: RuntimeError? {
            if let e = shards.compactMap(\.report.error).first { return e }
            if let u = union, !u.brokenInvariants.isEmpty {
                return RuntimeError(.invariantBroken, "the union of the shards' markings breaks invariant \(u.brokenInvariants.map { "`\($0)`" }.joined(separator: ", "))")
            }
            if goal == .final, let u = union, u.isFinal == false, shards.allSatisfy({ $0.report.reason == .idle }) {
                return RuntimeError(.deadlock, "deadlock: every shard stopped with nothing enabled, waiting or being worked on, but the union of their markings is not final")
            }
            return nil
        }

        public var interrupted: Bool { shards.contains { $0.report.reason == .interrupted } }
    }

    /// Runs every shard until it is idle (for `--until final`: idle, then
    /// `final` is judged on the union), a duration, or an interruption.
    /// `open(i)` opens shard `i`'s store (a connection per worker).
    public static func run(net: RuntimeNet, plan: ShardPlan, checks: [ShardCheck], workers: Int, goal: RunGoal,
                           handlers: [Handler], options: EngineOptions, locations: [String],
                           isCancelled: @escaping @Sendable () -> Bool,
                           open: @escaping @Sendable (Int) throws -> any TokenStore) -> Report {
        let start = RuntimeClock.monotonic()
        let shardGoal: RunGoal = goal == .final ? .idle : goal
        let outcomes = OutcomeBox(count: plan.count)
        let done = DispatchGroup()
        for i in 0..<plan.count {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                var o = options
                o.shard = ShardAssignment(plan: plan, index: i, invariants: Set(checks[i].checked))
                o.seed = options.seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15
                let shardOptions = o
                // Put the shard's part in (or check it against) its store, then start its workers.
                do {
                    let first = try Engine(net: net, store: open(i), worker: RuntimeStores.workerID("s\(i + 1).0"), handlers: handlers, options: shardOptions)
                    defer { first.store.close() }
                    try first.open()
                } catch {
                    let e = error as? RuntimeError ?? RuntimeError(.store, "\(error)")
                    outcomes.set(i, ShardOutcome(index: i, location: locations[i],
                                                 report: .failed(e, workers: workers, elapsedMicros: RuntimeClock.monotonic() - start)))
                    return
                }
                let report = Runner.run(workers: workers, goal: shardGoal, isCancelled: isCancelled) { w in
                    var wo = shardOptions
                    wo.seed = shardOptions.seed &+ UInt64(w) &* 0xD1B5_4A32_D192_ED03
                    return try Engine(net: net, store: open(i), worker: RuntimeStores.workerID("s\(i + 1).\(w)"), handlers: handlers, options: wo)
                }
                outcomes.set(i, ShardOutcome(index: i, location: locations[i], report: report))
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        done.wait()
        var report = Report(key: plan.key, shards: outcomes.all, elapsedMicros: RuntimeClock.monotonic() - start, union: nil, goal: goal)
        // Every shard stopped: the union is a marking of the whole net, consistent because nothing fires.
        var rows: [StoredToken] = []
        var judge: Engine?
        do {
            for i in 0..<plan.count {
                let store = try open(i)
                defer { store.close() }
                let engine = try Engine.attach(store: store, worker: RuntimeStores.workerID("s\(i + 1).report"))
                rows += try engine.snapshot().tokens
                if judge == nil { judge = engine }
            }
            if let judge { report.union = try judge.judge(union: rows) }
        } catch {
            report.unionError = (error as? RuntimeError)?.message ?? "\(error)"
        }
        return report
    }
}

private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [PartitionedRun.ShardOutcome?]
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ o: PartitionedRun.ShardOutcome) { lock.withLock { items[i] = o } }
    var all: [PartitionedRun.ShardOutcome] { lock.withLock { items.compactMap { $0 } } }
}

// MARK: - Reports

extension PartitionedRun.Report {
    /// ```text
    /// stopped after 1.4s: 3 shards by `Tenant`
    /// shard 1 of 3 (postgres://cpn@127.0.0.1:54329/a): nothing left to do after 1.2s
    ///   firings: 16 (13/s) by 2 workers
    /// ...
    /// union of the 3 shards: final, every invariant holds
    /// ```
    public var text: String {
        var out = "stopped after \(RuntimeDuration.format(micros: elapsedMicros)): \(shards.count) shard\(shards.count == 1 ? "" : "s") by `\(key)`\n"
        for s in shards {
            out += "shard \(s.index + 1) of \(shards.count) (\(s.location)): "
            let lines = s.report.text(finalMarking: []).split(separator: "\n")
            for (k, line) in lines.enumerated() {
                out += (k == 0 ? String(line.dropFirst("stopped: ".count)) : "  " + line) + "\n"
            }
        }
        if let u = union {
            var facts: [String] = []
            if let f = u.isFinal { facts.append(f ? "final" : "not final") }
            facts.append(u.brokenInvariants.isEmpty ? "every invariant holds" : "breaks " + u.brokenInvariants.map { "`\($0)`" }.joined(separator: ", "))
            out += "union of the \(shards.count) shards' markings: " + facts.joined(separator: ", ") + "\n"
        } else if let e = unionError {
            out += "union of the shards' markings: not judged (\(e))\n"
        }
        let failed = shards.filter { $0.report.reason == .failed }
        if !failed.isEmpty {
            out += "note: \(failed.map { "shard \($0.index + 1)" }.joined(separator: ", ")) stopped on an error; the others ran on. Run the same command again, with the same stores in the same order, to resume from what each store committed\n"
        }
        return out
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("partition", .string(key)),
            ("elapsed_ms", .int(Int(elapsedMicros / 1_000))),
            ("shards", .array(shards.map { s in
                var o: [(String, JSONValue)] = [("shard", .int(s.index + 1)), ("store", .string(s.location))]
                if case .object(let m) = s.report.json { o += m }
                return .object(o)
            })),
        ]
        if let u = union {
            members.append(("union", .object([("final", u.isFinal.map(JSONValue.bool) ?? .null),
                                              ("broken_invariants", .array(u.brokenInvariants.map(JSONValue.string)))])))
        } else {
            members.append(("union", .null))
            if let e = unionError { members.append(("union_error", .string(e))) }
        }
        if let e = error { members.append(("error", .object([("message", .string(e.message)), ("details", .array(e.details.map(JSONValue.string)))]))) }
        return .object(members)
    }
}

extension PartitionedRun.ShardCheck {
    /// `shard 2 of 3: 4 initial tokens, 45 states; checks no_job_lost; not every_tenant_counted (...)`
    public func text(of count: Int) -> String {
        var out = "shard \(index + 1) of \(count): \(initialTokens) initial token\(initialTokens == 1 ? "" : "s"), \(states) state\(states == 1 ? "" : "s") explored alone"
        out += checked.isEmpty ? "; checks no invariant" : "; checks " + checked.map { "`\($0)`" }.joined(separator: ", ")
        out += "\n"
        for e in excluded { out += "  not checked by this shard: `\(e.name)` \(e.why)\n" }
        return out
    }
}
