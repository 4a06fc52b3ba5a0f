import CPNExpressions
import CPNLoad
import CPNModel

/// The firing rule of `specs/semantics.md` §4 for callers that keep their own
/// markings, such as the runtime, whose tokens live in a database.
///
/// It is the explorer's `SuccessorGenerator` underneath, so a binding is
/// enabled here exactly when `verify` and `simulate` would follow it: same
/// enumeration order, guards, output evaluation, capacities (checked after
/// consumption) and ordered places.
///
/// ```swift
/// let rule = FiringRule(net: checked)
/// let marking = checked.places.map { p in p.initial.map { FiringRule.Token(value: $0.value, ready: $0.delay == 0, count: $0.count) } }
/// for firing in try rule.enabled(in: marking) { print(checked.transitions[firing.transition].name) }
/// ```
///
/// Not thread-safe: it numbers token values as it meets them. Use one per thread.
public final class FiringRule {
    /// Copies of one value in one place.
    public struct Token: Hashable, Sendable {
        public var value: Value
        /// Whether these copies can be taken now. The others (waiting for their
        /// ready time, or held by a worker) still count towards capacities.
        public var ready: Bool
        public var count: Int

        public init(value: Value, ready: Bool, count: Int) {
            self.value = value
            self.ready = ready
            self.count = count
        }
    }

    /// Tokens a firing takes or produces: `count` copies of `value` in `place`,
    /// produced ones ready `delay` time units after the firing.
    public struct Move: Hashable, Sendable {
        public var place: Int
        public var value: Value
        public var count: Int
        public var delay: Int
        /// Taken by a `cancel:` arc: whatever the copies' ready time.
        public var anyReadyTime = false

        public init(place: Int, value: Value, count: Int, delay: Int, anyReadyTime: Bool = false) {
            self.place = place
            self.value = value
            self.count = count
            self.delay = delay
            self.anyReadyTime = anyReadyTime
        }
    }

    /// One enabled binding of a transition.
    public struct Firing: Hashable, Sendable {
        public var transition: Int
        /// The binding's variables in slot order, as `CheckedTransition.variables` lists them.
        public var variables: [Value]
        /// One move per input pattern, in binding order.
        public var consumed: [Move]
        /// One move per output token, in the order of `out`.
        public var produced: [Move]
        /// One move per `read:` pattern, in binding order: tokens the firing
        /// needs and leaves in place.
        public var read: [Move] = []

        /// A firing made outside the rule (conformance's forced firings, which say why).
        public init(transition: Int, variables: [Value], consumed: [Move], produced: [Move], read: [Move] = []) {
            self.transition = transition
            self.variables = variables
            self.consumed = consumed
            self.produced = produced
            self.read = read
        }
    }

    /// An evaluation error while computing the bindings of a transition
    /// (`specs/semantics.md` §7): never a silently disabled binding.
    public struct Failure: Error, Sendable {
        public var transition: Int
        public var error: EvaluationError
        public var variables: [Value]
    }

    public let net: CheckedNet
    private let generator: SuccessorGenerator

    public init(net: CheckedNet) {
        self.net = net
        self.generator = SuccessorGenerator(net: net)
    }

    /// Whether some output arc has a delay or some initial token waits.
    public var isTimed: Bool { generator.timed }

    /// Every enabled binding of the given transitions (all when nil) in
    /// `marking` (one list of tokens per place, in the net's place order), in
    /// the order `verify` enumerates them. With priorities, only the enabled
    /// bindings of the highest priority among the given transitions.
    ///
    /// `budget`, when given, bounds the enumeration (a marking can have
    /// astronomically many partial bindings): once it stops, this throws a
    /// `Failure` whose error has `isInterruption` set.
    public func enabled(in marking: [[Token]], transitions: [Int]? = nil, budget: WorkBudget? = nil) throws(Failure) -> [Firing] {
        var m = Marking(placeCount: net.places.count)
        for (p, tokens) in marking.enumerated() where p < net.places.count {
            for t in tokens where t.count > 0 {
                // Only "ready or not" matters to the rule: any positive offset means waiting.
                m.add(Int32(generator.interners[p].id(of: t.value)), ready: t.ready ? 0 : 1, count: Int32(clamping: t.count), to: p)
            }
        }
        var out: [Firing] = []
        // Highest priority first; a lower group is only looked at when nothing above it is enabled.
        let requested = transitions ?? Array(net.transitions.indices)
        let levels = Set(requested.map { net.transitions[$0].priority }).sorted(by: >)
        for level in levels where out.isEmpty {
        for ti in requested where net.transitions[ti].priority == level {
            var found: BindingFailure? = nil
            do {
                // Consumed moves follow the taking inputs in binding order.
                let takes = net.transitions[ti].inputs.filter { !$0.reads }
                found = try generator.successors(of: m, transition: ti, budget: budget) { step, _ in
                    out.append(Firing(
                        transition: ti,
                        variables: step.slots,
                        consumed: step.consumed.enumerated().map { k, c in
                            Move(place: c.place, value: value(c.place, c.token), count: c.count, delay: 0,
                                 anyReadyTime: k < takes.count && takes[k].anyReadyTime)
                        },
                        produced: step.produced.map { Move(place: $0.place, value: value($0.place, $0.token), count: $0.count, delay: $0.delay) },
                        read: step.read.map { Move(place: $0.place, value: value($0.place, $0.token), count: $0.count, delay: 0) }))
                }
            } catch {
                // The budget stopped the enumeration: a failure whose error says so.
                throw Failure(transition: ti, error: .interruption(error.reason), variables: [])
            }
            if let found {
                throw Failure(transition: found.transition, error: found.error, variables: found.slots)
            }
        }
        }
        return out
    }

    private func value(_ place: Int, _ token: Int32) -> Value { generator.interners[place].value(Int(token)) }
}
