import CPNExplore
import CPNExpressions
import CPNJSON
import CPNLoad
import CPNModel

/// Token-based replay of a log on a net (`specs/conformance.md`, "Replay").
///
/// Each case has its own marking, starting from the net's initial marking
/// (produced = its size, as in PM4Py). For each event: the transition fires
/// with the first binding `FiringRule` enables that agrees with the event;
/// failing that, silent transitions may fire first (a bounded search); failing
/// that, the firing is forced (`ForcedFiring`): the missing tokens are added
/// and counted, the first deviation of the case is recorded with the marking.
/// At a case's end, the final marking is consumed and what is beyond it is
/// remaining. Invariants are evaluated on the marking after every firing.
///
/// Memory holds one marking per open case and one summary per case, never the
/// events: an XES trace's marking is dropped at `</trace>`.
public final class Replayer {
    let net: CheckedNet
    let rule: FiringRule
    let map: ResolvedMap
    let options: ConformanceOptions
    let values: AttributeValues
    let forcing: ForcedFiring
    let silentSearch: SilentSearch
    let initial: ReplayMarking
    let guardTexts: [String?]

    private struct CaseState {
        var marking: ReplayMarking
        var tokens = ConformanceResult.Tokens()
        var events = 0
        var deviations = 0
        var firstDeviation: ConformanceResult.Deviation?
        var brokenInvariants: Set<Int> = []
        var order: Int
    }

    private var open: [String: CaseState] = [:]
    private var finished: [ConformanceResult.CaseResult?] = []
    private var counts: [ConformanceResult.TransitionCount]
    private var deviationCounts: [ConformanceResult.DeviationKind: Int] = [:]
    private var deviations: [ConformanceResult.Deviation] = []
    private var invariants: [Int: ConformanceResult.InvariantViolation] = [:]
    private(set) var events = 0
    private(set) var ignored = 0
    private(set) var external = 0

    init(net: CheckedNet, map: ResolvedMap, options: ConformanceOptions) {
        self.net = net
        self.rule = FiringRule(net: net)
        self.map = map
        self.options = options
        self.values = AttributeValues(symbols: net.symbols)
        self.forcing = ForcedFiring(net: net)
        self.silentSearch = SilentSearch(rule: rule, silent: map.silent, depth: map.map.silentDepth, states: options.silentStates)
        self.initial = ReplayMarking(initialOf: net)
        self.counts = net.transitions.map { ConformanceResult.TransitionCount(name: $0.name) }
        self.guardTexts = net.transitions.map { t in net.net.transitions.first { $0.name == t.name }?.guardExpr?.rendered }
    }

    // MARK: events

    static let caseFields = ["case:concept:name", "case_id", "case", "caseId", "case_id:concept:name"]
    static let sharedCase = "(log)"

    /// Replays one event (or ends a case, for an XES `</trace>`).
    func feed(_ event: LogEvent) {
        let ids = caseIDs(event)
        if event.isCaseEnd {
            for id in ids { finish(id, line: event.line) }
            return
        }
        // The runtime's own log: tokens added or taken from outside move the marking
        // without a transition; init and failed events move nothing.
        if map.map.events.isEmpty, let kind = event.attributes["kind"]?.string, event.attributes["worker"] != nil {
            switch kind {
            case "add", "take":
                external += 1
                for id in ids { externalMove(event, kind == "add", id) }
                return
            case "init", "failed":
                ignored += 1
                return
            default: break
            }
        }
        let name = map.map.eventPath.flatMap { $0.lookup(in: event.attributes) }.flatMap(Self.text) ?? event.name
        let resolved: ResolvedRule?
        if let name, let r = map.rules[name] {
            guard let r else { ignored += 1; return }
            resolved = r
        } else if let name, let t = net.transitionIndex(named: name) {
            resolved = map.defaults[t]
        } else {
            if map.map.unmapped == .ignore { ignored += 1; return }
            resolved = nil
        }
        events += 1
        let now = runtimeClock(event)
        for id in ids {
            var state = open[id] ?? newCase()
            state.events += 1
            if let now { state.marking.advance(to: now) }
            if let resolved {
                replay(event, name: name, resolved, in: &state, caseID: id)
                if let now { delayProduced(event, now: now, in: &state.marking) }
            } else {
                record(.unknownEvent, in: &state, caseID: id, event, name: name, transition: nil, binding: "",
                       message: name.map { "`\($0)` is no transition of the net and the mapping does not map it" } ?? "the event has no name",
                       needed: [])
            }
            open[id] = state
        }
    }

