import CPNDiagnostics
import CPNExplore
import CPNModel

/// A place in a net file that a report points at: file, line, column and, when
/// known, how many columns the thing written there spans.
public struct SourceRegion: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var column: Int
    /// Columns covered, when known (from a span); nil for a point.
    public var length: Int?

    public init(file: String, line: Int, column: Int, length: Int? = nil) {
        self.file = file
        self.line = max(1, line)
        self.column = max(1, column)
        self.length = length
    }

    public init(_ span: SourceSpan) {
        self.init(file: span.file, line: span.start.line, column: span.start.column, length: span.length)
    }

    init(_ location: PropertyResult.Location) {
        self.init(file: location.file, line: location.line, column: location.column)
    }

    /// The first line of a file, for findings about the whole net.
    public static func start(of file: String) -> SourceRegion { SourceRegion(file: file, line: 1, column: 1) }
}

/// Where each named element of a net is declared, looked up by name: the
/// renderers point SARIF results, annotations and table rows at these lines.
public struct NetLocations: Sendable {
    private var transitions: [String: SourceSpan] = [:]
    private var places: [String: SourceSpan] = [:]
    private var invariants: [String: SourceSpan] = [:]
    private var invariantTexts: [String: (expression: String, description: String?)] = [:]
    private var leadsTo: [String: (span: SourceSpan, text: String)] = [:]
    public private(set) var placeOrder: [String] = []
    public private(set) var final: SourceSpan?

    public init(_ net: Net?) {
        guard let net else { return }
        // The first declaration of a name wins, as in the checker.
        for t in net.transitions where transitions[t.name] == nil { transitions[t.name] = t.span }
        for p in net.places where places[p.name] == nil {
            places[p.name] = p.span
            placeOrder.append(p.name)
        }
        for i in net.invariants where invariants[i.name] == nil {
            invariants[i.name] = i.span
            invariantTexts[i.name] = (i.expr.rendered, i.description)
        }
        for l in net.leadsTo where leadsTo[l.name] == nil { leadsTo[l.name] = (l.span, "\(l.from.rendered) ~> \(l.to.rendered)") }
        final = net.final?.span
    }

    /// A leads-to property as `from ~> to` (canonical text).
    public func leadsToText(_ name: String) -> String? { leadsTo[name]?.text }

    public func transition(_ name: String) -> SourceRegion? { transitions[name].map(SourceRegion.init) }
    public func place(_ name: String) -> SourceRegion? { places[name].map(SourceRegion.init) }
    public func invariant(_ name: String) -> SourceRegion? { invariants[name].map(SourceRegion.init) }

    /// An invariant's expression (canonical text) and description, to say what was broken.
    public func invariantText(_ name: String) -> (expression: String, description: String?)? { invariantTexts[name] }

    /// Where a property is written, with its span's width when the model knows it.
    public func region(of property: PropertyResult, in file: String) -> SourceRegion? {
        if property.kind == .invariant, let r = invariant(property.name) { return r }
        if property.kind == .finalReachable, let f = final { return SourceRegion(f) }
        if property.kind == .leadsTo, let l = leadsTo[property.name] { return SourceRegion(l.span) }
        return property.location.map(SourceRegion.init)
    }

    /// Where a violated property is best shown: the property's own line for an
    /// invariant, `final` or an evaluation error; for a deadlock, the transition
    /// whose firing led into the dead marking (the initial marking: line 1).
    ///
    /// For every other violation, the transition whose firing made the marking
    /// bad: the last firing of the trace (of its stem, for a lasso), so the
    /// annotation lands on the cause, with the property as a related location.
    public func primaryRegion(of property: PropertyResult, in file: String) -> SourceRegion {
        if property.kind == .expressionError, let f = property.trace?.failure { return SourceRegion(f.location) }
        if let step = culprit(of: property), let name = step.transition, let r = transition(name) { return r }
        if property.kind == .deadlock { return SourceRegion.start(of: file) }
        return region(of: property, in: file) ?? SourceRegion.start(of: file)
    }

    /// The step whose firing made the marking bad: the last firing of the
    /// trace, or of its stem when the trace ends in a cycle.
    public func culprit(of property: PropertyResult) -> TraceStep? {
        guard let trace = property.trace else { return nil }
        let end = trace.loop?.kind == .cycle ? trace.loop!.start : trace.steps.count
        return trace.steps.prefix(end).last { $0.kind == .fire }
    }

    /// Where a trace step happens: the fired transition, or for a tick the first
    /// place holding a token that the tick makes ready.
    public func region(of step: TraceStep, in trace: Trace) -> SourceRegion? {
        if step.kind == .fire { return step.transition.flatMap(transition) }
        return TraceNarration.becameReady(at: step, in: trace).first.flatMap { place($0.place) }
    }
}
