import CPNExplore
import CPNModel
import CPNJSON

/// Work bound to transitions, in three transactions around the work itself:
///
/// 1. **claim** (in `step`): an enabled binding of a handled transition has
///    its input tokens held for this worker until a lease runs out. Nothing
///    moves; other workers just cannot take those tokens.
/// 2. the work runs, outside any transaction, and answers with outcomes.
/// 3. **complete**: the first answered outcome that is enabled now fires,
///    taking the held tokens. If none is enabled yet (an output place is
///    full), the tokens stay held and the worker tries again: backpressure.
///
/// A worker that dies while working leaves its tokens held until the lease
/// ends; then any worker can take them again, so the work is done at least
/// once, and the firing exactly once.
extension Engine {
    /// Holds the tokens of `firing` for handler `h`; nil when another worker took them first.
    func claim(_ firing: FiringRule.Firing, handler h: Int, tx: any StoreTransaction, at m: Moment) throws -> Claim? {
        guard let refs = try lockInputs(firing, tx: tx, at: m) else { return nil }
        let ids = refs.map(\.id)
        // The outcomes whose guards allow exactly these tokens: the rule on a
        // marking made of them alone, where no capacity or better token interferes.
        var alone = Array(repeating: [FiringRule.Token](), count: net.checked.places.count)
        for move in firing.consumed + firing.read { alone[move.place].append(FiringRule.Token(value: move.value, ready: true, count: move.count)) }
        let handler = handlers[h]
        let indices = handler.transitions.compactMap { net.transitionIndex($0) }
        let wanted = Self.bag(firing.consumed)
        var outcomes: [FiringRule.Firing] = []
        for f in try enabledFirings(tokens: alone, transitions: indices)
        where Self.bag(f.consumed) == wanted && !outcomes.contains(where: { $0.transition == f.transition }) {
            outcomes.append(f)
        }
        // Leases are on the wall clock: they measure how long a worker may take, not net time.
        let until = m.real + Int64(handler.lease * 1_000_000)
        try tx.hold(ids, worker: worker, until: until)
        return Claim(handler: h, firing: firing, tokens: refs, outcomes: outcomes, claimedAt: m.real,
                     request: request(handler, outcomes: outcomes, consumed: firing.consumed))
    }

    /// Fires the first of `answer` (outcome names, best first) that the
    /// claim offered and that is enabled now.
    public func complete(_ claim: Claim, answer: [String]) throws -> Completion {
        let handler = handlers[claim.handler]
        let offered = claim.outcomes.map { net.checked.transitions[$0.transition].name }
        if let unknown = answer.first(where: { !handler.transitions.contains($0) }) {
            throw RuntimeError(.handler, "handler `\(handler.name)` answered `\(unknown)`, which is not one of its outcomes (\(handler.transitions.joined(separator: ", ")))")
        }
        let chosen = answer.compactMap { name in claim.outcomes.first { net.checked.transitions[$0.transition].name == name } }
        guard !chosen.isEmpty else {
            throw RuntimeError(.handler, "handler `\(handler.name)` answered \(answer.isEmpty ? "nothing" : answer.map { "`\($0)`" }.joined(separator: ", ")), but for this binding only \(offered.map { "`\($0)`" }.joined(separator: ", ")) can fire",
                               details: ["  binding: " + claim.request.variableTexts.map { "\($0.name) = \($0.text)" }.joined(separator: ", ")])
        }
        return try clockedTransaction { tx in
            if !tx.isExclusive { try tx.lockPlaces(Array(Set(chosen.flatMap { placesToLock($0.transition) })).sorted()) }
            let held = try tx.lockHeldTokens(claim.tokenIDs, worker: worker)
            // Work in progress keeps the net busy, so the clock is stopped here.
            let m = try moment(tx, settle: true, mine: true)
            guard held.count == claim.tokenIDs.count else {
                try tx.hold(held, worker: nil, until: nil)
                let message = "the lease of \(claim.tokenIDs.count - held.count) held token(s) ran out and another worker took them; the outcome was dropped"
                _ = try tx.appendEvent(EventRecord(kind: .failed, transition: nil, worker: worker, startedAt: claim.claimedAt, at: m.real,
                                                   netAt: m.net, handler: handler.name, message: message))
                return .lost(message)
            }
            for firing in chosen {
                guard try enabledFirings(m.marking, transitions: [firing.transition]).contains(firing) else { continue }
                if let done = try commit(firing, tx: tx, at: m, held: claim.tokens, claim: claim) {
                    return .fired(done.event, facts(done.after, now: m.net, real: m.real, contended: false))
                }
            }
            try tx.hold(held, worker: worker, until: m.real + Int64(handler.lease * 1_000_000))
            return .blocked
        }
    }

