import CPNDiagnostics

/// What a mapping file says (`specs/conformance.md`, "The mapping file"):
/// how a log's events become firings of the net's transitions.
///
/// ```yaml
/// conform: 1
/// case: $.url                 # one net instance per url (default: the format's own case, else shared)
/// events:
///   fetch_start: { transition: start_fetch, bind: { p: $.proxy, t.domain: $.host } }
///   heartbeat: ignore
/// silent: [retry_wait]        # may fire without an event (bounded search)
/// final: { done: 1 }          # the final marking, for remaining tokens
/// ```
public struct ConformanceMap: Sendable {
    public enum CaseNotion: Sendable, Equatable {
        /// The format's own case (XES traces, CSV/JSONL `case` columns), else one shared marking.
        case automatic
        /// One marking for the whole log.
        case shared
        case path(AttributePath)
        /// OCEL: each object of this type is a case.
        case objectType(String)
    }

    public enum EventRule: Sendable {
        case ignore
        case transition(TransitionRule)
    }

    public struct TransitionRule: Sendable {
        public var transition: String
        public var bindings: [VariableBinding]
        public var span: SourceSpan?
    }

    /// `t.domain: $.url_host`: a variable (or a field of it) and where its value comes from.
    public struct VariableBinding: Sendable {
        public enum Source: Sendable { case attribute(AttributePath); case literal(String) }
        public var variable: String
        public var fields: [String]
        public var source: Source
        public var span: SourceSpan?

        public var target: String { ([variable] + fields).joined(separator: ".") }
    }

    public enum Unmapped: String, Sendable { case deviation, ignore }

    public struct FinalTokens: Sendable {
        public var place: String
        public var tokens: [(text: String, count: Int)]
        public var span: SourceSpan?
    }

    public var file: String?
    public var format: LogFormat?
    public var csvDelimiter: UInt8 = UInt8(ascii: ",")
    public var caseNotion: CaseNotion = .automatic
    public var eventPath: AttributePath?
    public var events: [String: EventRule] = [:]
    public var unmapped: Unmapped = .deviation
    public var silent: [(name: String, span: SourceSpan?)] = []
    public var silentDepth = 4
    public var finalMarking: [FinalTokens]?

    /// No file: event names are transition names, attributes named like variables bind them.
    public init() {}
}
