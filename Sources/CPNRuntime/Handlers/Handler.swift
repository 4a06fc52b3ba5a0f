import CPNModel
import CPNJSON

/// Work bound to transitions: when a binding of one of `transitions` is
/// enabled, a worker holds its input tokens, runs the work, and fires the
/// transition the work chose. The transitions are the possible outcomes of
/// one piece of work (`fetch_ok`, `fetch_failed`, `give_up`), so they take the
/// same input tokens.
///
/// ```swift
/// let fetch = Handler(name: "fetch", transitions: ["fetch_ok", "fetch_failed", "give_up"]) { request in
///     try download(request.variables["t"]) ? ["fetch_ok"] : ["fetch_failed", "give_up"]
/// }
/// ```
public struct Handler: Sendable {
    public var name: String
    /// The outcomes, in the order the work's answer is matched against them.
    public var transitions: [String]
    /// How long the work may take before it counts as failed, in seconds.
    public var timeout: Double
    /// How long the tokens stay held for this work, in seconds: after that,
    /// a worker that died while working no longer blocks them. Longer than `timeout`.
    public var lease: Double
    public var work: Work

    public enum Work: Sendable {
        /// A shell command (`/bin/sh -c`), run in `directory`, given the request as JSON on stdin.
        case command(String, directory: String?)
        /// A Swift closure returning the outcomes it wants, best first.
        case closure(@Sendable (HandlerRequest) throws -> [String])
    }

    public init(name: String, transitions: [String], timeout: Double = 60, lease: Double? = nil, work: Work) {
        self.name = name
        self.transitions = transitions
        self.timeout = timeout
        self.lease = lease ?? (timeout + 30)
        self.work = work
    }

    public init(name: String, transitions: [String], timeout: Double = 60, lease: Double? = nil,
                _ body: @escaping @Sendable (HandlerRequest) throws -> [String]) {
        self.init(name: name, transitions: transitions, timeout: timeout, lease: lease, work: .closure(body))
    }
}

/// What a handler is given: the binding whose tokens are held for it, and the
/// outcomes its guard allows for that binding.
public struct HandlerRequest: Sendable {
    public var handler: String
    public var net: String
    /// The outcomes enabled for this binding (guards true), in the handler's order.
    public var offered: [String]
    /// Variables of the binding (the union over the offered outcomes).
    public var variables: [String: Value]
    /// The same, written as in a net file.
    public var variableTexts: [(name: String, text: String)]
    /// The held tokens.
    public var tokens: [(place: String, token: String, count: Int)]
    public var worker: String
    /// The JSON document a command reads on stdin.
    public var json: JSONValue
    /// Environment variables a command gets: `CPN_HANDLER`, `CPN_OFFERED`, `CPN_VAR_t_domain`, ...
    public var environment: [String: String]
}

/// Why work bound to a transition did not produce an outcome.
public struct HandlerFailure: Error, Sendable, CustomStringConvertible {
    public var handler: String
    public var message: String
    public init(handler: String, message: String) {
        self.handler = handler
        self.message = message
    }
    public var description: String { "handler `\(handler)` failed: \(message)" }
}