    /// Gives the held tokens back after failed work, and logs why.
    public func abandon(_ claim: Claim, reason: String) throws {
        try transaction { tx in
            let now = try tx.now()
            let net = try tx.clock().time(at: now)
            let held = try tx.lockHeldTokens(claim.tokenIDs, worker: worker)
            try tx.hold(held, worker: nil, until: nil)
            _ = try tx.appendEvent(EventRecord(kind: .failed, transition: nil, worker: worker, startedAt: claim.claimedAt, at: now,
                                               netAt: net, handler: handlers[claim.handler].name, message: reason))
        }
    }

    /// Runs the claim's work and returns the outcomes it chose, best first.
    public func perform(_ claim: Claim) -> Result<[String], HandlerFailure> {
        let handler = handlers[claim.handler]
        switch handler.work {
        case .closure(let body):
            do { return .success(try body(claim.request)) } catch let f as HandlerFailure {
                return .failure(f)
            } catch {
                return .failure(HandlerFailure(handler: handler.name, message: "\(error)"))
            }
        case .command(let command, let directory):
            return ShellHandler.run(handler, command: command, directory: directory, request: claim.request)
        }
    }

    func enabledFirings(tokens: [[FiringRule.Token]], transitions: [Int]) throws -> [FiringRule.Firing] {
        do {
            return try rule.enabled(in: tokens, transitions: transitions)
        } catch {
            throw RuntimeError(.evaluation, "evaluating transition `\(net.checked.transitions[error.transition].name)` failed: \(error.error.message)")
        }
    }

    /// The tokens moves take, as a multiset: two bindings that take the same
    /// tokens through different patterns are the same claim.
    static func bag(_ moves: [FiringRule.Move]) -> [TokenKey: Int] {
        var bag: [TokenKey: Int] = [:]
        for m in moves { bag[TokenKey(place: m.place, value: m.value), default: 0] += m.count }
        return bag
    }

    struct TokenKey: Hashable {
        var place: Int
        var value: Value
    }

    private func request(_ handler: Handler, outcomes: [FiringRule.Firing], consumed: [FiringRule.Move]) -> HandlerRequest {
        var variables: [String: Value] = [:]
        var texts: [(name: String, text: String)] = []
        var json: [(String, JSONValue)] = []
        var textJSON: [(String, JSONValue)] = []
        var environment: [String: String] = [
            "CPN_HANDLER": handler.name, "CPN_NET": net.name, "CPN_WORKER": worker,
            "CPN_OFFERED": outcomes.map { net.checked.transitions[$0.transition].name }.joined(separator: " "),
        ]
        for f in outcomes {
            for v in net.checked.transitions[f.transition].variables where v.slot < f.variables.count && variables[v.name] == nil {
                let value = f.variables[v.slot]
                variables[v.name] = value
                texts.append((v.name, v.color.format(value)))
                json.append((v.name, TokenJSON.json(value, v.color)))
                textJSON.append((v.name, .string(v.color.format(value))))
                for (k, s) in TokenJSON.flatten(v.name, value, v.color) { environment["CPN_VAR_" + k] = s }
            }
        }
        let tokens = consumed.map { (place: net.checked.places[$0.place].name, token: text.format($0.value, place: $0.place), count: $0.count) }
        let document = JSONValue.object([
            ("handler", .string(handler.name)),
            ("net", .string(net.name)),
            ("worker", .string(worker)),
            ("offered", .array(outcomes.map { .string(net.checked.transitions[$0.transition].name) })),
            ("binding", .object(json)),
            ("binding_text", .object(textJSON)),
            ("tokens", .array(tokens.map { .object([("place", .string($0.place)), ("token", .string($0.token)), ("count", .int($0.count))]) })),
        ])
        environment["CPN_REQUEST"] = document.rendered
        return HandlerRequest(handler: handler.name, net: net.name, offered: outcomes.map { net.checked.transitions[$0.transition].name },
                              variables: variables, variableTexts: texts, tokens: tokens, worker: worker, json: document,
                              environment: environment)
    }
}

/// Tokens held for a handler's work, and what the work may choose.
public struct Claim: Sendable {
    public let handler: Int
    /// The binding that was enabled when the work started.
    public let firing: FiringRule.Firing
    /// The held tokens.
    public let tokens: [TokenRef]
    public var tokenIDs: [Int64] { tokens.map(\.id) }
    /// One binding per outcome the guards allow for these tokens, in the handler's order.
    public let outcomes: [FiringRule.Firing]
    public let claimedAt: Int64
    public let request: HandlerRequest
}

/// What completing a claim did.
public enum Completion: Sendable {
    case fired(EventRecord, MarkingFacts)
    /// No answered outcome is enabled yet (an output place is full): the
    /// tokens stay held; try again later.
    case blocked
    /// The lease ran out and another worker took the tokens.
    case lost(String)
}
