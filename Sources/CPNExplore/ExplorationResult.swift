import CPNDiagnostics

/// What `verify` found: one value that every report format renders.
public struct ExplorationResult: Sendable, Codable {
    public var net: String
    public var file: String
    public var verdict: Verdict
    public var complete: Bool
    /// Why exploration stopped early, when it did ("state limit 1000000 reached").
    public var stopReason: String?
    public var states: Int
    public var edges: Int
    public var depth: Int
    public var elapsedMs: Int
    public var bytesPerState: Double
    public var memoryBytes: Int
    public var timed: Bool
    public var properties: [PropertyResult]
    public var deadTransitions: [String]
    public var placeBounds: [PlaceBound]
    public var deadlocks: Int
    public var finalMarkings: Int
    /// Which engine computed the successors ("unfolded: 42 bindings over 56
    /// counters", "place/transition counters", "dynamic"); the result is the same with any.
    public var engine: String = "dynamic"

    public var statesPerSecond: Double { elapsedMs > 0 ? Double(states) * 1000 / Double(elapsedMs) : Double(states) * 1000 }

    enum CodingKeys: String, CodingKey {
        case net, file, verdict, complete, stopReason = "stop_reason", states, edges, depth, elapsedMs = "elapsed_ms"
        case bytesPerState = "bytes_per_state", memoryBytes = "memory_bytes", timed, properties
        case deadTransitions = "dead_transitions", placeBounds = "place_bounds", deadlocks, finalMarkings = "final_markings"
        case engine
    }
}

/// 0: every property holds and exploration was complete; 1: a property is
/// violated; 3: no violation found, but a bound stopped exploration.
public enum Verdict: String, Sendable, Codable {
    case pass, violated, bounded

    public var exitCode: Int32 {
        switch self {
        case .pass: ExitStatus.success
        case .violated: ExitStatus.violated
        case .bounded: ExitStatus.bounded
        }
    }
}

public struct PropertyResult: Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case invariant, deadlock
        case finalReachable = "final-reachable"
        /// `p ~> q`: every reachable `p` marking is followed by a `q` marking.
        case leadsTo = "leads-to"
        /// Every place holds a bounded number of tokens.
        case boundedness
        /// A transition marked `expect: dead` is never enabled.
        case expectedDead = "expected-dead"
        case expressionError = "expression-error"
    }

    public enum Status: String, Sendable, Codable {
        case holds, violated
        /// Not violated in the states explored, but exploration was incomplete.
        case unknown
    }

    public var name: String
    public var kind: Kind
    public var status: Status
    public var message: String?
    /// Where the property (or the failing expression) is written.
    public var location: Location?
    public var trace: Trace?
    /// How a `holds` was shown; nil for any other status.
    public var proof: Proof? = nil
    /// Why an `unknown` is not decided ("exploration was incomplete (state limit 1000 reached)").
    public var undecidedBecause: String? = nil

    public init(name: String, kind: Kind, status: Status, message: String?, location: Location?, trace: Trace?) {
        self.name = name
        self.kind = kind
        self.status = status
        self.message = message
        self.location = location
        self.trace = trace
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, status, message, location, trace, proof, undecidedBecause = "undecided_because"
    }

    /// How a property was shown to hold.
    public struct Proof: Sendable, Codable, Hashable {
        public enum Method: String, Sendable, Codable {
            /// Decided on every reachable marking of a complete exploration.
            case exhaustive
            /// Implied by a P-invariant of the net, for every initial marking
            /// with the same weighted token sums.
            case structural
        }

        public var method: Method
        /// For `exhaustive`: the number of reachable markings it was decided on.
        public var states: Int?
        /// For `structural`: the weighted token sum kept by every firing.
        public var invariant: String?

        public static func exhaustive(states: Int) -> Proof { Proof(method: .exhaustive, states: states, invariant: nil) }

        public static func structural(_ invariant: String) -> Proof { Proof(method: .structural, states: nil, invariant: invariant) }

        /// "proved (all 23 reachable states)".
        public var summary: String {
            switch method {
            case .exhaustive:
                let n = states ?? 0
                return n == 1 ? "proved (the only reachable state)" : "proved (all \(n.formatted) reachable states)"
            case .structural:
                return "proved (structural, any initial marking with the same weighted token sums)"
            }
        }
    }

    public struct Location: Sendable, Codable, Hashable {
        public var file: String
        public var line: Int
        public var column: Int
        init(_ span: SourceSpan) {
            file = span.file
            line = span.start.line
            column = span.start.column
        }
    }
}

extension Int {
    /// 1234567 → "1,234,567".
    var formatted: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}

public struct PlaceBound: Sendable, Codable {
    public var place: String
    public var max: Int
    public var capacity: Int?
}

/// A run from the initial marking: the counterexample of a violated property,
/// a simulation, or a replay of the runtime's event log.
public struct Trace: Sendable, Codable {
    public var net: String
    public var property: String?
    public var initial: [PlaceMarking]
    public var steps: [TraceStep]
    /// For an evaluation error: what failed, at the last marking.
    public var failure: Failure?
    /// For a liveness or boundedness violation: the steps that repeat forever.
    public var loop: Loop? = nil

    public init(net: String, property: String?, initial: [PlaceMarking], steps: [TraceStep], failure: Failure?) {
        self.net = net
        self.property = property
        self.initial = initial
        self.steps = steps
        self.failure = failure
    }

    /// The end of a trace that can go on forever: steps `start + 1 ... steps.count`.
    public struct Loop: Sendable, Codable, Hashable {
        public enum Kind: String, Sendable, Codable {
            /// The steps return to the marking after step `start`: a lasso.
            case cycle
            /// The steps can be taken again from where they end, forever, each
            /// time leaving more tokens in `grows`: those places are unbounded.
            case pump
        }

        /// The loop begins at the marking after this many steps (0: the initial marking).
        public var start: Int
        public var kind: Kind
        /// For `pump`: the places that gain tokens on each round.
        public var grows: [String]

        public init(start: Int, kind: Kind, grows: [String] = []) {
            self.start = start
            self.kind = kind
            self.grows = grows
        }
    }

    public struct Failure: Sendable, Codable {
        public var transition: String
        public var binding: [Binding]
        public var message: String
        public var location: PropertyResult.Location
    }
}

public struct TraceStep: Sendable, Codable {
    public var index: Int
    public var kind: Kind
    public var transition: String?
    public var binding: [Binding]
    /// The clock after this step (0 throughout an untimed net).
    public var clock: Int
    public var consumed: [TokenMove]
    public var produced: [TokenMove]
    public var marking: [PlaceMarking]

    /// A transition fired, or time advanced to the next ready token (timed nets).
    /// Written as `"fire"` / `"tick"` in JSON.
    public enum Kind: String, Sendable, Codable {
        case fire, tick
    }
}

public struct Binding: Sendable, Codable, Hashable {
    public var variable: String
    public var value: String
    public init(variable: String, value: String) {
        self.variable = variable
        self.value = value
    }
}

public struct TokenMove: Sendable, Codable, Hashable {
    public var place: String
    public var token: String
    public var count: Int
    /// Ready this many time units after the step (output tokens of timed nets).
    public var delay: Int?
}

public struct PlaceMarking: Sendable, Codable, Hashable {
    public var place: String
    public var tokens: [TokenCount]
}

public struct TokenCount: Sendable, Codable, Hashable {
    public var token: String
    public var count: Int
    /// Time units until the token is ready (absent when ready).
    public var ready: Int?
}
