import CPNExpressions
import CPNLoad
import CPNModel

/// Random runs through a net: at each step one enabled step is chosen
/// uniformly (the clock advances when nothing can fire). Runs are identical
/// for the same seed on any machine. Invariants are checked on the way.
public struct SimulationResult: Sendable, Codable {
    public var net: String
    public var file: String
    public var seed: UInt64
    public var runs: Int
    public var maxSteps: Int
    public var totalSteps: Int
    public var firings: [TransitionCount]
    public var maxTokens: [PlaceBound]
    /// Runs that ended in a dead marking satisfying `final`.
    public var finished: Int
    /// Runs that ended in a dead marking that is not final.
    public var deadlocked: Int
    /// Runs that reached the step limit.
    public var unfinished: Int
    /// Runs stopped by an evaluation error (overflow, a value outside its color, ...):
    /// no successor of that marking can be computed, so the run cannot go on.
    public var failed: Int
    public var violations: [Violation]
    /// Model time elapsed, summed over runs (timed nets).
    public var totalTime: Int
    /// Firings per unit of model time (timed nets), or nil.
    public var throughput: Double?
    /// The first run that violated something, else the first run.
    public var trace: Trace?
    /// Why the simulation stopped before its runs were done (Ctrl-C), if it did.
    public var stopReason: String? = nil

    public struct TransitionCount: Sendable, Codable {
        public var transition: String
        public var count: Int
    }

    public struct Violation: Sendable, Codable {
        public var property: String
        public var run: Int
        public var step: Int
        public var message: String
    }

    enum CodingKeys: String, CodingKey {
        case net, file, seed, runs, maxSteps = "max_steps", totalSteps = "total_steps", firings
        case maxTokens = "max_tokens", finished, deadlocked, unfinished, failed, violations
        case totalTime = "total_time", throughput, trace, stopReason = "stop_reason"
    }
}

public struct Simulator {
    let net: CheckedNet

    public init(net: CheckedNet) { self.net = net }

    /// - Parameter isCancelled: polled inside each step's binding enumeration
    ///   and long expressions too (Ctrl-C), so one marking cannot hang a run.
    public func run(file: String, seed: UInt64, runs: Int, steps: Int,
                    isCancelled: @escaping @Sendable () -> Bool = { false }) -> SimulationResult {
        let generator = SuccessorGenerator(net: net)
        let budget = WorkBudget { isCancelled() ? "interrupted" : nil }
        let builder = TraceBuilder(net: net, generator: generator, codec: generator.codec)
        var random = SplitMix64(seed: seed)
        var fired = Array(repeating: 0, count: net.transitions.count)
        var maxTokens = Array(repeating: 0, count: net.places.count)
        var result = SimulationResult(net: net.net.name, file: file, seed: seed, runs: runs, maxSteps: steps, totalSteps: 0,
                                      firings: [], maxTokens: [], finished: 0, deadlocked: 0, unfinished: 0, failed: 0, violations: [],
                                      totalTime: 0, throughput: nil, trace: nil)
        var reported = Set<String>()
        var firings = 0
        var keptTraceIsViolation = false

        simulating: for run in 1...max(1, runs) {
            var m = generator.initialMarking()
            var clock = 0
            var traceSteps: [TraceStep] = []
            /// The first property this run violated.
            var violation: String? = nil
            var violated: Bool { violation != nil }
            let initial = builder.snapshot(m)
            func record(_ property: String, step: Int, _ message: String) {
                if violation == nil { violation = property }
                if reported.insert(property).inserted {
                    result.violations.append(.init(property: property, run: run, step: step, message: message))
                }
            }
            // As in `verify` (specs/semantics.md §7): an invariant that cannot be
            // evaluated is an expression error, not a violation of that invariant.
            func check(_ m: Marking, step: Int) {
                let view = MarkingView(marking: m, interners: generator.interners)
                for p in m.places.indices { maxTokens[p] = max(maxTokens[p], m.size(of: p)) }
                for inv in net.invariants {
                    do {
                        if try !inv.holds(on: view, budget: budget) {
                            record(inv.name, step: step, "invariant `\(inv.name)` does not hold")
                        }
                    } catch where error.isInterruption {
                        result.stopReason = error.message
                    } catch {
                        record("expression-errors", step: step, "invariant `\(inv.name)`: \(error.message)")
                    }
                }
            }
            check(m, step: 0)
            var step = 0
            var ended = false
            while step < steps, result.stopReason == nil {
                var options: [(Step, Marking)] = []
                do {
                    let expansion = try generator.successors(of: m, budget: budget) { s, next in options.append((s, next)) }
                    if let failure = expansion.failure {
                        record("expression-errors", step: step + 1, failure.error.message)
                        result.failed += 1
                        ended = true
                        break
                    }
                } catch {
                    result.stopReason = error.reason
                    break
                }
                if options.isEmpty {
                    var final = false
                    if let f = net.final {
                        let view = MarkingView(marking: m, interners: generator.interners)
                        do { final = try f.holds(on: view, budget: budget) } catch {
                            record("expression-errors", step: step, "final: \(error.message)")
                        }
                    }
                    if final { result.finished += 1 } else {
                        result.deadlocked += 1
                        record("deadlock", step: step, "dead marking that is not final")
                    }
                    ended = true
                    break
                }
                let (s, next) = options[pick(options.map(\.0), &random)]
                step += 1
                switch s.kind {
                case .fire(let t):
                    fired[t] += 1
                    firings += 1
                case .tick(let d): clock += Int(d)
                }
                m = next
                traceSteps.append(builder.describe(s, index: step, clock: clock, after: m))
                check(m, step: step)
            }
            if result.stopReason != nil { break simulating }
            if !ended { result.unfinished += 1 }
            result.totalSteps += step
            result.totalTime += clock
            // Keep the first run's trace, or the first run that violated something.
            if result.trace == nil || (violated && !keptTraceIsViolation) {
                result.trace = Trace(net: net.net.name, property: violation, initial: initial, steps: traceSteps, failure: nil)
                keptTraceIsViolation = violated
            }
        }
        result.firings = net.transitions.indices.map { .init(transition: net.transitions[$0].name, count: fired[$0]) }
        result.maxTokens = net.places.indices.map { PlaceBound(place: net.places[$0].name, max: maxTokens[$0], capacity: net.places[$0].capacity) }
        if generator.timed, result.totalTime > 0 { result.throughput = Double(firings) / Double(result.totalTime) }
        return result
    }

    /// The step to take: uniform among `steps` when every transition has the
    /// same weight (so seeds replay as before weights existed), otherwise with
    /// probability proportional to each step's transition's `weight` (a tick weighs 1).
    private func pick(_ steps: [Step], _ random: inout SplitMix64) -> Int {
        let weights = steps.map { s -> Int in
            if case .fire(let t) = s.kind { return net.transitions[t].weight }
            return 1
        }
        guard Set(net.transitions.map(\.weight)).count > 1 else { return random.below(steps.count) }
        var r = random.below(weights.reduce(0, +))
        for (k, w) in weights.enumerated() {
            if r < w { return k }
            r -= w
        }
        return steps.count - 1
    }
}