    private func newCase() -> CaseState {
        var s = CaseState(marking: initial, order: finished.count)
        s.tokens.produced = initial.size
        finished.append(nil)
        return s
    }

    private func caseIDs(_ event: LogEvent) -> [String] {
        switch map.map.caseNotion {
        case .shared: return [Self.sharedCase]
        case .path(let p): return [p.lookup(in: event.attributes).flatMap(Self.text) ?? Self.sharedCase]
        case .objectType: return event.cases ?? []
        case .automatic:
            if let c = event.cases { return c }
            for f in Self.caseFields { if let v = event.attributes[f].flatMap(Self.text) { return [v] } }
            return [Self.sharedCase]
        }
    }

    static func text(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .double(let d): String(d)
        default: nil
        }
    }

    /// The net's time of a runtime log event (`net_time_us`), when the line has one.
    private func runtimeClock(_ event: LogEvent) -> Int64? {
        guard event.attributes["worker"] != nil, let t = event.attributes["net_time_us"]?.int else { return nil }
        return Int64(t)
    }

    /// A runtime event's produced tokens that wait (`ready_in_us`) wait in the replay too.
    private func delayProduced(_ event: LogEvent, now: Int64, in marking: inout ReplayMarking) {
        for ref in event.attributes["produced"]?.array ?? [] {
            guard let wait = ref["ready_in_us"]?.int, wait > 0, let place = ref["place"]?.string.flatMap(net.placeIndex(named:)),
                  let text = ref["token"]?.string, case .success(let v) = values.text(text, net.places[place].color) else { continue }
            marking.delay(v, in: place, until: now + Int64(wait))
        }
    }

    private func externalMove(_ event: LogEvent, _ add: Bool, _ id: String) {
        var state = open[id] ?? newCase()
        if let now = runtimeClock(event) { state.marking.advance(to: now) }
        for ref in event.attributes[add ? "produced" : "consumed"]?.array ?? [] {
            guard let place = ref["place"]?.string.flatMap(net.placeIndex(named:)), let text = ref["token"]?.string,
                  case .success(let v) = values.text(text, net.places[place].color) else { continue }
            if add { state.marking.add(v, count: 1, to: place) } else { state.marking.remove(v, count: 1, from: place) }
        }
        if add, let now = runtimeClock(event) { delayProduced(event, now: now, in: &state.marking) }
        open[id] = state
    }

    // MARK: one event

    private func binding(_ event: LogEvent, name: String?, _ r: ResolvedRule) -> Result<EventBinding, AttributeRefusal> {
        var constraints: [EventBinding.Constraint] = []
        for target in r.targets {
            let json: JSONValue?
            switch target.source {
            case .literal:
                if let v = map.literalValues[(name ?? "") + "\u{0}" + target.name] {
                    constraints.append(.init(slot: target.slot, path: target.path, value: v, target: target.name, color: target.color))
                }
                continue
            case .attribute(let p):
                json = p.lookup(in: event.attributes) ?? (target.explicit ? nil : event.attributes["binding"]?[target.name])
                if json == nil {
                    if target.explicit { return .failure(AttributeRefusal("the event has no attribute \(p) for `\(target.name)`")) }
                    continue
                }
            }
            switch values.value(json!, of: target.color) {
            case .success(let v): constraints.append(.init(slot: target.slot, path: target.path, value: v, target: target.name, color: target.color))
            case .failure(let why): return .failure(AttributeRefusal("`\(target.name)`: \(why)"))
            }
        }
        return .success(EventBinding(transition: r.transition, constraints: constraints))
    }

    private func replay(_ event: LogEvent, name: String?, _ r: ResolvedRule, in state: inout CaseState, caseID: String) {
        let t = r.transition
        let tname = net.transitions[t].name
        let b: EventBinding
        switch binding(event, name: name, r) {
        case .success(let x): b = x
        case .failure(let why):
            record(.wrongColor, in: &state, caseID: caseID, event, name: name, transition: tname, binding: "", message: why.description, needed: [])
            return
        }
        let enabled: [FiringRule.Firing]
        do { enabled = try rule.enabled(in: state.marking.places, transitions: [t]) } catch {
            record(.evaluationError, in: &state, caseID: caseID, event, name: name, transition: tname, binding: b.text,
                   message: error.error.message, needed: [])
            return
        }
        if let f = enabled.first(where: { b.agrees(with: $0.variables) }) {
            fire(f, in: &state, as: .fired, caseID: caseID, event)
            return
        }
        if let (path, _) = silentSearch.search(from: state.marking, goal: { m in
            ((try? self.rule.enabled(in: m.places, transitions: [t])) ?? []).contains { b.agrees(with: $0.variables) }
        }) {
            for f in path { fire(f, in: &state, as: .silent, caseID: caseID, event) }
            if let f = ((try? rule.enabled(in: state.marking.places, transitions: [t])) ?? []).first(where: { b.agrees(with: $0.variables) }) {
                fire(f, in: &state, as: .fired, caseID: caseID, event)
                return
            }
        }
        switch forcing.force(b, in: state.marking, attempts: options.forcingAttempts) {
        case .failure(.unmatched(let why)):
            record(.unmatched, in: &state, caseID: caseID, event, name: name, transition: tname, binding: b.text,
                   message: why + "; the event was skipped", needed: [])
        case .failure(.evaluation(let e)):
            record(.evaluationError, in: &state, caseID: caseID, event, name: name, transition: tname, binding: b.text, message: e.message, needed: [])
        case .success(let o):
            let vars = net.transitions[t].variables.filter { $0.slot < o.slots.count }
                .map { "\($0.name) = \($0.color.format(o.slots[$0.slot]))" }.joined(separator: ", ")
            let needed = o.missing.map { "\(net.places[$0.place].name): \(net.places[$0.place].color.format($0.value))" + ($0.count > 1 ? " ×\($0.count)" : "") }
            if !o.missing.isEmpty {
                record(.missingTokens, in: &state, caseID: caseID, event, name: name, transition: tname, binding: vars,
                       message: "`\(tname)` is not enabled: the marking lacks " + needed.map { "`\($0)`" }.joined(separator: ", "), needed: needed)
            } else if !o.guardHolds {
                record(.guardFalse, in: &state, caseID: caseID, event, name: name, transition: tname, binding: vars,
                       message: "the guard of `\(tname)`" + (guardTexts[t].map { " (`\($0)`)" } ?? "") + " is false for this binding", needed: [])
            } else {
                record(.notEnabled, in: &state, caseID: caseID, event, name: name, transition: tname, binding: vars,
                       message: "`\(tname)` has its tokens and its guard holds, but a capacity, an inhibitor (`unless:`) arc or an ordered place (`order:`) forbids it", needed: [])
            }
            for m in o.missing { state.marking.add(m.value, count: m.count, to: m.place) }
            state.tokens.missing += o.missing.reduce(0) { $0 + $1.count }
            var f = FiringRule.Firing(transition: t, variables: o.slots, consumed: [], produced: [])
            f.consumed = o.consumed.map { .init(place: $0.place, value: $0.value, count: $0.count, delay: 0) }
            f.produced = o.produced.map { .init(place: $0.place, value: $0.value, count: $0.count, delay: 0) }
            f.read = o.read.map { .init(place: $0.place, value: $0.value, count: $0.count, delay: 0) }
            fire(f, in: &state, as: .forced, caseID: caseID, event)
        }
    }

    private enum How { case fired, forced, silent }

    /// The marking after a firing: read tokens stay, consumed ones go, produced ones come.
    static func apply(_ f: FiringRule.Firing, to m: ReplayMarking) -> ReplayMarking {
        var out = m
        for c in f.consumed { out.remove(c.value, count: c.count, from: c.place) }
        for p in f.produced { out.add(p.value, count: p.count, to: p.place) }
        return out
    }

    private func fire(_ f: FiringRule.Firing, in state: inout CaseState, as how: How, caseID: String, _ event: LogEvent) {
        state.marking = Self.apply(f, to: state.marking)
        // A read arc is a self-loop of a P/T net: counted as consumed and produced.
        let reads = f.read.reduce(0) { $0 + $1.count }
        state.tokens.consumed += f.consumed.reduce(0) { $0 + $1.count } + reads
        state.tokens.produced += f.produced.reduce(0) { $0 + $1.count } + reads
        switch how {
        case .fired: counts[f.transition].fired += 1
        case .forced: counts[f.transition].forced += 1
        case .silent: counts[f.transition].silent += 1
        }
        checkInvariants(&state, caseID: caseID, event)
    }

    private func checkInvariants(_ state: inout CaseState, caseID: String, _ event: LogEvent) {
        for (i, inv) in net.invariants.enumerated() where !state.brokenInvariants.contains(i) {
            guard let holds = try? inv.holds(on: state.marking), !holds else { continue }
            state.brokenInvariants.insert(i)
            if invariants[i] == nil {
                invariants[i] = .init(name: inv.name, caseID: caseID, line: event.line, event: event.name,
                                      marking: state.marking.text(net), cases: 1)
            } else {
                invariants[i]!.cases += 1
            }
        }
    }

    private func record(_ kind: ConformanceResult.DeviationKind, in state: inout CaseState, caseID: String, _ event: LogEvent,
                        name: String?, transition: String?, binding: String, message: String, needed: [String]) {
        deviationCounts[kind, default: 0] += 1
        state.deviations += 1
        let keep = state.firstDeviation == nil || deviations.count < ConformanceOptions.maximumDeviations
        guard keep else { return }
        let d = ConformanceResult.Deviation(kind: kind, caseID: caseID, line: event.line, index: state.events, event: name,
                                            transition: transition, binding: binding, message: message, needed: needed,
                                            marking: state.marking.text(net))
        if state.firstDeviation == nil { state.firstDeviation = d }
        if deviations.count < ConformanceOptions.maximumDeviations { deviations.append(d) }
    }

    // MARK: the end of a case

    private func finish(_ id: String, line: Int) {
        var state = open.removeValue(forKey: id) ?? newCase()
        let end = LogEvent(name: nil, attributes: [:], line: line)
        switch map.final {
        case .marking(let final):
            // As PM4Py: silent transitions fire towards the final marking only while some
            // value of it is absent, and stop once every one is present (more copies may remain).
            let covers = { (m: ReplayMarking) in
                final.places.indices.allSatisfy { p in final.places[p].allSatisfy { m.total(of: $0.value, in: p) > 0 } }
            }
            if !covers(state.marking), let (path, _) = silentSearch.search(from: state.marking, goal: covers) {
                for f in path { fire(f, in: &state, as: .silent, caseID: id, end) }
            }
            var missing = 0, remaining = 0
            for p in net.places.indices {
                for t in final.places[p] { missing += max(0, t.count - state.marking.total(of: t.value, in: p)) }
                for t in state.marking.tokens(inPlace: p) { remaining += max(0, t.count - final.total(of: t.value, in: p)) }
            }
            state.tokens.consumed += final.size
            state.tokens.missing += missing
            state.tokens.remaining += remaining
            if missing > 0 || remaining > 0 {
                record(.notFinal, in: &state, caseID: id, end, name: nil, transition: nil, binding: "",
                       message: "the case ends in a marking that is not the final one (\(final.text(net))): \(missing) token(s) missing, \(remaining) remaining",
                       needed: [])
            }
        case .predicate:
            let isFinal = { (m: ReplayMarking) in (try? self.net.final?.holds(on: m)) == true }
            if !isFinal(state.marking), let (path, _) = silentSearch.search(from: state.marking, goal: isFinal) {
                for f in path { fire(f, in: &state, as: .silent, caseID: id, end) }
            }
            if isFinal(state.marking) {
                state.tokens.consumed += state.marking.size
            } else {
                state.tokens.remaining += state.marking.size
                record(.notFinal, in: &state, caseID: id, end, name: nil, transition: nil, binding: "",
                       message: "the case ends in a marking where the net's `final` does not hold; its \(state.marking.size) token(s) remain",
                       needed: [])
            }
        case .none:
            state.tokens.consumed += state.marking.size
        }
        finished[state.order] = .init(id: id, events: state.events, tokens: state.tokens, deviations: state.deviations,
                                      firstDeviation: state.firstDeviation)
    }

    /// Ends every open case (in the order they began) and assembles the result.
    func finishAll(into result: inout ConformanceResult) {
        for id in open.sorted(by: { $0.value.order < $1.value.order }).map(\.key) { finish(id, line: 0) }
        result.cases = finished.compactMap { $0 }
        result.tokens = result.cases.reduce(ConformanceResult.Tokens()) { $0 + $1.tokens }
        result.transitions = counts
        result.deviationCounts = deviationCounts
        result.deviations = deviations
        result.invariants = invariants.sorted { $0.key < $1.key }.map(\.value)
        result.invariantsChecked = net.invariants.map(\.name)
        result.events = events
        result.ignoredEvents = ignored
        result.externalEvents = external
        switch map.final {
        case .marking: result.final = .marking
        case .predicate: result.final = .predicate
        case .none: result.final = .none
        }
    }
}
