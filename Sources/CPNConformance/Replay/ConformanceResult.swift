/// What a replay found: computed once, rendered by every report format
/// (`specs/conformance.md`, `specs/conformance.schema.json`).
public struct ConformanceResult: Sendable {
    /// The counts PM4Py's token-based replay keeps, and its fitness:
    /// ½(1 − missing/consumed) + ½(1 − remaining/produced) (1 when nothing was consumed or produced).
    public struct Tokens: Sendable, Equatable {
        public var missing = 0
        public var consumed = 0
        public var remaining = 0
        public var produced = 0

        public init() {}

        public var fitness: Double {
            guard consumed > 0, produced > 0 else { return 1 }
            return 0.5 * (1 - Double(missing) / Double(consumed)) + 0.5 * (1 - Double(remaining) / Double(produced))
        }

        public static func + (a: Tokens, b: Tokens) -> Tokens {
            var t = a
            t.missing += b.missing; t.consumed += b.consumed; t.remaining += b.remaining; t.produced += b.produced
            return t
        }
    }

    public enum DeviationKind: String, Sendable, CaseIterable, Comparable {
        /// The transition's input places lack tokens the event's binding needs.
        case missingTokens = "missing_tokens"
        /// The tokens are there but the guard is false for the event's binding.
        case guardFalse = "guard_false"
        /// An attribute is not a value of the variable's color (or is absent where the mapping requires it).
        case wrongColor = "wrong_color"
        /// Tokens and guard are fine, but a capacity or an inhibitor arc forbids the firing.
        case notEnabled = "not_enabled"
        /// No binding of the transition matches the event within the search bound: the event was skipped.
        case unmatched = "unmatched"
        /// The event names no transition (and the mapping does not ignore it).
        case unknownEvent = "unknown_event"
        /// Evaluating the transition's inscriptions failed for the binding.
        case evaluationError = "evaluation_error"
        /// The case ended in a marking that is not final.
        case notFinal = "not_final"

        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    public struct Deviation: Sendable {
        public var kind: DeviationKind
        public var caseID: String
        /// The event's line in the log (its position for OCEL), 0 for a case's end.
        public var line: Int
        /// The event's position within its case, from 1.
        public var index: Int
        public var event: String?
        public var transition: String?
        public var binding: String
        public var message: String
        /// The tokens the firing needed and the marking lacked: `place: value` (×n).
        public var needed: [String]
        public var marking: String
    }

    public struct CaseResult: Sendable {
        public var id: String
        public var events: Int
        public var tokens: Tokens
        public var deviations: Int
        public var firstDeviation: Deviation?
        /// PM4Py's `trace_is_fit`: no token was missing.
        public var fits: Bool { tokens.missing == 0 }
    }

    public struct TransitionCount: Sendable {
        public var name: String
        /// Fired as the event said, enabled.
        public var fired = 0
        /// Fired by force (tokens added, guard ignored, ...).
        public var forced = 0
        /// Fired silently, without an event, to enable the next one or to reach the final marking.
        public var silent = 0
    }

    public struct InvariantViolation: Sendable {
        public var name: String
        public var caseID: String
        public var line: Int
        public var event: String?
        public var marking: String
        /// Cases in which it broke (each counted once).
        public var cases: Int
    }

    public enum FinalNotion: String, Sendable { case marking, predicate, none }

    public var net: String
    public var netFile: String
    public var log: String
    public var format: LogFormat
    public var mapFile: String?
    public var events = 0
    public var ignoredEvents = 0
    public var externalEvents = 0
    public var skippedLines: [String] = []
    public var skippedLineCount = 0
    public var cases: [CaseResult] = []
    public var tokens = Tokens()
    public var transitions: [TransitionCount] = []
    public var deviationCounts: [DeviationKind: Int] = [:]
    /// The first deviations, in log order, up to `ConformanceOptions.maximumDeviations`.
    public var deviations: [Deviation] = []
    public var invariants: [InvariantViolation] = []
    public var invariantsChecked: [String] = []
    public var final: FinalNotion = .none
    public var minimumFitness = 1.0
    public var elapsedSeconds = 0.0

    public var fitness: Double { tokens.fitness }
    public var averageCaseFitness: Double {
        cases.isEmpty ? 1 : cases.reduce(0) { $0 + $1.tokens.fitness } / Double(cases.count)
    }
    public var fittingCases: Int { cases.count { $0.fits } }
    public var deviationTotal: Int { deviationCounts.values.reduce(0, +) }
    /// Conforms: fitness at least the minimum and no invariant broken on the replayed run.
    public var passed: Bool { fitness + 1e-12 >= minimumFitness && invariants.isEmpty }
    public var eventsPerSecond: Double { elapsedSeconds > 0 ? Double(events) / elapsedSeconds : 0 }
}

/// How a replay runs.
public struct ConformanceOptions: Sendable {
    public enum BadLine: String, Sendable, CaseIterable { case stop, skip }
    public var onBadLine: BadLine = .stop
    public var minimumFitness = 1.0
    /// The detailed deviations kept (each case's first is always kept).
    public static let maximumDeviations = 1_000
    /// Markings the silent search may visit per event.
    public var silentStates = 10_000
    /// Candidate bindings tried when forcing one event.
    public var forcingAttempts = 100_000

    public init() {}
}
