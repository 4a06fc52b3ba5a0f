import ArgumentParser
import CPNDiagnostics
import CPNExplore
import CPNLoad
import CPNRuntime
import Foundation
import CPNWorkflow

/// `cpn-author run`: execute a verified net for real against a store.
///
/// ```
/// $ cpn-author run examples/job-pipeline/net.yaml --store sqlite:jobs.db --workers 4 --tick 10ms
/// verified examples/job-pipeline/net.yaml: 342 states, every property holds
/// running net `job-pipeline` on sqlite:jobs.db with 4 workers until final
/// stopped: final marking reached after 0.2s
///   firings: 14 (70/s) by 4 workers
///     submit    3
///     ...
/// ```
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a net for real: every firing one transaction on a SQLite or PostgreSQL store.",
        discussion: """
            The net is checked and verified first (--no-verify skips verification). On an empty \
            store the initial marking is put in; on a store that already runs the net, the run \
            carries on from its tokens. Each firing takes its input tokens, adds its outputs and \
            appends an event in one transaction; invariants are checked on the marking it makes \
            before it is committed (--check-invariants never turns that off). A token produced \
            with `@+ n` is ready n time units later on the wall clock (--tick sets the unit when \
            the store is created; the store keeps it, and a different --tick on a store that \
            already runs the net is refused).

            --handlers FILE binds transitions to work (a shell command given the binding as JSON \
            on stdin, which prints the outcome); every other transition the runtime fires must be \
            listed under `automatic:` there (run refuses to start and names the missing ones). \
            `kind: fault` and `kind: environment` transitions are never fired on their own: \
            `cpn-author inject` fires them. See specs/runtime.md.

            --partition KEY with one --store per shard runs the net as independent shards, when \
            `cpn-author partition NET --by KEY` proves that no firing crosses two keys (untimed nets \
            only): each key's tokens live in one store (by the key's number in its color modulo the \
            number of stores, else a hash), each shard has its own workers, and checks at each firing \
            the invariants that hold for its own tokens alone (each shard is explored alone first; \
            the others are named). When every shard has stopped, `final` and every invariant are \
            judged on the union of their markings. A shard whose store fails stops alone while the \
            others go on; the same command again resumes it from what its store committed.

            --until final stops when `final` holds (a dead marking that is not final is a \
            deadlock: exit 1); idle stops when nothing is enabled, waiting or being worked on; a \
            duration (30s, 5m) runs that long, waiting for tokens added with `tokens add`. \
            Ctrl-C (exit 130) and SIGTERM (exit 143) stop the workers after the transaction each \
            is in; the rest stays in the store for the next run.

            Exit codes: 0 stopped as asked; 1 an invariant would break, an expression failed, a \
            deadlock, or the net does not verify; 2 invalid input, a failed handler or an \
            unusable store; 3 verification stopped at a bound (0 with --accept-bounded).
            """
    )

    @Argument(help: "The net file (YAML).")
    var file: String

    @Option(help: ArgumentHelp(
        "Where tokens and events live: sqlite:FILE (one file, no setup) or postgres://USER@HOST:PORT/DB (many workers, many machines); default sqlite:state.db. With --partition, one per shard, in order (repeat it).",
        discussion: "sqlite:FILE?sync=normal trades a power cut's last commits for speed; a killed process still loses nothing.",
        valueName: "store"))
    var store: [String] = []

    @Option(help: ArgumentHelp("Run as independent shards keyed by this record field or color, one --store each (`cpn-author partition` shows the proof).", valueName: "key"))
    var partition: String?

    @Option(help: ArgumentHelp("With --partition: a place whose tokens belong to no shard (the first store holds them; repeatable).", valueName: "place"))
    var global: [String] = []

    @Option(parsing: .unconditional, help: "Worker threads in this process (each with its own connection).")
    var workers: Int = 1

    @Option(help: "When to stop: final, idle, or a duration such as 30s (default: final if the net has one, else idle).")
    var until: String?

    @Option(help: "A handlers file binding transitions to commands.")
    var handlers: String?

    @Option(help: "Check the invariants before committing each firing: every or never.")
    var checkInvariants: InvariantChecking = .every

    @Option(help: "The length of one time unit (`@+ 1`) when the store is created, e.g. 1s, 100ms (default 1s). A store keeps its unit: a different --tick on an existing store is refused.")
    var tick: String?

    @Option(parsing: .unconditional, help: "Firings per transaction, at most (each checked and logged on its own; they commit together). Default: 16 on SQLite, 1 on PostgreSQL.")
    var batch: Int?

    @Option(parsing: .unconditional, help: "Seed for the choice among enabled bindings (default: from the process id).")
    var seed: UInt64?

    @Flag(help: "Run without verifying the net first.")
    var noVerify = false

    @Flag(help: "Run even when verification stopped at a bound without finding a violation.")
    var acceptBounded = false

    @Option(help: "Report format: text or json.")
    var format: TextOrJSON = .text

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://ADDRESS/metrics while running (:9464 is 127.0.0.1:9464; what `status --format prometheus` prints).", valueName: "[host]:port"))
    var metrics: String?

    /// One hour: `Int64.max` µs is about 2.56e9 hours, above the largest delay (`Int32.max` units).
    static let maximumTickMicros = StoreRowCheck.maximumTickMicros

    enum InvariantChecking: String, ExpressibleByArgument, CaseIterable { case every, never }

    /// The stores given, or the default one.
    var stores: [String] { store.isEmpty ? ["sqlite:state.db"] : store }

    func validate() throws {
        if partition == nil {
            if store.count > 1 { throw ValidationError("several --store options run shards: add --partition KEY (see `cpn-author partition NET --by KEY`)") }
            if !global.isEmpty { throw ValidationError("--global is for partitioned runs: add --partition KEY") }
        } else {
            if store.isEmpty { throw ValidationError("--partition needs a --store for each shard (repeat --store)") }
            if let twice = Dictionary(grouping: store, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw ValidationError("--store \(Self.redacted(twice)) is given twice: every shard needs a store of its own")
            }
            if metrics != nil { throw ValidationError("--metrics serves one store; with --partition, scrape each shard with `cpn-author status --store URL --format prometheus`") }
        }
        guard workers >= 1 && workers <= 256 else { throw ValidationError("--workers must be between 1 and 256") }
        if let batch, batch < 1 || batch > 10_000 { throw ValidationError("--batch must be between 1 and 10000") }
        if let tick {
            guard let t = RuntimeDuration.parse(tick), t >= 1 else { throw ValidationError("--tick must be a duration such as 1s or 100ms") }
            // A delay is at most Int32.max units (specs/semantics.md); with a unit of at most an
            // hour, every delay from any time this millennium fits the clock's 64 bits of microseconds.
            guard t <= RunCommand.maximumTickMicros else {
                throw ValidationError("--tick must be at most 1h (found \(tick)): a delay of up to \(Int32.max) time units must fit the clock")
            }
        }
        if let metrics, MetricsEndpoint.address(metrics) == nil {
            throw ValidationError("--metrics takes [HOST]:PORT, e.g. :9464 or 0.0.0.0:9464, not `\(metrics)`")
        }
        if let until, !["final", "idle"].contains(until), RuntimeDuration.parse(until) == nil {
            throw ValidationError("--until takes final, idle or a duration such as 30s, not `\(until)`")
        }
    }

    func run() throws {
        var err = StandardError()
        let loaded = NetInput.load(path: file)
        guard let checked = loaded.checked, let source = loaded.source else {
            let renderer = DiagnosticRenderer(useColor: ColorChoice.auto.enabled(forFileDescriptor: STDERR_FILENO))
            print(renderer.render(loaded.diagnostics) { $0 == loaded.path ? loaded.source : nil }, to: &err)
            print("\(file): \(loaded.errorCount) error\(loaded.errorCount == 1 ? "" : "s"); not run", to: &err)
            throw ExitCode(ExitStatus.invalidInput)
        }
        let net = RuntimeNet(checked: checked, source: source.text, path: file)
        let goal = try self.goal(net)
        if noVerify {
            print("not verified (--no-verify): \(file)", to: &err)
        } else {
            try verify(checked)
        }
        var handlerList: [Handler] = []
        if let handlers {
            let h = HandlersFile.load(path: handlers, net: net)
            if !h.diagnostics.isEmpty {
                let renderer = DiagnosticRenderer(useColor: ColorChoice.auto.enabled(forFileDescriptor: STDERR_FILENO))
                print(renderer.render(h.diagnostics) { $0 == h.source?.path ? h.source : nil }, to: &err)
                print("\(handlers): \(h.diagnostics.count) error\(h.diagnostics.count == 1 ? "" : "s"); not run", to: &err)
                throw ExitCode(ExitStatus.invalidInput)
            }
            handlerList = h.handlers
        }
        var options = EngineOptions()
        options.checkInvariants = checkInvariants == .every
        // Batches amortize SQLite's commit; on PostgreSQL they hold row and place locks
        // longer and concurrent workers lose more than one worker gains (make bench).
        options.batch = batch ?? (stores[0].hasPrefix("postgres") ? 1 : 16)
        options.tickMicros = tick.flatMap(RuntimeDuration.parse) ?? 1_000_000
        options.seed = seed ?? (UInt64(getpid()) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(RuntimeClock.now()))
        // Fault injection for the crash tests: a pause inside each firing's transaction.
        if let ms = ProcessInfo.processInfo.environment["CPN_RUNTIME_PAUSE_MID_FIRING_MS"].flatMap(Int64.init) {
            options.pauseMidFiringMicros = ms * 1_000
            options.onPauseMidFiring = { transition in
                FileHandle.standardError.write(Data("fault injection: pausing \(ms) ms inside the firing of `\(transition)` (inputs deleted, outputs not written)\n".utf8))
            }
        }

        if let partition {
            try runPartitioned(net, by: partition, goal: goal, handlers: handlerList, options: options)
            return
        }
        let spec = stores[0]
        // Put the net in (or check it against) the store once, before the workers start.
        let location: String
        do {
            let opened: any TokenStore
            do { opened = try RuntimeStores.open(spec, mustExist: false) } catch let e as StoreError { throw ValidationFailure(e.message) }
            let first = try Engine(net: net, store: opened, worker: RuntimeStores.workerID("0"), handlers: handlerList, options: options)
            defer { first.store.close() }
            let record = try first.open()
            location = first.store.location
            // The store's unit wins: workers fire with the unit the store was created with.
            if record.tickMicros != options.tickMicros {
                if let tick {
                    throw RuntimeError(.invalidInput, "\(location) was created with a time unit of \(RuntimeDuration.format(micros: record.tickMicros)); --tick \(tick) differs",
                                       details: ["help: leave out --tick (the store's unit is used), or start a new store for another unit"])
                }
                options.tickMicros = record.tickMicros
            }
        } catch let e as RuntimeError {
            e.print()
            throw e.exitCode
        }
        print("running net `\(net.name)` on \(location) with \(workers) worker\(workers == 1 ? "" : "s") until \(untilText(goal))", to: &err)
        let interrupt = InterruptFlag.install()
        // SIGTERM (a service manager stopping the run): as Ctrl-C, each worker finishes its transaction.
        let termination = TerminationSignal.install()
        let handlersForWorkers = handlerList
        let engineOptions = options
        let endpoint = try metrics.map { try serveMetrics($0, spec: spec) }
        defer { endpoint?.stop() }
        let report = Runner.run(workers: workers, goal: goal, isCancelled: { interrupt.isSet || termination.isSet }) { i in
            var o = engineOptions
            o.seed = engineOptions.seed &+ UInt64(i) &* 0xD1B5_4A32_D192_ED03
            return try Engine(net: net, store: RuntimeStores.open(spec, mustExist: false), worker: RuntimeStores.workerID(String(i)),
                              handlers: handlersForWorkers, options: o)
        }
        var marking: [String] = []
        if let reportStore = try? RuntimeStores.open(spec, mustExist: true) {
            marking = (try? Engine.attach(store: reportStore, worker: RuntimeStores.workerID("report")).markingLines()) ?? []
            reportStore.close()
        }
        switch format {
        case .text: print(TerminalText.inert(report.text(finalMarking: marking)), terminator: "")
        case .json: print(report.json.pretty)
        }
        if let error = report.error { throw error.exitCode }
        if report.reason == .interrupted { throw ExitCode(termination.isSet ? TerminationSignal.exitStatus : 130) }
    }

    /// `--partition KEY`: the proof, each shard explored alone for the
    /// invariants it can check, then one runner per shard (PartitionedRun).
    private func runPartitioned(_ net: RuntimeNet, by key: String, goal: RunGoal, handlers: [Handler], options: EngineOptions) throws {
        var err = StandardError()
        let plan: ShardPlan
        do {
            let proof = try PartitionAnalysis(net: net.checked, key: key, global: global).run()
            if proof.timed {
                print("error: net `\(net.name)` is timed; a partitioned run would give each shard its own clock, which lets time pass in one shard while another is busy (the whole net's clock stands still then)", to: &err)
                print("  help: run it unpartitioned, on one store that workers on many machines share (postgres://...)", to: &err)
                throw ExitCode(ExitStatus.invalidInput)
            }
            plan = try ShardPlan(proof: proof, net: net.checked, count: stores.count)
        } catch let e as PartitionError {
            print("error: \(e.message)", to: &err)
            if let hint = e.hint { print("  help: \(hint.replacingOccurrences(of: "NET.yaml", with: file))", to: &err) }
            throw ExitCode(e.message.contains("cannot run partitioned") ? ExitStatus.violated : ExitStatus.invalidInput)
        }
        let checks = PartitionedRun.checks(net: net.checked, plan: plan, file: file, timeLimit: 120)
        for c in checks { print(c.text(of: plan.count), terminator: "", to: &err) }
        let locations = stores.map(Self.redacted)
        print("running net `\(net.name)` partitioned by `\(key)` on \(stores.count) store\(stores.count == 1 ? "" : "s") with \(workers) worker\(workers == 1 ? "" : "s") each until \(untilText(goal))\(goal == .final ? " (each shard until idle, then `final` on the union)" : "")", to: &err)
        let interrupt = InterruptFlag.install()
        let termination = TerminationSignal.install()
        let specs = stores
        let report = PartitionedRun.run(net: net, plan: plan, checks: checks, workers: workers, goal: goal, handlers: handlers, options: options,
                                        locations: locations, isCancelled: { interrupt.isSet || termination.isSet }) { i in
            try RuntimeStores.open(specs[i], mustExist: false)
        }
        switch format {
        case .text: print(TerminalText.inert(report.text), terminator: "")
        case .json: print(report.json.pretty)
        }
        if let error = report.error { throw error.exitCode }
        if report.interrupted { throw ExitCode(termination.isSet ? TerminationSignal.exitStatus : 130) }
    }

    /// A store URL without its password, for reports.
    static func redacted(_ spec: String) -> String {
        guard let scheme = spec.range(of: "://"), let at = spec[scheme.upperBound...].firstIndex(of: "@") else { return spec }
        let user = spec[scheme.upperBound..<at]
        guard let colon = user.firstIndex(of: ":") else { return spec }
        return String(spec[..<colon]) + String(spec[at...])
    }

    /// Starts the metrics endpoint on a store connection of its own.
    private func serveMetrics(_ address: String, spec: String) throws -> MetricsEndpoint {
        guard let (host, port) = MetricsEndpoint.address(address) else { throw ValidationFailure("--metrics: not an address: \(address)") }
        let reader = try MetricsReader(engine: Engine.attach(store: RuntimeStores.open(spec, mustExist: true), worker: RuntimeStores.workerID("metrics")))
        do {
            let endpoint = try MetricsEndpoint.start(host: host, port: port) { reader.prometheus() }
            var err = StandardError()
            print("metrics at http://\(host.contains(":") ? "[\(host)]" : host):\(endpoint.port)/metrics", to: &err)
            return endpoint
        } catch {
            throw ValidationFailure("--metrics \(address): cannot listen there (\(error))")
        }
    }

    private func goal(_ net: RuntimeNet) throws -> RunGoal {
        switch until {
        case nil: return net.checked.final == nil ? .idle : .final
        case "final"?:
            guard net.checked.final != nil else {
                throw ValidationFailure("net `\(net.name)` has no `final`, so --until final would never stop; use --until idle or a duration")
            }
            return .final
        case "idle"?: return .idle
        case let text?: return .duration(RuntimeDuration.parse(text) ?? 0)
        }
    }

    private func untilText(_ goal: RunGoal) -> String {
        switch goal {
        case .final: return "final"
        case .idle: return "idle"
        case .duration(let d): return RuntimeDuration.format(micros: d) + " have passed"
        }
    }

    /// The same exploration as `verify`; a net that fails it does not run.
    private func verify(_ net: CheckedNet) throws {
        var err = StandardError()
        var options = ExplorationOptions()
        options.timeLimit = 120
        let result = Explorer(net: net, options: options).run(file: file)
        switch result.verdict {
        case .pass:
            print("verified \(file): \(result.states) states, every property holds", to: &err)
        case .violated:
            let violated = result.properties.filter { $0.status == .violated }.map(\.name)
            print("error: \(file) does not verify: \(violated.joined(separator: ", ")) violated; not run", to: &err)
            print("  help: `cpn-author verify \(file)` shows the shortest counterexample", to: &err)
            throw ExitCode(ExitStatus.violated)
        case .bounded:
            if acceptBounded {
                print("verified \(file) up to a bound (\(result.states) states, no violation found); running (--accept-bounded)", to: &err)
            } else {
                print("error: verifying \(file) stopped at a bound after \(result.states) states without a violation; not run", to: &err)
                print("  help: add --accept-bounded to run it anyway, or --no-verify", to: &err)
                throw ExitCode(ExitStatus.bounded)
            }
        }
    }
}

/// The store connection a metrics scrape reads through; one scrape at a time.
private final class MetricsReader: @unchecked Sendable {
    private let engine: Engine
    private let lock = NSLock()

    init(engine: Engine) { self.engine = engine }

    func prometheus() -> String {
        lock.withLock {
            do { return try StatusReport(engine: engine, windowMicros: 60_000_000).prometheus }
            catch { return "# cpn-author: reading the store failed: \(String(describing: error).replacingOccurrences(of: "\n", with: " "))\n" }
        }
    }
}
